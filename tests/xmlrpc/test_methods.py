import datetime as dt
import xmlrpc.client

import pytest

from apps.checks.models import Check
from apps.events.models import Event
from apps.patches.models import State
from tests.factories import (
    CheckFactory,
    PatchFactory,
    PersonFactory,
    ProjectFactory,
    SeriesFactory,
    UserFactory,
)
from tests.hostile import SCRIPT_URLS

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    maintainer = UserFactory(username="maint")
    project = ProjectFactory(
        linkname="linux-foo", name="Linux Foo", maintainers=[maintainer]
    )
    other = ProjectFactory(linkname="other")
    alice = PersonFactory(name="Alice Example", email="alice@example.com")
    nameless = PersonFactory(name=None, email="anon@example.com", user=maintainer)
    first = PatchFactory(
        project=project,
        submitter=alice,
        name="[1/2] foo: first",
        date=dt.datetime(2024, 3, 1, 10, 0, tzinfo=dt.UTC),
        hash="a" * 40,
    )
    second = PatchFactory(
        project=project,
        submitter=nameless,
        name="[2/2] foo: second",
        date=dt.datetime(2024, 3, 1, 9, 0, 0, 123456, tzinfo=dt.UTC),
        delegate=maintainer,
        commit_ref="abc123",
        archived=True,
    )
    third = PatchFactory(project=other, date=dt.datetime(2024, 3, 2, tzinfo=dt.UTC))
    return locals()


def test_version(rpc):
    assert rpc().pw_rpc_version() == [1, 3, 0]


def test_patch_struct_matches_upstream(rpc, data):
    patch = data["first"]
    assert rpc().patch_get(patch.pk) == {
        "id": patch.pk,
        "date": b"2024-03-01 10:00:00",
        "filename": "1-2-foo-first",
        "msgid": patch.msgid,
        "name": "[1/2] foo: first",
        "project": b"Linux Foo",
        "project_id": data["project"].pk,
        "state": b"New",
        "state_id": patch.state_id,
        "archived": False,
        "submitter": b"Alice Example <alice@example.com>",
        "submitter_id": data["alice"].pk,
        "delegate": b"None",
        "delegate_id": 0,
        "commit_ref": "",
        "hash": "a" * 40,
    }
    second = rpc().patch_get(data["second"].pk)
    assert second["date"] == b"2024-03-01 09:00:00.123456"
    assert second["submitter"] == b"anon@example.com"
    assert (second["delegate"], second["delegate_id"]) == (
        b"maint",
        data["maintainer"].pk,
    )
    assert second["commit_ref"] == "abc123"
    assert rpc().patch_get(999999) == {}


def test_patch_list_orders_by_date_and_filters(rpc, data):
    server = rpc()
    ids = [p["id"] for p in server.patch_list({})]
    assert ids == [data["second"].pk, data["first"].pk, data["third"].pk]
    assert [p["id"] for p in server.patch_list()] == ids
    by_project = server.patch_list({"project_id": data["project"].pk})
    assert [p["id"] for p in by_project] == ids[:2]
    assert [p["id"] for p in server.patch_list({"name__icontains": "SECOND"})] == [
        data["second"].pk
    ]
    assert [p["id"] for p in server.patch_list({"archived": False})] == [
        data["first"].pk,
        data["third"].pk,
    ]
    assert [p["id"] for p in server.patch_list({"msgid": data["first"].msgid})] == [
        data["first"].pk
    ]
    assert (
        server.patch_list({"submitter_id": data["alice"].pk})[0]["id"]
        == data["first"].pk
    )


def test_patch_list_unknown_keys_and_objects_give_empty(rpc, data):
    server = rpc()
    assert server.patch_list({"bogus": 1}) == []
    assert server.patch_list({"name__exact": "x"}) == []  # lookup not allowed
    assert server.patch_list({"project_id": 999999}) == []
    assert server.patch_list({"id": "not-a-number"}) == []


def test_patch_list_max_count(rpc, data):
    server = rpc()
    assert [p["id"] for p in server.patch_list({"max_count": 1})] == [data["second"].pk]
    assert [p["id"] for p in server.patch_list({"max_count": -1})] == [data["third"].pk]
    # More than there are: everything (upstream faults here).
    assert len(server.patch_list({"max_count": -10})) == 3


def test_delegate_filter_maps_person_to_its_account(rpc, data):
    server = rpc()
    assert [
        p["id"] for p in server.patch_list({"delegate_id": data["nameless"].pk})
    ] == [data["second"].pk]
    assert server.patch_list({"delegate_id": data["alice"].pk}) == []


def test_series_filter(rpc, data):
    series = SeriesFactory(project=data["project"])
    patch = PatchFactory(project=data["project"], series=series, number=1)
    assert [p["id"] for p in rpc().patch_list({"series": series.pk})] == [patch.pk]


def test_hash_lookups_and_diff(rpc, data):
    server = rpc()
    assert server.patch_get_by_hash("a" * 40)["id"] == data["first"].pk
    assert (
        server.patch_get_by_project_hash("linux-foo", "a" * 40)["id"]
        == data["first"].pk
    )
    assert server.patch_get_by_project_hash("other", "a" * 40) == {}
    assert server.patch_get_diff(data["first"].pk) == data["first"].diff
    assert server.patch_get_diff(999999) == ""


def test_patch_get_mbox_is_the_download(rpc, data, client):
    patch = data["first"]
    mbox = rpc().patch_get_mbox(patch.pk)
    download = client.get(f"/project/linux-foo/patch/{patch.msgid[1:-1]}/mbox/")
    assert mbox == download.content.decode()
    # Checked on its own too, not only against the download it shares code with.
    head, _, body = mbox.partition("\n\n")
    assert head.startswith("From patchwork Fri Mar  1 10:00:00 2024\n")
    assert f"\nX-Patchwork-Id: {patch.pk}\n" in head + "\n"
    assert f"\nSubject: {patch.name}\n" in head + "\n"
    assert "\nX-Patchwork-Submitter: Alice Example <alice@example.com>\n" in head
    assert body == f"{patch.content.strip()}\n\n{patch.diff}"
    assert rpc().patch_get_mbox(999999) == ""


def test_projects_people_states(rpc, data):
    server = rpc()
    assert server.project_list("FOO", 0) == [
        {"id": data["project"].pk, "linkname": "linux-foo", "name": "Linux Foo"}
    ]
    assert [p["linkname"] for p in server.project_list(None, 0)] == [
        "linux-foo",
        "other",
    ]
    assert server.project_get(999999) == {}
    people = server.person_list("anon", 0)
    assert people == [
        {
            "id": data["nameless"].pk,
            "email": "anon@example.com",
            "name": "anon@example.com",
            "user": b"maint",
        }
    ]
    assert server.person_get(data["alice"].pk)["user"] == b"None"
    states = server.state_list("", 0)
    assert [s["name"] for s in states][:3] == ["New", "Under Review", "Accepted"]
    assert server.state_list("review", 0) == [
        {"id": State.objects.get(slug="under-review").pk, "name": "Under Review"}
    ]


def test_patch_set_requires_basic_auth_and_edit_right(rpc, data):
    patch = data["first"]
    accepted = State.objects.get(slug="accepted")
    with pytest.raises(
        xmlrpc.client.Fault, match="No authentication credentials given"
    ):
        rpc().patch_set(patch.pk, {"state": accepted.pk})
    with pytest.raises(xmlrpc.client.Fault, match="Invalid username/password"):
        rpc(auth=("maint", "wrong")).patch_set(patch.pk, {"state": accepted.pk})
    UserFactory(username="stranger")
    with pytest.raises(xmlrpc.client.Fault, match="No permissions to edit this patch"):
        rpc(auth=("stranger", "password")).patch_set(patch.pk, {"state": accepted.pk})

    assert rpc(auth=("maint", "password")).patch_set(
        patch.pk,
        {"state": accepted.pk, "commit_ref": "f00", "archived": True, "delegate": 1},
    )
    patch.refresh_from_db()
    assert (patch.state, patch.commit_ref, patch.archived, patch.delegate) == (
        accepted,
        "f00",
        True,
        None,
    )
    event = Event.objects.get(category="patch-state-changed")
    assert event.actor == data["maintainer"]


def test_patch_set_unknown_state_faults(rpc, data):
    with pytest.raises(
        xmlrpc.client.Fault, match="State matching query does not exist"
    ):
        rpc(auth=("maint", "password")).patch_set(data["first"].pk, {"state": 999})


def test_checks(rpc, data):
    patch = data["first"]
    server = rpc(auth=("maint", "password"))
    assert server.check_create(patch.pk, "build", "success", "https://ci/1", "ok")
    with pytest.raises(xmlrpc.client.Fault, match="Invalid check state: bogus"):
        server.check_create(patch.pk, "build", "bogus")
    check = Check.objects.get()
    assert (check.user, check.state, check.context) == (
        data["maintainer"],
        Check.State.SUCCESS,
        "build",
    )
    listed = rpc().check_list({"patch_id": patch.pk})
    assert listed == [
        {
            "id": check.pk,
            "date": check.date.strftime("%Y-%m-%d %H:%M:%S.%f").encode()
            if check.date.microsecond
            else check.date.strftime("%Y-%m-%d %H:%M:%S").encode(),
            "patch": patch.name.encode(),
            "patch_id": patch.pk,
            "user": b"maint",
            "user_id": data["maintainer"].pk,
            "state": "success",
            "target_url": "https://ci/1",
            "description": "ok",
            "context": "build",
        }
    ]
    assert rpc().check_list({"patch_id": 999999}) == []
    assert rpc().check_get(check.pk)["id"] == check.pk


def test_check_target_url_must_be_a_web_url(rpc, data):
    """Pages link to a check's target URL: a script scheme is a fault."""
    server = rpc(auth=("maint", "password"))
    for target in (*SCRIPT_URLS, "https://x/ y"):
        with pytest.raises(xmlrpc.client.Fault, match="target_url"):
            server.check_create(data["first"].pk, "build", "success", target)
    assert not Check.objects.exists()


def test_patch_check_get_combines_current_checks(rpc, data):
    patch, ci = data["first"], UserFactory()
    CheckFactory(
        patch=patch,
        user=ci,
        context="a",
        state=Check.State.FAIL,
        date=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    )
    CheckFactory(
        patch=patch,
        user=ci,
        context="a",
        state=Check.State.SUCCESS,
        date=dt.datetime(2024, 1, 2, tzinfo=dt.UTC),
    )
    CheckFactory(patch=patch, user=ci, context="b", state=Check.State.WARNING)
    combined = rpc().patch_check_get(patch.pk)
    assert combined["state"] == "warning"
    assert combined["total"] == 2
    assert sorted(c["context"] for c in combined["checks"]) == ["a", "b"]


def test_unknown_method_faults_like_upstream(rpc):
    with pytest.raises(xmlrpc.client.Fault) as raised:
        rpc().system.listMethods()
    assert raised.value.faultString == (
        "<class 'Exception'>:method \"system.listMethods\" is not supported"
    )


def test_url_without_slash_and_get_documentation(rpc, client, data):
    assert rpc(path="/xmlrpc").pw_rpc_version() == [1, 3, 0]
    page = client.get("/xmlrpc/")
    assert page.status_code == 200
    assert b"Patchwork XML-RPC API v1 Documentation" in page.content
    assert b"patch_set(patch_id, params)" in page.content
    assert client.put("/xmlrpc/").status_code == 302


def test_disabled_by_default(client, settings, db):
    settings.ENABLE_XMLRPC = False
    assert client.post("/xmlrpc/", b"", content_type="text/xml").status_code == 404


def test_state_get(rpc, data):
    accepted = State.objects.get(slug="accepted")
    assert rpc().state_get(accepted.pk) == {"id": accepted.pk, "name": "Accepted"}
    assert rpc().state_get(999999) == {}


@pytest.mark.parametrize(
    ("call", "queries"),
    [
        (lambda s, d: s.patch_list({}), 1),
        (lambda s, d: s.patch_get(d["first"].pk), 1),
        (lambda s, d: s.patch_check_get(d["first"].pk), 2),
        (lambda s, d: s.check_list({}), 1),
        (lambda s, d: s.person_list("", 0), 1),
    ],
)
def test_queries_do_not_grow_with_the_rows(rpc, data, call, queries):
    """Each call runs a fixed number of queries, with 3 or with 30 patches."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for extra in (0, 27):
        for _ in range(extra):
            patch = PatchFactory(project=data["project"], submitter=PersonFactory())
            CheckFactory(patch=data["first"])
            CheckFactory(patch=patch)
        with CaptureQueriesContext(connection) as captured:
            call(rpc(), data)
        counts.append(len(captured))
    assert counts == [queries, queries]
    assert call(rpc(), data)  # and the answer is not empty
