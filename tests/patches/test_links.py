import pytest

from apps.patches import links
from tests.factories import (
    BundleFactory,
    CoverFactory,
    PatchFactory,
    ProjectFactory,
    SeriesFactory,
    UserFactory,
)


def test_msgid_slash_reaches_the_wire_as_percent_252f():
    assert links.patch_path("qemu-devel", "<a/b@example.com>") == (
        "/project/qemu-devel/patch/a%252Fb@example.com/"
    )


@pytest.mark.parametrize(
    ("msgid", "segment"),
    [
        (
            "<20170920114637.42004-13-aik@ozlabs.ru>",
            "20170920114637.42004-13-aik@ozlabs.ru",
        ),
        ("<a+b=c$d:e~f@x>", "a+b=c$d:e~f@x"),
        ("<space here@x>", "space%20here@x"),
        ("<q?uery#frag@x>", "q%3Fuery%23frag@x"),
        ("<\u00e9t\u00e9@x>", "%C3%A9t%C3%A9@x"),
    ],
)
def test_msgid_segment_encoding(msgid, segment):
    assert links.patch_path("p", msgid) == f"/project/p/patch/{segment}/"


def test_segment_round_trip():
    msgid = "<a/b%2Fc@x>"
    assert links.segment_to_msgid(links.msgid_to_segment("<a/b@x>")) == "<a/b@x>"
    assert links.msgid_to_segment(msgid) == "a%2Fb%2Fc@x"


@pytest.mark.django_db
def test_object_paths():
    project = ProjectFactory(linkname="linux")
    patch = PatchFactory(project=project, msgid="<1@x>")
    cover = CoverFactory(project=project, msgid="<0@x>")
    series = SeriesFactory(project=project)
    bundle = BundleFactory(owner=UserFactory(username="ann"), name="my fixes")
    assert links.patch_web_path(patch) == "/project/linux/patch/1@x/"
    assert links.patch_mbox_path(patch) == "/project/linux/patch/1@x/mbox/"
    assert links.patch_raw_path(patch) == "/project/linux/patch/1@x/raw/"
    assert links.cover_web_path(cover) == "/project/linux/cover/0@x/"
    assert links.cover_mbox_path(cover) == "/project/linux/cover/0@x/mbox/"
    assert links.series_web_path(series) == f"/project/linux/list/?series={series.pk}"
    assert links.series_mbox_path(series) == f"/series/{series.pk}/mbox/"
    assert links.bundle_web_path(bundle) == "/bundle/ann/my%20fixes/"
    assert links.bundle_mbox_path(bundle) == "/bundle/ann/my%20fixes/mbox/"


def test_list_archive_url():
    project = ProjectFactory.build(list_archive_url_format="https://lore/r/{}")
    assert links.list_archive_url(project, "<a@b>") == "https://lore/r/a@b"
    project.list_archive_url_format = ""
    assert links.list_archive_url(project, "<a@b>") is None
