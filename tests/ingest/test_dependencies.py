"""``Depends-on:`` lines link series (fixtures/mail/series/dependency-* templates)."""

import tempfile
from pathlib import Path

import pytest

from apps.patches.models import Series
from tests.factories import ProjectFactory
from tests.ingest.helpers import LIST_ID, corpus_file, deliver, deliver_mbox, mbox_mails

pytestmark = pytest.mark.django_db

BASE_COVER = "<dep-base-0@example.org>"
BASE_PATCH = "<dep-base-2@example.org>"
OWN_COVER = "<dep-first-0@example.org>"


def fill(template: str, **tokens: str) -> list[bytes]:
    """Return the template's mails with ``{name}`` placeholders filled in."""
    text = corpus_file("series", template).read_bytes()
    for name, value in tokens.items():
        text = text.replace(b"{" + name.encode() + b"}", value.encode())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "filled.mbox"
        path.write_bytes(text)
        return mbox_mails(path)


def base_series(project=None) -> Series:
    deliver_mbox(
        corpus_file("series", "dependency-base.mbox"),
        list_id=project.listid if project else LIST_ID,
    )
    return Series.objects.get(cover_letter__msgid=BASE_COVER)


def deliver_all(mails: list[bytes], list_id: str = LIST_ID) -> Series:
    for raw in mails:
        deliver(raw, list_id)
    return Series.objects.order_by("-id").first()


def dependency_ids(series: Series) -> list[int]:
    through = Series.dependencies.through
    return list(
        through.objects.filter(from_series=series)
        .order_by("id")
        .values_list("to_series_id", flat=True)
    )


@pytest.mark.parametrize(
    "token",
    [
        "series-url",
        "patch-url",
        "patch-msgid",
    ],
)
def test_cover_depends_on_base_series(test_project, token):
    base = base_series()
    value = {
        "series-url": f"https://patches.example.org/project/test/list/?series={base.pk}",
        "patch-url": "http://patches.example.org/project/test/patch/"
        + BASE_PATCH.strip("<>")
        + "/",
        "patch-msgid": BASE_PATCH,
    }[token]
    new = deliver_all(fill("dependency-in-cover.mbox.template", depends_token=value))
    assert new != base
    assert dependency_ids(new) == [base.pk]
    assert list(base.dependents.all()) == [new]


def test_cover_message_id_names_its_series(test_project):
    base = base_series()
    new = deliver_all(
        fill("dependency-in-first-patch.mbox.template", depends_token=BASE_COVER)
    )
    assert dependency_ids(new) == [base.pk]


def test_a_series_never_depends_on_itself(test_project):
    base_series()
    new = deliver_all(
        fill("dependency-in-first-patch.mbox.template", depends_token=OWN_COVER)
    )
    assert dependency_ids(new) == []


def test_no_dependency_on_another_projects_series(test_project):
    other = ProjectFactory(linkname="other", listid="other.example.com")
    base = base_series(other)
    new = deliver_all(
        fill("dependency-in-cover.mbox.template", depends_token=BASE_PATCH)
    )
    assert new.project == test_project
    assert base.project == other
    assert dependency_ids(new) == []


def test_unknown_dependency_is_ignored(test_project):
    base_series()
    new = deliver_all(
        fill(
            "dependency-in-cover.mbox.template",
            depends_token="https://patches.example.org/about/",
        )
    )
    assert dependency_ids(new) == []
    assert new.patches.count() == 2


@pytest.mark.parametrize(
    "template",
    ["dependency-two-in-cover.mbox.template", "dependency-one-per-patch.mbox.template"],
)
def test_several_dependencies_keep_their_order(test_project, template):
    first = base_series()
    second = deliver_all(
        fill("dependency-in-cover.mbox.template", depends_token=BASE_PATCH)
    )
    second_patch = second.patches.get(number=1).msgid
    third = deliver_all(
        fill(template, depends_token_1=BASE_PATCH, depends_token_2=second_patch)
    )
    assert dependency_ids(third) == [first.pk, second.pk]
    assert dependency_ids(first) == []
    assert set(first.dependents.all()) == {second, third}
    # Delivering the same archive again adds nothing twice.
    deliver_all(
        fill(template, depends_token_1=BASE_PATCH, depends_token_2=second_patch)
    )
    assert dependency_ids(third) == [first.pk, second.pk]
