"""The demo list's mail goes through ingest and loads once."""

import pytest

from apps.demo.mails import demo_mails
from apps.demo.services import DEMO_PROJECT, demo_mail_load, demo_project_get_or_create
from apps.patches.models import Cover, Patch, Series
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_project():
    return demo_project_get_or_create(maintainer=UserFactory())


def test_demo_mail_makes_series_versions_reviews_and_a_pull_request(demo_project):
    summary = demo_mail_load(project=demo_project)

    assert (summary.patches, summary.covers, summary.comments, summary.series) == (
        10,
        2,
        7,
        5,
    )
    widget = Series.objects.filter(name="widget: reset support").order_by("version")
    assert [(s.version, s.patches.count()) for s in widget] == [(1, 3), (2, 3)]
    assert all(s.cover_letter is not None for s in widget)
    v2_tags = {
        pt.tag.name: pt.count
        for patch in widget[1].patches.all()
        for pt in patch.patchtag_set.select_related("tag")
    }
    assert v2_tags == {"Reviewed-by": 1, "Tested-by": 1, "Acked-by": 1}
    pull = Patch.objects.get(pull_url__isnull=False)
    assert pull.pull_url == "https://git.example.org/widget.git tags/widget-fixes-1.2"
    assert pull.diff is None
    assert Patch.objects.get(msgid="<build-v1-1@demo.example.org>").submitter.name == (
        "Zoë Ferré"
    )
    review = Patch.objects.get(msgid="<widget-v1-2@demo.example.org>")
    assert review.comments.count() == 2
    assert (
        Cover.objects.get(msgid="<widget-v1-0@demo.example.org>").comments.count() == 1
    )


def test_loading_again_adds_nothing(demo_project):
    first = demo_mail_load(project=demo_project)
    second = demo_mail_load(project=demo_project)
    assert first == second
    assert Patch.objects.count() == first.patches


def test_demo_mails_name_the_demo_list():
    mails = list(demo_mails())
    assert len(mails) == 19
    assert all(DEMO_PROJECT["listid"].encode() in raw for raw in mails)
