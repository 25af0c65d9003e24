"""importpatchwork --from-api: mirror a live instance's project over its REST API."""

import io
import json
import re
from email.utils import format_datetime

import pytest
from django.core.management import call_command
from django.test import Client

from apps.patches.models import Patch
from tests.importer.live_source import LATER_CHANGES, LiveSource

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

LIST_ID = "demo.lists.example.org"


@pytest.fixture(scope="module")
def live_source(tmp_path_factory):
    source = LiveSource(tmp_path_factory.mktemp("source"))
    try:
        source.start()
        yield source
    finally:
        source.stop()


def mirror(source: LiveSource, *args: str) -> str:
    out = io.StringIO()
    call_command(
        "importpatchwork",
        "--from-api",
        source.url,
        "--project",
        "demo",
        "--rate",
        "1000",
        *args,
        stdout=out,
        stderr=io.StringIO(),
    )
    return out.getvalue()


def local_all(client: Client, path: str) -> list:
    items: list = []
    page = 1
    while True:
        sep = "&" if "?" in path else "?"
        response = client.get(f"{path}{sep}page={page}&per_page=250")
        assert response.status_code == 200, path
        items += json.loads(response.content)
        if 'rel="next"' not in response.get("Link", ""):
            return items
        page += 1


def assert_same_api(source: LiveSource, version: str) -> int:
    """Every object the source's API shows for the project, the target shows alike."""
    client = Client()
    prefix = f"/api/{version}/" if version else "/api/"

    def same(path: str, *, listing: bool = False) -> list | dict:
        if listing:
            theirs, ours = source.get_all(path), local_all(client, path)
        else:
            theirs, ours = source.get(path)[0], json.loads(client.get(path).content)
        text = json.dumps(theirs).replace(source.url, "http://testserver")
        assert json.loads(text) == ours, path
        return ours

    compared = 0
    same(f"{prefix}projects/demo/")
    for kind in ("patches", "covers", "series"):
        for item in same(f"{prefix}{kind}/?project=demo", listing=True):
            same(f"{prefix}{kind}/{item['id']}/")
            compared += 1
            if kind == "patches":
                same(f"{prefix}patches/{item['id']}/checks/", listing=True)
            if kind != "series" and version != "1.0":
                same(f"{prefix}{kind}/{item['id']}/comments/", listing=True)
    same(f"{prefix}events/?project=demo", listing=True)
    return compared


def new_mail(source: LiveSource) -> tuple[bytes, bytes]:
    """A new patch, and a reply to a patch the mirror already has."""
    old_msgid = source.get("/api/patches/?project=demo&order=id")[0][0]["msgid"]
    date = format_datetime(Patch._meta.get_field("date").default())
    patch = (
        "From: New Comer <new@example.org>\nTo: demo@lists.example.org\n"
        f"List-Id: <{LIST_ID}>\nSubject: [PATCH] Add a thing\n"
        f"Message-Id: <new-patch@example.org>\nDate: {date}\n\n"
        "Add it.\n\nSigned-off-by: New Comer <new@example.org>\n---\n"
        "--- a/thing.c\n+++ b/thing.c\n@@ -1 +1 @@\n-a\n+b\n"
    ).encode()
    reply = (
        "From: Reviewer <review@example.org>\nTo: demo@lists.example.org\n"
        f"List-Id: <{LIST_ID}>\nSubject: Re: old\n"
        "Message-Id: <late-reply@example.org>\n"
        f"In-Reply-To: {old_msgid}\nReferences: {old_msgid}\nDate: {date}\n\n"
        "Reviewed-by: Reviewer <review@example.org>\n"
    ).encode()
    return patch, reply


def counts(output: str, line: str) -> dict[str, int]:
    text = re.search(rf"^{line}: (.*)$", output, re.M).group(1)
    if text == "nothing":
        return {}
    return {
        kind: int(count)
        for count, kind in (part.split(" ", 1) for part in text.split(", "))
    }


def test_a_mirror_shows_what_the_source_shows_and_a_second_run_reads_only_news(
    live_source,
):
    first = mirror(live_source)

    # The mirror reads and compares Patchwork's newest version, 1.4; what
    # 1.5 adds (series versions and state) comes from `linkversions`, run
    # after an import (README), not from the source.
    patches = assert_same_api(live_source, "1.4")
    assert counts(first, "created")["patch"] == Patch.objects.count() > 5
    assert patches > 10

    for raw in new_mail(live_source):
        live_source.manage("parsemail", "--list-id", LIST_ID, stdin=raw)
    live_source.shell(LATER_CHANGES)

    second = mirror(live_source)

    created = counts(second, "created")
    assert created["patch"] == 1
    assert created["patch-comment"] == 1
    assert created["check"] == 1
    assert "cover" not in created
    assert "series" in created  # the new patch's own series
    # Read again: the patch the reply went to and the one whose state changed.
    assert counts(second, "read again") == {"patch": 2}
    assert int(re.search(r"^(\d+) requests", second, re.M).group(1)) < 30
    assert_same_api(live_source, "1.4")


@pytest.mark.parametrize("version", ["1.0", "1.2"])
def test_older_api_versions_mirror_what_they_show(live_source, version):
    output = mirror(live_source, "--api-version", version)

    assert f"(REST API {version})" in output
    assert_same_api(live_source, version)
