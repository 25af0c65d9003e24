"""The project's series list, the series page and the interdiff of two versions."""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from apps.patches import rules
from apps.patches import selectors as patch_selectors
from apps.patches.interdiff import entry_heading
from apps.people import selectors as people_selectors
from apps.web import commands
from apps.web.bulk import Outcome
from apps.web.forms import BulkUpdateForm
from apps.web.rows import RowOptions, patch_rows_html
from apps.web.series_bulk import apply_series_action
from apps.web.series_listing import build_series_list
from apps.web.series_rows import series_rows_html
from apps.web.views.common import project_or_404, site_base_url


@require_http_methods(["GET", "HEAD", "POST"])
def series_list(request, project_id):
    project = project_or_404(project_id)
    states = patch_selectors.state_list()
    outcome = Outcome()
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        outcome = apply_series_action(request, project=project, states=states)
    series_list = build_series_list(
        request, series=patch_selectors.project_series(project), states=states
    )
    # The bulk controls show to the project's maintainers; the service still
    # checks every patch of every series against the patch edit rule.
    can_update = rules.is_maintainer(request.user, project.pk)
    page = {
        "project": project,
        "series_list": series_list,
        "series_rows": series_rows_html(series_list.rows, selectable=can_update),
        "can_update": can_update,
        "errors": outcome.errors,
        "nav": "series",
    }
    if can_update:
        page["update_form"] = outcome.form or BulkUpdateForm(
            states=states,
            delegates=people_selectors.project_delegate_choices(project.pk),
        )
    return render(request, "series/list.html", page)


def _b4_msgid(series, rows) -> str | None:
    """Return the message b4 starts the series from: its cover, else its first patch."""
    if series.cover_letter is not None:
        return series.cover_letter.msgid
    return rows[0].msgid if rows else None


def _series_or_404(series_id: int):
    series = patch_selectors.series_page(series_id)
    if series is None:
        raise Http404("No such series.")
    return series


@require_http_methods(["GET", "HEAD"])
def series_detail(request, series_id):
    series = _series_or_404(series_id)
    project = series.project
    tags = patch_selectors.tag_columns()
    rows = patch_selectors.series_patch_rows(series, tags)
    options = RowOptions(
        tags=tags,
        use_tags=project.use_tags,
        selectable=False,
        show_ids=False,
        reorderable=False,
    )
    context = {
        "project": project,
        "series": series,
        "cover": series.cover_letter,
        "patch_rows": patch_rows_html(rows, options),
        "patch_count": len(rows),
        "current_index": [v.pk for v in series.versions].index(series.pk),
        "can_link_versions": rules.can_link_versions(request.user, series),
        "tags": tags,
        "nav": "series",
        **commands.page_commands(
            site_base_url(request),
            series=series,
            series_msgid=_b4_msgid(series, rows),
        ),
    }
    return render(request, "series/detail.html", context)


@require_http_methods(["GET", "HEAD"])
def series_interdiff(request, series_id, other_id):
    pair = patch_selectors.series_pair(series_id, other_id)
    if pair is None:
        raise Http404("No such pair of series.")
    series, other = pair
    result = patch_selectors.series_interdiff(series, other)
    entries = [
        {
            "entry": entry,
            "heading": entry_heading(entry),
            "anchor": f"entry-{n}",
            "diff_text": "\n".join(entry.diff),
        }
        for n, entry in enumerate(result.entries, start=1)
    ]
    return render(
        request,
        "series/interdiff.html",
        {
            "project": series.project,
            "series": series,
            "other": other,
            "result": result,
            "entries": entries,
            "counts": result.counts(),
            "cover_diff_text": "\n".join(result.cover_diff),
            "series_url": reverse("series-detail", args=[series.pk]),
            "other_url": reverse("series-detail", args=[other.pk]),
            "nav": "series",
        },
    )
