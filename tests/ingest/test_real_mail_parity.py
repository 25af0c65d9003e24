"""Differences real list mail showed: each class, its rule, upstream's outcome.

Fixtures are written here, shaped like what kernel lists carry: people whose
display name changes between mails, comments in ``From:``, ``v0`` series,
headers repeated or folded the way Exchange and spam filters fold them.
"""

import io
import mailbox

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from apps.ingest.results import Outcome
from apps.patches.models import Patch, Series
from apps.people.models import Person
from tests.ingest.helpers import LIST_ID, deliver, make_mail

DIFF = """\
---
 lib/crc.c | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/lib/crc.c b/lib/crc.c
index 3c1d2e4..7a9b0f1 100644
--- a/lib/crc.c
+++ b/lib/crc.c
@@ -10,3 +10,3 @@ static u32 crc_step(u32 crc, u8 byte)
 {
-\treturn (crc >> 8) ^ table[(crc ^ byte) & 0xff];
+\treturn (crc >> 8) ^ crc_table[(crc ^ byte) & 0xff];
 }
"""


def patch_mail(msgid: str, sender: str, subject: str = "[PATCH] lib: crc: rename"):
    return make_mail(
        "Use the table's full name.\n\nSigned-off-by: x <x@example.org>\n" + DIFF,
        msgid=msgid,
        subject=subject,
        sender=sender,
    )


def write_mbox(path, mails: list[bytes]) -> str:
    box = mailbox.mbox(str(path))
    for raw in mails:
        box.add(raw)
    box.close()
    return str(path)


def parsearchive(*paths: str) -> None:
    call_command("parsearchive", *paths, "--list-id", LIST_ID, stdout=io.StringIO())


def api_get(path: str):
    response = APIClient().get(f"/api/{path}")
    assert response.status_code == 200
    return response.json()


# --- person names -------------------------------------------------------------
# Upstream (parser.get_or_create_author): the person is found by address, any
# case; a non-empty name different from the stored one replaces it, for every
# mail in arrival order ("use the latest provided name").


@pytest.mark.django_db(transaction=True)
def test_archive_keeps_the_latest_name_when_a_company_comes_and_goes(
    test_project, tmp_path
):
    # Really committed (transaction=True): each mbox file is stored in its
    # own transactions, and the second file's mails are written while the
    # run remembers the first file's name.
    first = write_mbox(tmp_path / "a", [patch_mail("<n1@x>", "Jane Roe <jane@x.org>")])
    second = write_mbox(
        tmp_path / "b",
        [
            patch_mail("<n2@x>", "Jane Roe (Acme Corp) <jane@x.org>"),
            patch_mail("<n3@x>", "Jane Roe <jane@x.org>"),
        ],
    )
    parsearchive(first, second)
    assert Person.objects.get().name == "Jane Roe"


@pytest.mark.django_db(transaction=True)
def test_archive_keeps_the_latest_name_whatever_the_address_case(
    test_project, tmp_path
):
    first = write_mbox(tmp_path / "a", [patch_mail("<c1@x>", "Li Wei <li.wei@x.org>")])
    cyrillic = "=?utf-8?b?0JvQuCDQktGN0Lk=?= <Li.Wei@X.org>"  # "Ли Вэй"
    second = write_mbox(
        tmp_path / "b",
        [patch_mail("<c2@x>", cyrillic), patch_mail("<c3@x>", "Li Wei <li.wei@x.org>")],
    )
    parsearchive(first, second)
    person = Person.objects.get()
    assert (person.name, person.email) == ("Li Wei", "li.wei@x.org")
    payload = api_get(f"patches/{Patch.objects.get(msgid='<c2@x>').pk}/")
    assert payload["submitter"]["name"] == "Li Wei"


def test_name_in_another_script_is_decoded_and_wins_when_latest(test_project):
    deliver(patch_mail("<s1@x>", "Li Wei <li.wei@x.org>"))
    deliver(patch_mail("<s2@x>", "=?utf-8?b?0JvQuCDQktGN0Lk=?= <li.wei@x.org>"))
    assert Person.objects.get().name == "Ли Вэй"


def test_archive_duplicate_still_updates_the_name_but_parsemail_does_not(
    test_project, tmp_path
):
    # Upstream's parsearchive stores the person before it finds the
    # duplicate, outside any transaction; parsemail rolls the mail back.
    deliver(patch_mail("<d1@x>", "Sam Poe <sam@x.org>"))
    assert deliver(patch_mail("<d1@x>", "Samuel Poe <sam@x.org>")).outcome is (
        Outcome.DUPLICATE
    )
    assert Person.objects.get().name == "Sam Poe"
    parsearchive(
        write_mbox(tmp_path / "a", [patch_mail("<d1@x>", "S. Poe <sam@x.org>")])
    )
    assert Person.objects.get().name == "S. Poe"


@pytest.mark.parametrize(
    ("sender", "name", "email"),
    [
        # split_from_header: "Name" <addr> wins first, and takes everything
        # before the angle brackets, comments included.
        ("Jane Roe <jane@x.org> (Acme)", "Jane Roe", "jane@x.org"),
        ('"Roe, Jane" (Acme) <jane@x.org>', 'Roe, Jane" (Acme)', "jane@x.org"),
        ("Jane Roe (Acme) <jane@x.org>", "Jane Roe (Acme)", "jane@x.org"),
        # addr (Name): the comment is the name.
        ("jane@x.org (Jane Roe)", "Jane Roe", "jane@x.org"),
        ("jane at x.org (Jane Roe)", "Jane Roe", "jane@x.org"),
    ],
)
def test_from_with_a_comment_is_read_as_upstream_reads_it(
    test_project, sender, name, email
):
    deliver(patch_mail("<f@x>", sender))
    submitter = api_get(f"patches/{Patch.objects.get().pk}/")["submitter"]
    assert (submitter["name"], submitter["email"]) == (name, email)


# --- series version 0 ---------------------------------------------------------
# Upstream (parser.parse_version): int() of the vN prefix or of (vN) in the
# name, 0 included; 1 only when there is neither.


def test_v0_series_is_version_0_everywhere_it_shows(test_project):
    for number in (1, 2):
        deliver(
            patch_mail(
                f"<v0-{number}@x>",
                "Jane Roe <jane@x.org>",
                subject=f"[PATCH v0 {number}/2] lib: crc: step {number}",
            )
        )
    series = Series.objects.get()
    assert series.version == 0
    assert [s["version"] for s in api_get("series/")] == [0]
    patch = Patch.objects.get(msgid="<v0-1@x>")
    assert api_get(f"patches/{patch.pk}/")["series"][0]["version"] == 0
    created = api_get("events/?category=series-created")
    assert [e["payload"]["series"]["version"] for e in created] == [0]


def test_v0_in_the_name_and_v00_prefix_are_version_0(test_project):
    deliver(patch_mail("<n0@x>", "J <j@x.org>", subject="[PATCH] lib: crc (v0)"))
    deliver(patch_mail("<z0@x>", "J <j@x.org>", subject="[PATCH v00] lib: crc"))
    assert sorted(Series.objects.values_list("version", flat=True)) == [0, 0]
    created = api_get("events/?category=series-created")
    assert [e["payload"]["series"]["version"] for e in created] == [0, 0]


# --- headers --------------------------------------------------------------------
# Upstream stores every header (find_headers) and its API builds the object
# with Parser().parsestr(headers, True): one key per spelling of a name, each
# with get_all() of that name in any case, a list when there are several.

EXCHANGE_HEADERS = {
    "Received": "from mx1.x.org by lists.x.org",
    "X-MS-Exchange-CrossTenant-Id": "\n\t4a1e6a3b-7d2c-4f0e-9b8a-5c6d7e8f9a0b",
    "Thread-Topic": "\n [PATCH] lib: crc: rename",
    "X-Received": "by 2002:a05:6a00:1 with SMTP id a1",
    "x-received": "by 2002:a05:6a00:2 with SMTP id b2",
    "X-Forefront-Antispam-Report": (
        "\n\tCIP:255.255.255.255;CTRY:;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;"
        "\n\tH:DM6PR11MB4043.namprd11.prod.outlook.com;PTR:;CAT:NONE;"
    ),
}


def test_repeated_folded_and_empty_first_line_headers_are_all_in_the_api(
    test_project,
):
    raw = patch_mail("<h@x>", "Jane Roe <jane@x.org>")
    head, _, body = raw.partition(b"\n\n")
    extra = "".join(f"{name}:{value}\n" for name, value in EXCHANGE_HEADERS.items())
    raw = b"Received: from relay.x.org by mx1.x.org\n" + extra.encode() + head
    raw += b"\n\n" + body
    deliver(raw)
    headers = api_get(f"patches/{Patch.objects.get().pk}/")["headers"]
    assert headers["Received"] == [
        "from relay.x.org by mx1.x.org",
        "from mx1.x.org by lists.x.org",
    ]
    assert headers["X-MS-Exchange-CrossTenant-Id"] == (
        "\n\t4a1e6a3b-7d2c-4f0e-9b8a-5c6d7e8f9a0b"
    )
    assert headers["Thread-Topic"] == "\n [PATCH] lib: crc: rename"
    assert (
        headers["X-Forefront-Antispam-Report"]
        == (EXCHANGE_HEADERS["X-Forefront-Antispam-Report"])
    )
    both = [
        "by 2002:a05:6a00:1 with SMTP id a1",
        "by 2002:a05:6a00:2 with SMTP id b2",
    ]
    assert headers["X-Received"] == both
    assert headers["x-received"] == both
    assert list(headers)[:6] == ["Received", *list(EXCHANGE_HEADERS)[1:]]
