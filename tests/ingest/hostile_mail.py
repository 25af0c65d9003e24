"""Generate hostile mail: what a list open to the internet may be sent.

No Django here: ``bench/hostile/run.py`` writes its archives with this module
too. Mail ``i`` of a run depends only on the seed and ``i``, so a failure can
be replayed from its number. Each mail is one of the ``KINDS``: malformed
MIME, deep nesting, giant headers, base64 bombs, NUL bytes, every charset
Python knows, the patterns that made the old parser backtrack, broken or
missing headers, replies and duplicates, and plain patches in between.
"""

import base64
import encodings.aliases
import mailbox
import random
from collections.abc import Callable, Iterator
from pathlib import Path

LIST_ID = "hostile.example.org"
CHARSETS = [
    *sorted(set(encodings.aliases.aliases.values())),
    "unknown-8bit",
    "x-unknown",
    "utf-7",
    "",
    "\x00",
]
# Header values that made backtracking patterns slow (repeated up to a size).
HOSTILE_UNITS = ["x at ", "a at b (", "(", "<", "<<>", '"', "1", "[a]", "=?a?q?"]
HEADER_NAMES = ["From", "Subject", "Message-Id", "References", "In-Reply-To"]
HEADER_NAMES += ["List-Id", "Reply-To", "Cc", "X-Original-From", "Content-Type"]


class Writer:
    """Builds mail ``number``; ``scale`` multiplies the sizes of big parts."""

    def __init__(self, seed: int, number: int, scale: float) -> None:
        self.rng = random.Random(f"{seed}-{number}")  # noqa: S311 - reproducible
        self.number = number
        self.scale = scale

    def msgid(self) -> str:
        return f"<hostile-{self.number}@example.org>"

    def size(self, base: int) -> int:
        return max(1, int(base * self.scale * self.rng.uniform(0.5, 1.5)))

    def head(self, **fields: str) -> bytes:
        values = {
            "From": f"Sender {self.number % 50} <sender{self.number % 50}@example.org>",
            "Subject": f"[PATCH {self.number % 5 + 1}/5] change {self.number}",
            "Message-Id": self.msgid(),
            "Date": "Mon, 01 Jan 2024 12:00:00 +0000",
            "List-Id": f"<{LIST_ID}>",
        }
        values.update(fields)
        lines = "".join(f"{name}: {value}\n" for name, value in values.items())
        return lines.encode("utf-8", "surrogateescape")

    def diff(self) -> bytes:
        name = f"file{self.number % 97}.c"
        return (
            f"diff --git a/{name} b/{name}\n--- a/{name}\n+++ b/{name}\n"
            f"@@ -1 +1 @@\n-old {self.number}\n+new {self.number}\n"
        ).encode()


def plain_patch(w: Writer) -> bytes:
    return w.head() + b"\nA change.\n---\n" + w.diff()


def reply(w: Writer) -> bytes:
    parent = f"<hostile-{w.rng.randrange(max(w.number, 1))}@example.org>"
    head = w.head(Subject=f"Re: change {w.number}", References=parent)
    return head + b"\nReviewed-by: Someone <r@example.org>\n"


def duplicate(w: Writer) -> bytes:
    earlier = Writer(0, w.number - w.number % len(KINDS), w.scale)
    return plain_patch(earlier)


def missing_header(w: Writer) -> bytes:
    name = w.rng.choice(["From", "Subject", "Message-Id"])
    raw = plain_patch(w)
    lines = [line for line in raw.split(b"\n") if not line.startswith(name.encode())]
    return b"\n".join(lines)


def giant_header(w: Writer) -> bytes:
    name = w.rng.choice(HEADER_NAMES)
    unit = w.rng.choice(HOSTILE_UNITS)
    # Not scaled: over the parser's header cap (16 KiB) whatever the run.
    value = unit * (w.rng.randrange(8_000, 64_000) // len(unit))
    folded = "\n ".join(value[i : i + 800] for i in range(0, len(value), 800))
    return w.head(**{name: folded}) + b"\nBody.\n---\n" + w.diff()


def hostile_body(w: Writer) -> bytes:
    unit = w.rng.choice(
        [
            "The following changes since commit x\n",
            "are available in the git repository at:\n git://h/",
            "Depends-on: <",
            "-- \n",
            "@@ -1,99999999999999999999 +1 @@\n",
            "--- a\n+++ b\n",
        ]
    )
    return w.head() + b"\n" + (unit * (w.size(100_000) // len(unit))).encode()


def charset_mail(w: Writer) -> bytes:
    charset = w.rng.choice(CHARSETS)
    text = "Änderung ñ 変更 \u202e ✓ \ud800"
    try:
        body = text.encode(charset, "replace")
    except (LookupError, UnicodeError, ValueError, TypeError):
        body = text.encode("utf-8", "surrogatepass")
    word = base64.b64encode(body[:40]).decode()
    head = w.head(Subject=f"=?{charset}?b?{word}?= [PATCH] charset {w.number}")
    head += f'Content-Type: text/plain; charset="{charset}"\n'.encode(
        "utf-8", "replace"
    )
    return head + b"\n" + body + b"\n---\n" + w.diff()


def nul_bytes(w: Writer) -> bytes:
    raw = w.head(Subject=f"[PATCH] nul\x00{w.number}", From="N\x00ul <n@example.org>")
    return raw + b"\nText \x00 here.\n---\n" + w.diff().replace(b"new", b"n\x00w")


def eight_bit(w: Writer) -> bytes:
    raw = w.head().replace(b"Sender", b"S\xe9nder \xff\xfe")
    return raw.replace(b"\n", b"\r\n") + b"\r\nBody \x80\x81\r\n---\r\n" + w.diff()


def malformed_mime(w: Writer) -> bytes:
    choice = w.rng.randrange(4)
    if choice == 0:  # a boundary that never appears
        ctype = 'Content-Type: multipart/mixed; boundary="nowhere"\n'
        return w.head() + ctype.encode() + b"\n--elsewhere\n\npart\n"
    if choice == 1:  # parameters that never end
        ctype = 'Content-Type: text/plain; a="' + ';b="x' * w.size(2_000) + "\n"
        return w.head() + ctype.encode() + b"\nbody\n---\n" + w.diff()
    if choice == 2:  # a part cut off in its headers
        ctype = 'Content-Type: multipart/mixed; boundary="b"\n'
        return w.head() + ctype.encode() + b"\n--b\nContent-Type: text/pl"
    ctype = "Content-Transfer-Encoding: quoted-printable\n"
    return w.head() + ctype.encode() + b"\n=ZZ=\n=4=\n" + w.diff()


def deep_nesting(w: Writer) -> bytes:
    depth = w.rng.choice([50, 200, 2_000])
    opening = "".join(
        f'--b{i - 1}\nContent-Type: multipart/mixed; boundary="b{i}"\n\n'
        for i in range(1, depth)
    )
    closing = "".join(f"--b{i}--\n" for i in reversed(range(depth)))
    ctype = 'Content-Type: multipart/mixed; boundary="b0"\n\n'
    text = f"--b{depth - 1}\nContent-Type: text/plain\n\ndeep\n"
    return w.head() + (ctype + opening + text + closing).encode()


def base64_bomb(w: Writer) -> bytes:
    # One in a hundred is a hundred times larger.
    size = w.size(300_000) * (100 if w.rng.random() < 0.01 else 1)
    payload = base64.encodebytes(b"\x00" * size)
    if w.rng.random() < 0.5:
        payload = payload[:-7] + b"!!=\n"  # broken padding and characters
    parts = (
        b'Content-Type: text/plain; charset="utf-8"\n'
        b"Content-Transfer-Encoding: base64\n"
    )
    return w.head() + parts + b"\n" + payload


def broken_values(w: Writer) -> bytes:
    fields = w.rng.choice(
        [
            {"Date": "Mon, 99 Foo 99999 99:99:99 +9999"},
            {"Message-Id": ""},
            {"From": "no address at all"},
            {"Subject": "=?utf-8?q?=ZZ?= =?bogus?b?////?="},
            {"X-Patchwork-State": "\x00", "X-Patchwork-Delegate": "<<>>"},
            {"List-Id": "<>"},
        ]
    )
    return w.head(**fields) + b"\nBody.\n---\n" + w.diff()


KINDS: list[Callable[[Writer], bytes]] = [
    plain_patch,
    reply,
    duplicate,
    missing_header,
    giant_header,
    hostile_body,
    charset_mail,
    nul_bytes,
    eight_bit,
    malformed_mime,
    deep_nesting,
    base64_bomb,
    broken_values,
]


def mails(count: int, seed: int = 1, scale: float = 1.0) -> Iterator[bytes]:
    """Yield ``count`` hostile mails, each decided by ``seed`` and its number."""
    for number in range(count):
        kind = KINDS[number % len(KINDS)]
        yield kind(Writer(seed, number, scale))


def write_mbox(path: Path, count: int, seed: int = 1, scale: float = 1.0) -> Path:
    """Write ``count`` hostile mails to the mbox file ``path``."""
    box = mailbox.mbox(path)
    box.lock()
    try:
        for raw in mails(count, seed, scale):
            box.add(raw)
    finally:
        box.flush()
        box.unlock()
    return path
