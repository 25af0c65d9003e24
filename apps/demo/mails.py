"""The demo mailing list: a few weeks of traffic, built in code.

Patch series in two versions with cover letters, a series without one, a
single patch, review replies with Reviewed-by/Acked-by/Tested-by tags, and a
pull request, threaded as ``git send-email`` and ``git request-pull`` do.
Everything is fixed (names, dates, Message-Ids), so loading it again finds
only duplicates.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.header import Header
from email.mime.text import MIMEText
from email.utils import format_datetime

LIST_ID = "demo.lists.example.org"
LIST_ADDRESS = "demo@lists.example.org"
START = dt.datetime(2024, 3, 4, 9, 0, tzinfo=dt.UTC)

ALICE = ("Alice Liddell", "alice@example.org")
BOB = ("Bob Kahn", "bob@example.net")
ZOE = ("Zoë Ferré", "zoe@example.com")
MAINTAINER = ("Maya Maintainer", "maya@example.org")


@dataclass
class Thread:
    """Mails that reply to each other; keeps the References chain."""

    mails: list[bytes] = field(default_factory=list)


def _address(person: tuple[str, str]) -> str:
    name, email = person
    if name.isascii():
        return f"{name} <{email}>"
    return f"{Header(name, 'utf-8').encode()} <{email}>"


def _mail(
    *,
    sender: tuple[str, str],
    subject: str,
    msgid: str,
    when: dt.datetime,
    body: str,
    replying_to: tuple[str, ...] | list[str] = (),
) -> bytes:
    msg = MIMEText(body, "plain", "utf-8")
    msg["From"] = _address(sender)
    msg["To"] = LIST_ADDRESS
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    msg["Message-Id"] = msgid
    if replying_to:
        msg["In-Reply-To"] = replying_to[-1]
        msg["References"] = " ".join(replying_to)
    msg["List-Id"] = f"Demo project development <{LIST_ID}>"
    msg["X-Mailer"] = "git-send-email 2.43.0"
    return msg.as_bytes()


def _diff(path: str, old: str, new: str, line: int = 10) -> str:
    return (
        f"diff --git a/{path} b/{path}\n"
        "index 3b18e51..a1c2d3e 100644\n"
        f"--- a/{path}\n"
        f"+++ b/{path}\n"
        f"@@ -{line},3 +{line},3 @@ struct widget_ops {{\n"
        " \t/* keep */\n"
        f"-\t{old}\n"
        f"+\t{new}\n"
        " \t/* keep */\n"
    )


def _patch_body(summary: str, author: tuple[str, str], diff: str) -> str:
    path = diff.split("\n", 1)[0].split(" b/")[-1]
    return (
        f"{summary}\n\n"
        f"Signed-off-by: {author[0]} <{author[1]}>\n"
        "---\n"
        f" {path} | 2 +-\n"
        " 1 file changed, 1 insertion(+), 1 deletion(-)\n\n"
        f"{diff}"
        "-- \n2.43.0\n"
    )


def _series(
    *,
    author: tuple[str, str],
    version: int,
    title: str,
    patches: list[tuple[str, str]],
    when: dt.datetime,
    cover_text: str | None,
    key: str,
) -> list[tuple[str, bytes]]:
    """Return (Message-Id, mail) of one posting of a series.

    Patches reply to the cover letter or, without one, to the first patch.
    """
    label = "PATCH" if version == 1 else f"PATCH v{version}"
    total = len(patches)
    out = []
    thread: list[str] = []
    if cover_text is not None:
        cover_id = f"<{key}-v{version}-0@demo.example.org>"
        out.append(
            (
                cover_id,
                _mail(
                    sender=author,
                    subject=f"[{label} 0/{total}] {title}",
                    msgid=cover_id,
                    when=when,
                    body=cover_text,
                ),
            )
        )
        thread = [cover_id]
    for number, (summary, diff) in enumerate(patches, start=1):
        msgid = f"<{key}-v{version}-{number}@demo.example.org>"
        out.append(
            (
                msgid,
                _mail(
                    sender=author,
                    subject=f"[{label} {number}/{total}] {summary}",
                    msgid=msgid,
                    when=when + dt.timedelta(seconds=number),
                    body=_patch_body(summary, author, diff),
                    replying_to=thread,
                ),
            )
        )
        if not thread:
            thread = [msgid]
    return out


def _reply(
    *,
    sender: tuple[str, str],
    to: tuple[str, bytes],
    chain: list[str],
    subject: str,
    when: dt.datetime,
    text: str,
    key: str,
) -> tuple[str, bytes]:
    msgid = f"<{key}@demo.example.org>"
    return msgid, _mail(
        sender=sender,
        subject=f"Re: {subject}",
        msgid=msgid,
        when=when,
        body=text,
        replying_to=[*chain, to[0]],
    )


WIDGET_PATCHES_V1 = [
    (
        "widget: add a reset callback",
        _diff("drivers/widget/core.c", "int (*probe)(void);", "int (*reset)(void);"),
    ),
    (
        "widget: use the reset callback on resume",
        _diff("drivers/widget/pm.c", "widget_probe(w);", "widget_reset(w);", 42),
    ),
    (
        "docs: widget: describe reset",
        _diff("Documentation/widget.rst", "Probing.", "Probing and reset.", 3),
    ),
]
WIDGET_PATCHES_V2 = [
    (summary, diff.replace("widget_reset(w);", "w->ops->reset(w);"))
    for summary, diff in WIDGET_PATCHES_V1
]


def _widget_v1() -> Iterator[bytes]:
    """Yield a three-patch series with a cover letter, and its review."""
    hour = dt.timedelta(hours=1)
    v1 = _series(
        author=ALICE,
        version=1,
        title="widget: reset support",
        patches=WIDGET_PATCHES_V1,
        when=START,
        cover_text=(
            "Widgets lose their state on resume. This series adds a reset\n"
            "callback and uses it, and documents it.\n"
        ),
        key="widget",
    )
    yield from (raw for _, raw in v1)
    cover_v1, patch2_v1 = v1[0], v1[2]
    review = _reply(
        sender=BOB,
        to=patch2_v1,
        chain=[cover_v1[0]],
        subject="[PATCH 2/3] widget: use the reset callback on resume",
        when=START + 3 * hour,
        text=(
            "On Mon, Alice Liddell wrote:\n"
            "> -\twidget_probe(w);\n"
            "> +\twidget_reset(w);\n\n"
            "Please call it through the ops table, drivers may override it.\n"
        ),
        key="widget-review-1",
    )
    yield review[1]
    yield _reply(
        sender=ALICE,
        to=review,
        chain=[cover_v1[0], patch2_v1[0]],
        subject="[PATCH 2/3] widget: use the reset callback on resume",
        when=START + 4 * hour,
        text="> Please call it through the ops table\n\nRight, will do in v2.\n",
        key="widget-review-2",
    )[1]
    yield _reply(
        sender=MAINTAINER,
        to=cover_v1,
        chain=[],
        subject="[PATCH 0/3] widget: reset support",
        when=START + 5 * hour,
        text="Thanks Alice, looking forward to v2.\n",
        key="widget-cover-reply",
    )[1]


def _widget_v2() -> Iterator[bytes]:
    """Yield its second version, with review tags on every patch."""
    day = dt.timedelta(days=1)
    hour = dt.timedelta(hours=1)
    v2 = _series(
        author=ALICE,
        version=2,
        title="widget: reset support",
        patches=WIDGET_PATCHES_V2,
        when=START + 2 * day,
        cover_text=(
            "Widgets lose their state on resume. This series adds a reset\n"
            "callback and uses it, and documents it.\n\n"
            "Changes in v2:\n- call reset through the ops table (Bob)\n"
        ),
        key="widget",
    )
    yield from (raw for _, raw in v2)
    for number, (who, tag) in enumerate(
        [(BOB, "Reviewed-by"), (ZOE, "Tested-by"), (MAINTAINER, "Acked-by")], start=1
    ):
        target = v2[number]
        yield _reply(
            sender=who,
            to=target,
            chain=[v2[0][0]],
            subject=f"[PATCH v2 {number}/3] {WIDGET_PATCHES_V2[number - 1][0]}",
            when=START + 2 * day + (number + 2) * hour,
            text=f"{tag}: {who[0]} <{who[1]}>\n",
            key=f"widget-v2-tag-{number}",
        )[1]


def _build_series() -> Iterator[bytes]:
    """Yield a series without a cover letter: patch 2 replies to patch 1."""
    day = dt.timedelta(days=1)
    build = _series(
        author=ZOE,
        version=1,
        title="",
        patches=[
            (
                "build: détecter le compilateur",
                _diff("build/configure.ac", "CC=gcc", "CC=${CC:-cc}", 7),
            ),
            (
                "build: honour CFLAGS from the environment",
                _diff("build/Makefile.am", "CFLAGS = -O2", "CFLAGS ?= -O2", 12),
            ),
        ],
        when=START + 3 * day,
        cover_text=None,
        key="build",
    )
    yield from (raw for _, raw in build)


def _readme_fix() -> Iterator[bytes]:
    """Yield a single patch, applied by the maintainer."""
    day = dt.timedelta(days=1)
    hour = dt.timedelta(hours=1)
    single = _mail(
        sender=BOB,
        subject="[PATCH] README: fix the build instructions",
        msgid="<readme-fix@demo.example.org>",
        when=START + 4 * day,
        body=_patch_body(
            "README: fix the build instructions",
            BOB,
            _diff("README", "make install", "make && make install", 20),
        ),
    )
    yield single
    yield _mail(
        sender=MAINTAINER,
        subject="Re: [PATCH] README: fix the build instructions",
        msgid="<readme-fix-applied@demo.example.org>",
        when=START + 4 * day + 2 * hour,
        body="Applied, thanks!\n",
        replying_to=["<readme-fix@demo.example.org>"],
    )


def _pull_request() -> Iterator[bytes]:
    """Yield a pull request from a sub-maintainer."""
    day = dt.timedelta(days=1)
    yield _mail(
        sender=BOB,
        subject="[GIT PULL] widget fixes for 1.2",
        msgid="<pull-widget-1.2@demo.example.org>",
        when=START + 5 * day,
        body=(
            "Hi Maya,\n\nPlease pull these widget fixes for 1.2.\n\n"
            "The following changes since commit "
            "0123456789abcdef0123456789abcdef01234567:\n\n"
            "  widget: add a reset callback (2024-03-06 09:00:01 +0000)\n\n"
            "are available in the Git repository at:\n\n"
            "  https://git.example.org/widget.git tags/widget-fixes-1.2\n\n"
            "for you to fetch changes up to "
            "89abcdef0123456789abcdef0123456789abcdef:\n\n"
            "  widget: use the reset callback on resume (2024-03-06 09:00:02 +0000)\n"
        ),
    )


def demo_mails() -> Iterator[bytes]:
    """Yield the demo list's mails in the order the list delivered them."""
    for storyline in (
        _widget_v1,
        _widget_v2,
        _build_series,
        _readme_fix,
        _pull_request,
    ):
        yield from storyline()
