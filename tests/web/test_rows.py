"""The list rows built in Python (apps/web/rows.py), pinned to the exact markup.

The rows replace a template loop, so they must keep producing the same
markup the stylesheet, our JavaScript and the tests of the pages read:
these cases pin it byte for byte, every option on and every option off.
"""

# The pinned markup is kept one element per line, however long.
# ruff: noqa: E501

import datetime as dt

from apps.patches.models import Tag
from apps.patches.selectors import PatchRow, RowPerson
from apps.web.rows import RowOptions, patch_rows_html

DATE = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
TAGS = [Tag(name="Acked-by", abbrev="A"), Tag(name="Reviewed-by", abbrev="R")]
LONG = "x" * 101  # cut to 99 characters and an ellipsis
CUT = "x" * 99 + "\u2026"
HUNDRED = "y" * 100  # short enough to stay whole


def row(**fields) -> PatchRow:
    values = {
        "pk": 8,
        "msgid": "<m@x>",
        "name": HUNDRED,
        "date": DATE,
        "archived": False,
        "project_id": 3,
        "linkname": "lk",
        "state_name": "New",
        "state_slug": "new",
        "submitter": RowPerson(pk=6, name="Sam", email="s@x", user_id=None),
        "delegate_id": None,
        "delegate_username": None,
        "series_id": None,
        "series_name": None,
    }
    return PatchRow(**{**values, **fields})


ALL_ON = RowOptions(
    tags=TAGS, use_tags=True, selectable=True, show_ids=True, reorderable=True
)
ALL_OFF = RowOptions(
    tags=TAGS, use_tags=False, selectable=False, show_ids=False, reorderable=False
)

FULL = "".join(
    [
        '<tr id="patch-row:7" data-patch-id="7" data-href="/project/lk/patch/a%252Fb@x/">'
        '<td class="select">'
        '<input type="checkbox" name="patch_id:7" value="checked" aria-label="Select {LONG}">'
        "</td>"
        '<td class="id">'
        '<button type="button" class="copy-id" data-copy="7" title="Copy patch ID">7</button>'
        "</td>"
        '<td class="name">'
        '<a href="/project/lk/patch/a%252Fb@x/">{CUT}</a>'
        "</td>"
        '<td class="series" data-label="Series">'
        '<a href="?series=9" title="Untitled series #9">Untitled series #9</a>'
        "</td>"
        '<td class="tags" data-label="A/R">'
        '<span title="3 Acked-by, 0 Reviewed-by">'
        '<span class="tag-count nonzero">3</span> <span class="tag-count">-</span>'
        "</span>"
        "</td>"
        '<td class="checks" data-label="S/W/F">'
        '<span class="check-count success nonzero" title="1 success">1</span> <span class="check-count warning" title="0 warning">-</span> <span class="check-count fail nonzero" title="2 fail">2</span>'
        "</td>"
        '<td class="date" data-label="Date">'
        '<time datetime="2024-01-02T03:04:05+00:00">2024-01-02</time>'
        "</td>"
        '<td class="submitter" data-label="Submitter">'
        '<a href="/project/lk/list/?submitter=5">s@x</a>'
        "</td>"
        '<td class="delegate" data-label="Delegate">del</td>'
        '<td class="state">'
        '<span class="state-badge state-under-review">Under Review</span> <span class="archived-mark" title="Archived">archived</span>'
        "</td>"
        '<td class="reorder">'
        '<span class="move-buttons">'
        '<button type="submit" form="reorder-form" name="move" value="up:7" class="move up" title="Move up" aria-label="Move {LONG} up">&uarr;</button>'
        '<button type="submit" form="reorder-form" name="move" value="down:7" class="move down" title="Move down" aria-label="Move {LONG} down">&darr;</button>'
        "</span>"
        "</td>"
        "</tr>"
    ]
).format(LONG=LONG, CUT=CUT)

PLAIN = "".join(
    [
        '<tr id="patch-row:8" data-patch-id="8" data-href="/project/lk/patch/m@x/">'
        '<td class="name">'
        '<a href="/project/lk/patch/m@x/">{HUNDRED}</a>'
        "</td>"
        '<td class="series" data-label="Series">'
        "</td>"
        '<td class="tags" data-label="A/R">'
        "</td>"
        '<td class="checks" data-label="S/W/F">'
        '<span class="check-count success" title="0 success">-</span> <span class="check-count warning" title="0 warning">-</span> <span class="check-count fail" title="0 fail">-</span>'
        "</td>"
        '<td class="date" data-label="Date">'
        '<time datetime="2024-01-02T03:04:05+00:00">2024-01-02</time>'
        "</td>"
        '<td class="submitter" data-label="Submitter">'
        '<a href="/project/lk/list/?submitter=6">Sam</a>'
        "</td>"
        '<td class="delegate" data-label="Delegate">'
        "</td>"
        '<td class="state">'
        '<span class="state-badge state-new">New</span>'
        "</td>"
        "</tr>"
    ]
).format(HUNDRED=HUNDRED)

UNNAMED = "".join(
    [
        '<tr id="patch-row:9" data-patch-id="9" data-href="/project/o/patch/m@x/">'
        '<td class="name">'
        '<a href="/project/o/patch/m@x/">[no subject]</a>'
        "</td>"
        '<td class="series" data-label="Series">'
        '<a href="?series=3" title="S">S</a>'
        "</td>"
        '<td class="tags" data-label="A/R">'
        "</td>"
        '<td class="checks" data-label="S/W/F">'
        '<span class="check-count success" title="0 success">-</span> <span class="check-count warning" title="0 warning">-</span> <span class="check-count fail" title="0 fail">-</span>'
        "</td>"
        '<td class="date" data-label="Date">'
        '<time datetime="2024-01-02T03:04:05+00:00">2024-01-02</time>'
        "</td>"
        '<td class="submitter" data-label="Submitter">'
        '<a href="/project/o/list/?submitter=6">s@x</a>'
        "</td>"
        '<td class="delegate" data-label="Delegate">'
        "</td>"
        '<td class="state">'
        '<span class="state-badge state-new">New</span>'
        "</td>"
        "</tr>"
    ]
)


def test_every_option_on():
    patch = row(
        pk=7,
        msgid="<a/b@x>",
        name=LONG,
        archived=True,
        state_name="Under Review",
        state_slug="under-review",
        submitter=RowPerson(pk=5, name=None, email="s@x", user_id=None),
        delegate_id=2,
        delegate_username="del",
        series_id=9,
        checks_success=1,
        checks_fail=2,
        tag_counts=[(TAGS[0], 3), (TAGS[1], 0)],
    )
    assert patch_rows_html([patch], ALL_ON) == FULL


def test_every_option_off_and_rows_joined_by_newlines():
    assert patch_rows_html([row(), row()], ALL_OFF) == PLAIN + "\n" + PLAIN


def test_no_subject_and_no_submitter_name():
    patch = row(
        pk=9,
        name="",
        project_id=4,
        linkname="o",
        series_id=3,
        series_name="S",
        submitter=RowPerson(pk=6, name="", email="s@x", user_id=None),
    )
    assert patch_rows_html([patch], ALL_OFF) == UNNAMED


def test_the_project_list_path_is_per_project():
    first = row(pk=1, project_id=3, linkname="lk")
    second = row(pk=2, project_id=4, linkname="other")
    html = patch_rows_html([first, second], ALL_OFF)
    assert '<a href="/project/lk/list/?submitter=6">' in html
    assert '<a href="/project/other/list/?submitter=6">' in html
