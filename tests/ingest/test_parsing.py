"""The parser on its own: the examples of the ingest spec, sections 3 to 10."""

import datetime as dt
import email
import string

import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from apps.ingest import parsing as parsing_module
from apps.ingest.parsing import (
    MAX_CONTAINERS,
    Kind,
    MalformedMail,
    SenderHeaders,
    parse_bytes,
    resolve_author,
    subject_info,
)
from apps.ingest.parsing import headers as headers_module
from apps.ingest.parsing.content import changed_files, pull_request_url, split_diff
from apps.ingest.parsing.headers import clean_header
from apps.ingest.parsing.identity import resolve_author as author_of
from apps.ingest.parsing.subject import is_reply
from tests.ingest.helpers import make_mail, utc

NOW = utc(2030, 1, 2, 3, 4, 5)


def parse(raw: bytes):
    return parse_bytes(raw, received_at=NOW)


def mail(headers: str, body: str = "Hello.\n") -> bytes:
    return (headers.strip("\n") + "\n\n" + body).encode()


BASE = "From: A <a@example.com>\nMessage-Id: <m@example.com>\n"

# (subject, name, prefixes, (x, n), version); link name "test"
SUBJECTS = [
    ("[PATCH] meep", "meep", (), (None, None), 1),
    ("Re: meep", "meep", (), (None, None), 1),
    ("[PATCH RFC 1/2] meep", "[RFC,1/2] meep", ("RFC", "1/2"), (1, 2), 1),
    ("[PATCH] [RFC] [1/2] meep", "[RFC,1/2] meep", ("RFC", "1/2"), (1, 2), 1),
    ("[PATCH] rewrite [a-z] regexes", "rewrite [a-z] regexes", (), (None, None), 1),
    ("[TEST] [bar] meep", "[bar] meep", ("bar",), (None, None), 1),
    ("[PATCH v2 1/3] foo", "[v2,1/3] foo", ("v2", "1/3"), (1, 3), 2),
    (
        "[PATCH RESEND v3 03/10] foo",
        "[RESEND,v3,03/10] foo",
        ("RESEND", "v3", "03/10"),
        (3, 10),
        3,
    ),
    ("[PATCH 1 of 3] foo", "[1 of 3] foo", ("1 of 3",), (1, 3), 1),
    ("[PATCHv2 1/2] foo", "[PATCHv2,1/2] foo", ("PATCHv2", "1/2"), (1, 2), 1),
    ("[PATCH] foo (v4)", "foo (v4)", (), (None, None), 4),
    ("[Patch]: Fix ld", ": Fix ld", (), (None, None), 1),
    (
        "[git pull] Please pull",
        "[git,pull] Please pull",
        ("git", "pull"),
        (None, None),
        1,
    ),
    ("[PATCH test 1/2] foo", "[1/2] foo", ("1/2",), (1, 2), 1),
    ("RE: Fwd: [PATCH] foo", "Fwd: [PATCH] foo", (), (None, None), 1),
    ("", "", (), (None, None), 1),
    ("[PATCH1/8] x", "[PATCH1/8] x", ("PATCH1/8",), (1, 8), 1),
    ("[v2PATCH1/4] x", "[v2PATCH1/4] x", ("v2PATCH1/4",), (1, 4), 1),
    ("[PATCH100/123] x", "[PATCH100/123] x", ("PATCH100/123",), (100, 123), 1),
    ("[Patch 1 of 2] x", "[1,of,2] x", ("1", "of", "2"), (None, None), 1),
    ("[PATCH V3 2/2] x", "[V3,2/2] x", ("V3", "2/2"), (2, 2), 3),
    ("Fwd:   [PATCH]   spaced    out", "spaced out", (), (None, None), 1),
    # Numbers up to the largest a database column stores; a larger one is
    # no marker (no version); zeros in front count for nothing, as in
    # upstream's int(), however many there are.
    (
        "[PATCH 1/2147483647] x",
        "[1/2147483647] x",
        ("1/2147483647",),
        (1, 2**31 - 1),
        1,
    ),
    ("[PATCH 1/2147483648] x", "[1/2147483648] x", ("1/2147483648",), (None, None), 1),
    ("[PATCH 1/1000000000] x", "[1/1000000000] x", ("1/1000000000",), (1, 10**9), 1),
    ("[PATCH 1/000000000003] x", "[1/000000000003] x", ("1/000000000003",), (1, 3), 1),
    (
        "[PATCH v2147483647] x",
        "[v2147483647] x",
        ("v2147483647",),
        (None, None),
        2**31 - 1,
    ),
    ("[PATCH v2147483648] x", "[v2147483648] x", ("v2147483648",), (None, None), 1),
    (
        f"[PATCH v{'0' * 5000}7] x",
        f"[v{'0' * 5000}7] x"[:255],  # the stored name is cut
        (f"v{'0' * 5000}7",),
        (None, None),
        7,
    ),
]


@pytest.mark.parametrize(("subject", "name", "prefixes", "marker", "version"), SUBJECTS)
def test_subject(subject, name, prefixes, marker, version):
    parsed = parse(mail(BASE + f"Subject: {subject}\n"))
    info = subject_info(parsed, "test")
    assert info.name == name
    assert info.prefixes == prefixes
    assert (info.number, info.total) == marker
    assert info.version == version


@pytest.mark.parametrize(
    ("subject", "versioned"),
    [
        ("[PATCH v2 1/2] x", True),
        ("[PATCH 1/2] x (v3)", True),
        ("[PATCH V2] x (v3)", True),
        ("[PATCH 1/2] x", False),
        ("[PATCH v2x] x v3", False),
    ],
)
def test_whether_the_subject_writes_the_version(subject, versioned):
    # A later version that answers an earlier one's thread stays out of the
    # earlier series only when its subject says which version it is.
    parsed = parse(mail(BASE + f"Subject: {subject}\n"))
    assert subject_info(parsed, "test").versioned is versioned


def test_an_unreadable_subject_is_refused_in_upstreams_words():
    # An encoded word the email library cannot decode at all (found by
    # fuzzing; most broken encoded words decode to something).
    parsed = parse(mail(BASE + "Subject: =??b?_AAAA?q?////?=\n"))
    assert parsed.subject is None
    with pytest.raises(MalformedMail) as refused:
        subject_info(parsed, "test")
    assert str(refused.value) == "Invalid 'Subject' header"


def test_only_the_projects_own_link_name_is_dropped_from_the_prefixes():
    parsed = parse(mail(BASE + "Subject: [PATCH test 1/2] x\n"))
    assert subject_info(parsed, "test").prefixes == ("1/2",)
    assert subject_info(parsed, "other").prefixes == ("test", "1/2")
    assert subject_info(parsed, None).prefixes == ("test", "1/2")


def test_long_names_are_cut_to_255_characters():
    parsed = parse(mail(BASE + "Subject: [PATCH] " + "x" * 300 + "\n"))
    assert subject_info(parsed, "test").name == "x" * 255


@pytest.mark.parametrize(
    ("subject", "reply"),
    [
        ("Re: x", True),
        ("RE:x", True),
        ("re x", True),
        ("Fwd: x", False),
        ("Aw: x", False),
        ("Re[2]: x", False),
        ("[PATCH] Re: x", False),
        ("", False),
    ],
)
def test_reply_flag_depends_on_the_subject_only(subject, reply):
    assert is_reply(subject) is reply


def test_references_nearest_first_without_repeats():
    parsed = parse(
        mail(
            BASE
            + "Subject: Re: x\nIn-Reply-To: <X>\nReferences: <A> <B>\n\t<C> <D> <X>\n"
        )
    )
    assert parsed.references == ("<X>", "<D>", "<C>", "<B>", "<A>")


def test_in_reply_to_with_a_comment_and_without_brackets():
    parsed = parse(
        mail(
            BASE
            + "Subject: Re: x\nIn-Reply-To: <a@b> (message from John Doe)\n"
            + "In-Reply-To: bare-id@host\nReferences: no-brackets <c@d>\n"
        )
    )
    assert parsed.references == ("<a@b>", "bare-id@host", "<c@d>")


@pytest.mark.parametrize(
    ("header", "msgid"),
    [
        ("<a@b> (comment)", "<a@b>"),
        ("  <a@b>  ", "<a@b>"),
        ("5899d5@radware.com>", "5899d5@radware.com>"),
        ("<" + "x" * 300 + ">", "<" + "x" * 254),
    ],
)
def test_message_id_forms(header, msgid):
    raw = mail(f"From: A <a@example.com>\nSubject: x\nMessage-Id: {header}\n")
    assert parse(raw).msgid == msgid


def test_empty_message_id_is_reported_as_broken():
    assert (
        parse(mail("From: A <a@example.com>\nSubject: x\nMessage-Id:\n")).msgid is None
    )


@pytest.mark.parametrize("missing", ["From", "Subject", "Message-Id"])
def test_missing_required_header(missing):
    headers = {"From": "A <a@example.com>", "Subject": "x", "Message-Id": "<m@x>"}
    del headers[missing]
    raw = mail("".join(f"{k}: {v}\n" for k, v in headers.items()))
    with pytest.raises(MalformedMail, match=f"Missing '{missing}' header"):
        parse(raw)


@pytest.mark.parametrize(
    ("headers", "ids"),
    [
        ("List-Id: Some list <list.example.com>\n", ("list.example.com",)),
        ("List-Id: <list.example.com>\n", ("list.example.com",)),
        ("List-Id: list.example.com\n", ("list.example.com",)),
        ("List-Id: <a.example.com> and <b.example.com>\n", ("b.example.com",)),
        ("List-Id: two words\n", ()),
        ("List-Id:\n", ()),
        # Each header is tried whatever came before it: absent, or empty.
        ("X-Mailing-List: <m.example.com>\n", ("m.example.com",)),
        ("List-Id:\nX-List: x.example.com\n", ("x.example.com",)),
        (
            "X-List: x.example.com\nX-Mailing-List: <m.example.com>\n"
            "List-Id: <l.example.com>\nList-Id: <second.example.com>\n",
            ("l.example.com", "m.example.com", "x.example.com"),
        ),
    ],
)
def test_list_ids_in_the_order_tried(headers, ids):
    assert parse(mail(BASE + "Subject: x\n" + headers)).list_ids == ids


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("Wed, 20 Sep 2017 21:46:31 +1000", utc(2017, 9, 20, 11, 46, 31)),
        ("Wed, 20 Sep 2017 21:46:31 -0000", utc(2017, 9, 20, 21, 46, 31)),
        ("Wed, 20 Sep 2017 21:46:31", utc(2017, 9, 20, 21, 46, 31)),
        ("Wed, 20 Sep 17 21:46:31 GMT", utc(2017, 9, 20, 21, 46, 31)),
        ("not a date", NOW),
        ("Wed, 4 Jun 207777777777777777777714 17:50:46 0", NOW),
        (", 11 Sep 2016 23:22:904070804030804 +0100", NOW),
        ("", NOW),
    ],
)
def test_dates_are_utc_or_fall_back_to_reception(date, expected):
    parsed = parse(mail(BASE + f"Subject: x\nDate: {date}\n"))
    assert parsed.date == expected
    assert parsed.date.tzinfo is not None


def test_missing_date_falls_back_to_reception_time():
    assert parse(mail(BASE + "Subject: x\n")).date == NOW


def test_header_cleaning_decodes_rfc2047_and_collapses_whitespace():
    assert clean_header("=?utf-8?q?Rafa=C5=82?=\n\t  Mi\x00lecki") == "Rafał Milecki"


@pytest.mark.parametrize(
    ("value", "name", "email"),
    [
        ('"Name, Full" <a@example.com>', "Name, Full", "a@example.com"),
        ("Name <a@example.com>", "Name", "a@example.com"),
        ("<a@example.com>", "", "a@example.com"),
        ("a at example.com (Name)", "Name", "a@example.com"),
        ("a@example.com (Name)", "Name", "a@example.com"),
        ("a@example.com", None, "a@example.com"),
        ("O'Neil <o'neil@example.com>", "O'Neil", "o'neil@example.com"),
        ("Local <user@localhost>", "Local", "user@localhost"),
        ("Ünïcödé <ünï@example.com>", "Ünïcödé", "ünï@example.com"),
    ],
)
def test_from_forms(value, name, email):
    author = author_of(SenderHeaders(from_=value))
    assert (author.name, author.email) == (name, email)


@pytest.mark.parametrize(
    "value", ["", "Sen Fane <steom>", "<.com>", "a@-example.com", "a@b_c.com", "@x.org"]
)
def test_invalid_from(value):
    # Upstream's words, exactly: they are what the failed-mail log shows.
    with pytest.raises(MalformedMail) as refused:
        author_of(SenderHeaders(from_=value or None))
    assert str(refused.value) == "Invalid 'From' header"


def test_long_names_and_addresses_are_cut():
    author = author_of(SenderHeaders(from_="N" * 300 + " <a@example.com>"))
    assert author.name == "N" * 255


LIST = "list@example.com"


@pytest.mark.parametrize(
    ("sender", "expected"),
    [
        # Mailman, original sender in Reply-To.
        (
            SenderHeaders(
                from_="Alice Smith via Dev <list@example.com>",
                reply_to=("Alice Smith <alice@corp.example>",),
            ),
            ("Alice Smith", "alice@corp.example"),
        ),
        # Google Groups: quoted name, X-Original-From.
        (
            SenderHeaders(
                from_="'Bob' via Dev <LIST@example.com>",
                x_original_from="Bob <bob@corp.example>",
            ),
            ("Bob", "bob@corp.example"),
        ),
        # Reply-To set to the list: the sender is in Cc.
        (
            SenderHeaders(
                from_="Carol via Dev <list@example.com>",
                reply_to=("Dev <list@example.com>",),
                cc=("Dan <dan@x.example>, Carol <carol@x.example>",),
            ),
            ("Carol", "carol@x.example"),
        ),
        # Nothing to find: keep what From says.
        (
            SenderHeaders(from_="Eve via Dev <list@example.com>"),
            ("Eve via Dev", "list@example.com"),
        ),
        # The bare list address (upstream crashes): keep it.
        (SenderHeaders(from_="list@example.com"), (None, "list@example.com")),
        # Only the last " via " is the list's: the name keeps the others.
        (
            SenderHeaders(
                from_="Ann via Ops via Dev <list@example.com>",
                reply_to=("Ann via Ops <ann@corp.example>",),
            ),
            ("Ann via Ops", "ann@corp.example"),
        ),
        # Quotes are stripped from the name, and only quotes.
        (
            SenderHeaders(
                from_="'Xena' via Dev <list@example.com>",
                x_original_from="Xena <xena@corp.example>",
            ),
            ("Xena", "xena@corp.example"),
        ),
        # A list that names itself nowhere: "Name via".
        (
            SenderHeaders(
                from_="'Xia' via <list@example.com>",
                reply_to=("Xia <xia@corp.example>",),
            ),
            ("Xia", "xia@corp.example"),
        ),
        (
            SenderHeaders(
                from_="Lu viale via <list@example.com>",
                cc=("Lu viale <lu@corp.example>",),
            ),
            ("Lu viale", "lu@corp.example"),
        ),
        # No "via": X-Original-From gives the address, and no name.
        (
            SenderHeaders(
                from_="Dev <list@example.com>",
                x_original_from="Hal <hal@corp.example>",
            ),
            (None, "hal@corp.example"),
        ),
        # ... and a nameless Reply-To is not the sender.
        (
            SenderHeaders(
                from_="Dev <list@example.com>", reply_to=("<ida@corp.example>",)
            ),
            ("Dev", "list@example.com"),
        ),
        # Not the list's address: no un-munging at all.
        (
            SenderHeaders(
                from_="Frank via Dev <frank@example.com>",
                reply_to=("Frank <frank@elsewhere.example>",),
            ),
            ("Frank via Dev", "frank@example.com"),
        ),
    ],
    ids=[
        "mailman-reply-to",
        "google-groups-x-original-from",
        "sender-in-cc",
        "nothing-to-find",
        "bare-list-address",
        "several-via",
        "quoted-name",
        "list-without-name",
        "list-without-name-several-via",
        "no-via-x-original-from",
        "no-via-nameless-reply-to",
        "not-the-list",
    ],
)
def test_dmarc_rewritten_senders_are_traced_back(sender, expected):
    author = author_of(sender, LIST)
    assert (author.name, author.email) == expected


def test_resolve_author_reads_the_mail_headers():
    raw = mail(
        "From: Alice via Dev <list@example.com>\nReply-To: Alice <alice@corp.example>\n"
        "Subject: x\nMessage-Id: <m@x>\n"
    )
    author = resolve_author(parse(raw), LIST)
    assert (author.name, author.email) == ("Alice", "alice@corp.example")


# --- bodies -----------------------------------------------------------------

DIFF = (
    "diff --git a/f b/f\n"
    "index 1..2 100644\n"
    "--- a/f\n"
    "+++ b/f\n"
    "@@ -1,2 +1,2 @@\n"
    " keep\n"
    "-old\n"
    "+new\n"
)


def test_split_diff_keeps_git_separator_and_diffstat_in_the_prose():
    text = "Commit message.\n---\n f | 2 +-\n\n" + DIFF + "-- \n2.40.0\n"
    diff, prose = split_diff(text)
    assert diff == DIFF
    assert prose.startswith("Commit message.\n---\n f | 2 +-\n")
    assert prose.endswith("-- \n2.40.0\n\n")


def test_blank_context_lines_do_not_end_a_hunk():
    diff_text = DIFF.replace(" keep\n", "\n")
    diff, _ = split_diff("x\n" + diff_text)
    assert diff == diff_text


def test_a_lone_index_line_is_not_a_diff():
    text = (
        "diff --git a/bin b/bin\n"
        "index 1..2 100644\n"
        "Binary files a/bin and b/bin differ\n"
    )
    diff, prose = split_diff(text)
    assert diff is None
    assert prose == text + "\n"


def test_plain_unified_diff_is_recognised():
    text = "--- old.c\n+++ new.c\n@@ -1 +1 @@\n-a\n+b\n"
    assert split_diff(text)[0] == text


def test_prose_starting_with_diff_word_is_kept():
    text = "difficult things\nDifferent ones\n"
    assert split_diff(text) == (None, text + "\n")


def test_reply_content_keeps_quoted_diffs_and_has_no_diff():
    raw = make_mail(
        "> " + DIFF.replace("\n", "\n> ") + "\nLooks good.\n", subject="Re: x"
    )
    parsed = parse(raw)
    assert parsed.diff is None
    assert parsed.kind is Kind.COMMENT
    assert "Looks good." in parsed.content


@pytest.mark.parametrize(
    ("charset", "payload", "text"),
    [
        ("none", "caf\xe9".encode("latin-1"), "café"),  # unknown: windows-1252
        (None, "café".encode(), "café"),  # missing: UTF-8 first
        ("us-ascii", "café".encode(), None),  # known but wrong: part dropped
    ],
)
def test_body_charsets(charset, payload, text):
    content_type = "text/plain" + (f'; charset="{charset}"' if charset else "")
    raw = (
        (
            BASE + f"Subject: x\nContent-Type: {content_type}\n"
            "Content-Transfer-Encoding: 8bit\n\n"
        ).encode()
        + payload
        + b"\n"
    )
    parsed = parse(raw)
    if text is None:
        assert parsed.kind is Kind.NOTHING
    else:
        assert parsed.content == text


def test_pull_request_url_with_user_at_host():
    content = (
        "The following changes since commit 1234:\n\n  x\n\n"
        "are available in the Git repository at:\n\n"
        "  git@example.org:repo.git topic/branch   \n\nfor you\n"
    )
    assert pull_request_url(content) == "git@example.org:repo.git topic/branch"


def test_changed_files_drop_first_component_and_dev_null():
    diff = "--- a/x/y.c\n+++ b/x/y.c\n--- /dev/null\n+++ b/z\n--- quit.sh\n"
    assert changed_files(diff) == ["", "x/y.c", "z"]


def test_changed_files_ignore_carriage_returns_anywhere():
    assert changed_files("--- a/x/na\rme.c\r\n+++ b/x/na\rme.c\r\n") == ["x/name.c"]


def test_a_repository_named_before_the_pull_request_text_is_not_its_url():
    # Upstream's pattern looks for "are available" only after "The
    # following changes since commit".
    content = (
        "are available in the Git repository at:\n\n  git://early.example.org/a.git\n\n"
        "The following changes since commit 1234:\n\n  x\n\nno repository here\n"
    )
    assert pull_request_url(content) is None


def test_hints_and_depends_on_lines():
    raw = make_mail(
        "Depends-on: <dep@example.com>\n"
        "depends-on: https://example.org/project/p/list/?series=3\n"
        "Depends-on:  <two-spaces@example.com>\n"
        " Depends-on: <indented@example.com>\n",
        headers={
            "X-Patchwork-Hint": " IGNORE ",
            "X-Patchwork-State": "Accepted",
            "X-Patchwork-Delegate": "Maint@Example.com",
            "X-Patchwork-Action-Required": "",
        },
    )
    parsed = parse(raw)
    assert parsed.hints.ignore
    assert parsed.hints.state == "Accepted"
    assert parsed.hints.delegate == "Maint@Example.com"
    assert parsed.hints.action_required
    assert parsed.depends_on == (
        "<dep@example.com>",
        "https://example.org/project/p/list/?series=3",
    )


def test_content_line_ends_are_normalised():
    raw = mail(BASE + "Subject: x\n", "line one\r\nline two\r\n")
    assert parse(raw).content == "line one\nline two"


def test_received_at_must_be_aware_and_is_used_verbatim():
    when = dt.datetime(2031, 5, 6, 7, 8, 9, 123456, tzinfo=dt.UTC)
    parsed = parse_bytes(mail(BASE + "Subject: x\n"), received_at=when)
    assert parsed.date == when


# --- fast paths agree with the email library ---------------------------------


def library_encoded(name, value):
    built = headers_module._sanitise(value, name)
    return None if built is None else built[1]


def library_clean(value):
    header = headers_module.sanitise_header(value)
    if header is None:
        return None
    return headers_module.normalise_space(str(header).replace("\x00", ""))


def corpus_headers():
    from tests.ingest.helpers import corpus_file

    for folder in ("single", "series", "fuzz"):
        for path in sorted(corpus_file(folder).glob("*.mbox*")):
            yield from email.message_from_bytes(path.read_bytes()).items()


def test_header_fast_paths_match_the_library_on_the_corpus():
    checked = 0
    for name, value in corpus_headers():
        assert headers_module.encoded_header(name, value) == library_encoded(
            name, value
        ), (name, value)
        assert clean_header(value) == library_clean(value), value
        checked += 1
    assert checked > 500


folded_lines = st.text(alphabet=string.printable[:-6] + "\t ;,", max_size=90)


@hyp_settings(max_examples=500, deadline=None)
@given(
    name=st.sampled_from(["From", "Subject", "Received", "X-Quite-Long-Header-Name"]),
    lines=st.lists(folded_lines, min_size=1, max_size=4),
    fold=st.sampled_from(["\n\t", "\n ", "\n  "]),
)
def test_header_fast_paths_match_the_library(name, lines, fold):
    value = fold.join(lines)
    assert headers_module.encoded_header(name, value) == library_encoded(name, value)
    assert clean_header(value) == library_clean(value)


def test_a_value_in_an_unknown_charset_folds_for_its_header_name():
    # The charset cannot decode, so the value is kept as unknown-8bit, as
    # upstream's sanitise_header does; its first line leaves room for the
    # header's name, as every other stored header does.
    value = "=?x-bogus?q?" + "word_" * 14 + "?="
    assert headers_module.encoded_header("X-A-Rather-Long-Header-Name", value) == (
        "=?unknown-8bit?q?word_word_word_word_word_word_?=\n"
        "\t=?unknown-8bit?q?word_word_word_word_word_word_word_word_?="
    )


def nested(containers: int) -> bytes:
    """A mail of ``containers`` multipart parts, each inside the one before."""
    head = BASE + "Subject: [PATCH] deep\nMIME-Version: 1.0\n"
    head += 'Content-Type: multipart/mixed; boundary="b0"\n'
    body = "".join(
        f'--b{i - 1}\nContent-Type: multipart/mixed; boundary="b{i}"\n\n'
        for i in range(1, containers)
    )
    body += f"--b{containers - 1}\nContent-Type: text/plain\n\nHello.\n"
    body += "".join(f"--b{i}--\n" for i in reversed(range(containers)))
    return mail(head, body)


def test_a_mail_of_as_many_container_parts_as_allowed_is_read():
    assert parse(nested(MAX_CONTAINERS)).content == "Hello."


def test_one_container_part_more_is_refused_before_reading():
    with pytest.raises(MalformedMail) as refused:
        parse(nested(MAX_CONTAINERS + 1))
    assert str(refused.value) == "More than 100 multipart or message parts"


def test_nesting_the_library_cannot_follow_is_refused(monkeypatch):
    # Fewer containers than the limit may still nest past the interpreter's
    # recursion limit in the email package (a lowered limit, a deep stack).
    def too_deep(raw):
        raise RecursionError

    monkeypatch.setattr(parsing_module, "read_message", too_deep)
    with pytest.raises(MalformedMail) as refused:
        parse(nested(3))
    assert str(refused.value) == "MIME parts nested too deeply"


def test_nul_characters_are_dropped_from_the_stored_headers():
    parsed = parse(mail(BASE + "Subject: x\nX-Odd: a\x00b\n"))
    assert "X-Odd: ab" in parsed.headers.splitlines()


@pytest.mark.parametrize(
    ("header", "author"),
    [
        ("X-Original-From: Dana Doe <dana@corp.example>", "dana@corp.example"),
        ("Reply-To: Dana Doe <dana@corp.example>", "dana@corp.example"),
        ("Cc: Sam <s@x.example>, Dana Doe <dana@corp.example>", "dana@corp.example"),
    ],
)
def test_a_dmarc_rewritten_mail_names_its_sender_in_its_own_headers(header, author):
    # The headers are read from the mail itself, not handed in ready-made.
    raw = mail(
        "From: Dana Doe via Dev <list@example.com>\nSubject: x\n"
        f"Message-Id: <m@example.com>\n{header}\n"
    )
    found = resolve_author(parse(raw), "list@example.com")
    assert (found.name, found.email) == ("Dana Doe", author)


def test_a_first_line_too_long_for_its_header_name_is_folded():
    # "Subject: " and 70 characters make 79: past the 78 of a header line,
    # so the value is folded as the email library folds it, not kept whole.
    value = "word " * 13 + "wordx"
    assert headers_module.encoded_header("Subject", value) == (
        "word " * 12 + "word\n wordx"
    )
