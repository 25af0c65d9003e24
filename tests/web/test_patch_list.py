"""The project patch list: filters, summary, ordering, pagination, columns (§6)."""

import datetime as dt

import pytest

from apps.patches.models import PatchTag, Tag
from apps.web.listing import page_numbers
from tests.factories import (
    BASE_DATE,
    CheckFactory,
    CoverFactory,
    PatchFactory,
    PersonFactory,
    ProjectFactory,
    SeriesFactory,
    UserFactory,
)
from tests.web.html import elements, hrefs, row_ids, text

pytestmark = pytest.mark.django_db


def list_url(project, query=""):
    return f"/project/{project.linkname}/list/" + (f"?{query}" if query else "")


def day(n: int) -> dt.datetime:
    return BASE_DATE + dt.timedelta(days=n)


# --- default filters -----------------------------------------------------------


def test_default_list_shows_unarchived_action_required_newest_first(
    client, project, make_patch, states
):
    old = make_patch(date=day(1))
    new = make_patch(date=day(2), state=states["under-review"])
    make_patch(date=day(3), state=states["accepted"])
    make_patch(date=day(4), archived=True)
    CoverFactory(project=project)
    response = client.get(list_url(project))
    assert response.status_code == 200
    assert row_ids(response) == [new.pk, old.pk]
    page = text(response)
    assert "State = Action Required" in page
    assert "Archived = No" in page
    assert "| 2 patches" in page


def test_state_any_and_archive_both_show_everything(
    client, project, make_patch, states
):
    patches = [
        make_patch(date=day(1)),
        make_patch(date=day(2), state=states["accepted"]),
        make_patch(date=day(3), archived=True),
    ]
    response = client.get(list_url(project, "state=*&archive=both"))
    assert row_ids(response) == [p.pk for p in reversed(patches)]
    assert "Show patches with none" in text(response)


def test_state_filter_by_id(client, project, make_patch, states):
    accepted = make_patch(state=states["accepted"])
    make_patch()
    response = client.get(list_url(project, f"state={states['accepted'].pk}"))
    assert row_ids(response) == [accepted.pk]
    assert "State = Accepted" in text(response)


def test_unknown_state_value_means_action_required(client, project, make_patch, states):
    new = make_patch()
    make_patch(state=states["accepted"])
    assert row_ids(client.get(list_url(project, "state=bogus"))) == [new.pk]


def test_archive_true_shows_archived_only(client, project, make_patch):
    archived = make_patch(archived=True)
    make_patch()
    response = client.get(list_url(project, "archive=true"))
    assert row_ids(response) == [archived.pk]
    assert "Archived = Yes" in text(response)


# --- other filters --------------------------------------------------------------


def test_submitter_filter_by_person_id(client, project, make_patch, submitter):
    mine = make_patch(submitter=submitter)
    make_patch()
    response = client.get(list_url(project, f"submitter={submitter.pk}"))
    assert row_ids(response) == [mine.pk]
    assert "Submitter = Sam Submitter" in text(response)


def test_submitter_id_of_linked_person_matches_all_the_users_addresses(
    client, project, make_patch
):
    user = UserFactory()
    work = PersonFactory(user=user)
    home = PersonFactory(user=user)
    a = make_patch(submitter=work, date=day(1))
    b = make_patch(submitter=home, date=day(2))
    make_patch()
    response = client.get(list_url(project, f"submitter={work.pk}"))
    assert row_ids(response) == [b.pk, a.pk]


def test_submitter_text_matches_names(client, project, make_patch, submitter):
    mine = make_patch(submitter=submitter)
    make_patch()
    response = client.get(list_url(project, "submitter=sam sub"))
    assert row_ids(response) == [mine.pk]
    assert "Submitter = sam sub" in text(response)


def test_submitter_text_matching_nobody_is_ignored(client, project, make_patch):
    patches = [make_patch(date=day(1)), make_patch(date=day(2))]
    response = client.get(list_url(project, "submitter=zzz-nobody"))
    assert row_ids(response) == [patches[1].pk, patches[0].pk]
    assert "Submitter" not in text(response).split("|")[0]


def test_delegate_filters(client, project, make_patch, maintainer):
    delegated = make_patch(delegate=maintainer, date=day(1))
    free = make_patch(date=day(2))
    assert row_ids(client.get(list_url(project, f"delegate={maintainer.pk}"))) == [
        delegated.pk
    ]
    assert row_ids(client.get(list_url(project, "delegate=Nobody"))) == [free.pk]
    assert row_ids(client.get(list_url(project, "delegate=maint"))) == [delegated.pk]
    # Text that matches no username is ignored.
    assert row_ids(client.get(list_url(project, "delegate=qqq"))) == [
        free.pk,
        delegated.pk,
    ]


def test_series_filter_and_bad_series_ignored(client, project, make_patch):
    series = SeriesFactory(project=project, name="Great series")
    member = make_patch(series=series, number=1, date=day(1))
    other = make_patch(date=day(2))
    response = client.get(list_url(project, f"series={series.pk}"))
    assert row_ids(response) == [member.pk]
    assert "Series = Great series" in text(response)
    for bad in ("abc", "999999"):
        assert row_ids(client.get(list_url(project, f"series={bad}"))) == [
            other.pk,
            member.pk,
        ]


def test_search_matches_name_case_insensitively(client, project, make_patch):
    hit = make_patch(name="net: Fix the Frobnicator")
    make_patch(name="mm: something else")
    response = client.get(list_url(project, "q=frobnic"))
    assert row_ids(response) == [hit.pk]
    assert "Subject = frobnic" in text(response)


def test_summary_remove_links(client, project, make_patch, submitter):
    make_patch(submitter=submitter)
    response = client.get(list_url(project, f"submitter={submitter.pk}&q=x"))
    removes = [a["href"] for a in elements(response, "a", class_="chip-remove")]
    assert removes == [
        "?q=x",
        f"?submitter={submitter.pk}&q=x&state=%2A",
        f"?submitter={submitter.pk}",
        f"?submitter={submitter.pk}&q=x&archive=both",
    ]


def test_filter_form_lists_each_maintainer_once(client, project, maintainer):
    ProjectFactory(maintainers=[maintainer])
    content = client.get(list_url(project)).content.decode()
    assert content.count(f'<option value="{maintainer.pk}">maintainer</option>') == 1


def test_cover_letters_are_never_listed(client, project):
    CoverFactory(project=project)
    response = client.get(list_url(project, "state=*&archive=both"))
    assert row_ids(response) == []
    assert "No patches to display" in text(response)


def test_other_projects_patches_are_not_listed(client, project, make_patch):
    mine = make_patch()
    PatchFactory()
    assert row_ids(client.get(list_url(project))) == [mine.pk]


# --- ordering -------------------------------------------------------------------


def test_order_by_name_and_reverse(client, project, make_patch):
    b = make_patch(name="b patch", date=day(1))
    a = make_patch(name="a patch", date=day(2))
    c = make_patch(name="c patch", date=day(3))
    assert row_ids(client.get(list_url(project, "order=name"))) == [a.pk, b.pk, c.pk]
    assert row_ids(client.get(list_url(project, "order=-name"))) == [c.pk, b.pk, a.pk]


def test_order_date_ascending(client, project, make_patch):
    first = make_patch(date=day(1))
    second = make_patch(date=day(2))
    assert row_ids(client.get(list_url(project, "order=date"))) == [
        first.pk,
        second.pk,
    ]


def test_date_breaks_ties_against_the_primary_direction(
    client, project, make_patch, submitter
):
    older = make_patch(submitter=submitter, date=day(1))
    newer = make_patch(submitter=submitter, date=day(2))
    assert row_ids(client.get(list_url(project, "order=submitter"))) == [
        newer.pk,
        older.pk,
    ]
    assert row_ids(client.get(list_url(project, "order=-submitter"))) == [
        older.pk,
        newer.pk,
    ]


def test_order_by_state_uses_state_ordering(client, project, make_patch, states):
    review = make_patch(state=states["under-review"], date=day(1))
    new = make_patch(state=states["new"], date=day(2))
    assert row_ids(client.get(list_url(project, "order=state"))) == [new.pk, review.pk]


def test_unknown_order_falls_back_to_newest_first(client, project, make_patch):
    first = make_patch(date=day(1))
    second = make_patch(date=day(2))
    assert row_ids(client.get(list_url(project, "order=bogus"))) == [
        second.pk,
        first.pk,
    ]


def test_sort_headers_link_to_reverse_of_active_and_ascending_of_others(
    client, project, make_patch
):
    make_patch()
    response = client.get(list_url(project, "q=Change&order=name"))
    sort_links = [
        a["href"] for a in elements(response, "a") if "sort" in a.get("class", "")
    ]
    assert sort_links == [
        "?q=Change&order=-name",
        "?q=Change&order=date",
        "?q=Change&order=submitter",
        "?q=Change&order=delegate",
        "?q=Change&order=state",
    ]
    assert 'aria-sort="ascending"' in response.content.decode()


# --- pagination ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "last", "expected"),
    [
        (1, 1, [1]),
        (2, 4, [1, 2, 3, 4]),
        (1, 5, [1, 2, 3, 4, 5]),
        (5, 5, [1, 2, 3, 4, 5]),
        (1, 10, [1, 2, 3, 4, None, 9, 10]),
        (10, 10, [1, 2, None, 7, 8, 9, 10]),
        (8, 10, [1, 2, None, 7, 8, 9, 10]),
        (4, 10, [1, 2, 3, 4, 5, None, 9, 10]),
        (5, 10, [1, 2, None, 4, 5, 6, None, 9, 10]),
        (6, 12, [1, 2, None, 5, 6, 7, None, 11, 12]),
    ],
)
def test_page_numbers(current, last, expected):
    assert page_numbers(current, last) == expected


def test_page_size_comes_from_the_profile(client, project, make_patch):
    patches = [make_patch(date=day(n)) for n in range(5)]
    user = UserFactory(items_per_page=2)
    client.force_login(user)
    first = client.get(list_url(project))
    assert row_ids(first) == [patches[4].pk, patches[3].pk]
    third = client.get(list_url(project, "page=3"))
    assert row_ids(third) == [patches[0].pk]


def test_anonymous_page_size_is_the_setting(client, project, make_patch, settings):
    settings.DEFAULT_ITEMS_PER_PAGE = 3
    for n in range(4):
        make_patch(date=day(n))
    assert len(row_ids(client.get(list_url(project)))) == 3


@pytest.mark.parametrize(("page", "rows"), [("x", 2), ("0", 2), ("-4", 2), ("99", 1)])
def test_bad_page_numbers_are_clamped(client, project, make_patch, page, rows):
    for n in range(3):
        make_patch(date=day(n))
    client.force_login(UserFactory(items_per_page=2))
    response = client.get(list_url(project, f"page={page}"))
    assert response.status_code == 200
    assert len(row_ids(response)) == rows


def test_page_links_keep_filters_and_order(client, project, make_patch):
    for n in range(5):
        make_patch(date=day(n))
    client.force_login(UserFactory(items_per_page=2))
    response = client.get(list_url(project, "q=Change&order=name&junk=1&page=2"))
    page_links = {h for h in hrefs(response) if "page=" in h}
    assert page_links == {
        "?q=Change&order=name&page=1",
        "?q=Change&order=name&page=3",
    }


def test_no_navigator_on_a_single_page(client, project, make_patch):
    make_patch()
    assert "page=" not in client.get(list_url(project)).content.decode()


# --- columns ---------------------------------------------------------------------


def test_columns_show_series_submitter_delegate_state_and_date(
    client, project, make_patch, maintainer, submitter
):
    series = SeriesFactory(project=project, name="The series")
    patch = make_patch(
        series=series,
        number=1,
        submitter=submitter,
        delegate=maintainer,
        date=dt.datetime(2024, 5, 6, 7, 8, tzinfo=dt.UTC),
    )
    response = client.get(list_url(project))
    page = text(response)
    assert "The series" in page
    assert "Sam Submitter" in page
    assert "maintainer" in page
    assert "2024-05-06" in page
    assert "New" in page
    links = hrefs(response)
    assert f"?series={series.pk}" in links
    assert f"/project/{project.linkname}/list/?submitter={submitter.pk}" in links
    assert f"/project/{project.linkname}/patch/{patch.msgid[1:-1]}/" in links
    (row,) = elements(response, "tr", id=f"patch-row:{patch.pk}")
    assert row["data-patch-id"] == str(patch.pk)


def test_untitled_series_and_missing_subject(client, project, make_patch):
    series = SeriesFactory(project=project, name=None)
    make_patch(series=series, number=1, name="")
    page = text(client.get(list_url(project)))
    assert f"Untitled series #{series.pk}" in page
    assert "[no subject]" in page


def test_long_names_are_cut_to_100_characters(client, project, make_patch):
    make_patch(name="x" * 150)
    page = text(client.get(list_url(project)))
    assert "x" * 99 + "…" in page
    assert "x" * 100 not in page


def test_submitter_without_name_shows_the_address(client, project, make_patch):
    make_patch(submitter=PersonFactory(name=None, email="anon@example.org"))
    assert "anon@example.org" in text(client.get(list_url(project)))


def test_tag_counts(client, project, make_patch):
    patch = make_patch()
    acked = Tag.objects.get(abbrev="A")
    tested = Tag.objects.get(abbrev="T")
    PatchTag.objects.create(patch=patch, tag=acked, count=2)
    PatchTag.objects.create(patch=patch, tag=tested, count=1)
    response = client.get(list_url(project))
    assert "A/R/T" in text(response)
    assert "2 - 1" in text(response)
    assert "2 Acked-by, 0 Reviewed-by, 1 Tested-by" in response.content.decode()


def test_tags_column_is_empty_when_the_project_has_tags_off(
    client, project, make_patch
):
    project.use_tags = False
    project.save()
    patch = make_patch()
    PatchTag.objects.create(patch=patch, tag=Tag.objects.get(abbrev="A"), count=2)
    assert "A/R/T" not in text(client.get(list_url(project)))


def test_check_counts_use_the_newest_check_per_user_and_context(
    client, project, make_patch
):
    patch = make_patch()
    bot = UserFactory()
    other_bot = UserFactory()
    CheckFactory(patch=patch, user=bot, context="build", state=3, date=day(1))
    CheckFactory(patch=patch, user=bot, context="build", state=1, date=day(2))
    CheckFactory(patch=patch, user=bot, context="lint", state=2, date=day(1))
    CheckFactory(patch=patch, user=other_bot, context="build", state=3, date=day(1))
    response = client.get(list_url(project))
    content = response.content.decode()
    assert 'title="1 success"' in content
    assert 'title="1 warning"' in content
    assert 'title="1 fail"' in content


def test_select_column_only_for_logged_in_users(client, project, make_patch):
    patch = make_patch()
    assert not elements(
        client.get(list_url(project)), "input", name=f"patch_id:{patch.pk}"
    )
    assert "patch-list-form" in client.get(list_url(project)).content.decode()
    client.force_login(UserFactory())
    response = client.get(list_url(project))
    assert elements(response, "input", name=f"patch_id:{patch.pk}")
    assert elements(response, "input", id="check-all")


def test_id_column_with_show_ids(client, project, make_patch):
    patch = make_patch()
    client.force_login(UserFactory(show_ids=False))
    assert not elements(client.get(list_url(project)), "button", class_="copy-id")
    client.force_login(UserFactory(show_ids=True))
    (button,) = elements(client.get(list_url(project)), "button", class_="copy-id")
    assert button["data-copy"] == str(patch.pk)
