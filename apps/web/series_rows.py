"""HTML of the series list's rows, built in Python as ``apps.web.rows`` builds patches'.

A template loop over a page of series was most of the page's time. Every
value from mail or users goes through ``escape`` (``_e``); only integers
and fixed strings are placed unescaped.
"""

from django.utils.safestring import SafeString, mark_safe

from apps.web.rows import _cut, _e


def _state_cell(series) -> str:
    state = series.state
    if state.label is None:
        return '<td class="state" data-label="State"></td>'
    if state.superseded:
        extra = " state-superseded"
    elif state.uniform:
        extra = f" state-{_e(state.uniform)}"
    else:
        extra = ""
    return (
        f'<td class="state" data-label="State"><span class="state-badge{extra}">'
        f"{_e(state.label)}</span></td>"
    )


def _row(series, selectable: bool) -> str:
    pk = int(series.pk)
    url = f"/series/{pk}/"
    name = str(series)
    cells = []
    if selectable:
        cells.append(
            f'<td class="select"><input type="checkbox" name="series_id:{pk}" '
            f'value="checked" aria-label="Select {_e(name)}"></td>'
        )
    cover = (
        ' <span class="muted" title="With a cover letter">&#9993;</span>'
        if series.cover_letter_id
        else ""
    )
    cells.append(f'<td class="name"><a href="{url}">{_e(_cut(name))}</a>{cover}</td>')
    count = series.version_count
    of = f' <span class="muted">of {count}</span>' if count > 1 else ""
    cells.append(
        f'<td class="version" data-label="Version">v{int(series.version)}{of}</td>'
    )
    received, total = int(series.received_total), int(series.total)
    incomplete = " incomplete" if received < total else ""
    cells.append(
        f'<td class="received{incomplete}" data-label="Patches">{received}/{total}</td>'
    )
    date = series.date
    cells.append(
        f'<td class="date" data-label="Date"><time datetime="{date.isoformat()}">'
        f"{date:%Y-%m-%d}</time></td>"
    )
    submitter = series.submitter
    cells.append(
        f'<td class="submitter" data-label="Submitter">'
        f'<a href="?submitter={int(submitter.pk)}">'
        f"{_e(submitter.name or submitter.email)}</a></td>"
    )
    cells.append(_state_cell(series))
    return (
        f'<tr id="series-row:{pk}" data-patch-id="{pk}" data-href="{url}">'
        + "".join(cells)
        + "</tr>"
    )


def series_rows_html(rows, *, selectable: bool) -> SafeString:
    """Return the ``<tr>`` elements of a page of the series list."""
    html = "\n".join(_row(series, selectable) for series in rows)
    return mark_safe(html)  # noqa: S308 - every inserted value is escaped
