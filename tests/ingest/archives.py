"""Generated list archives: series, revisions, cover letters and review threads.

Threaded the way ``git send-email`` threads (patches answer the cover letter,
or patch 1 when there is none); a revision is sometimes sent in reply to the
previous version's first mail; reviews answer patches and covers, and are
answered in turn, some carrying tags. Mails are dated in sending order, so
the list order is the order a list delivers them in.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from email.utils import format_datetime

from tests.ingest.helpers import make_mail

START = dt.datetime(2024, 3, 4, 9, 0, tzinfo=dt.UTC)
TAGS = ("Reviewed-by", "Acked-by", "Tested-by")


@dataclass(frozen=True)
class SeriesPlan:
    """One series to send: how many patches, a cover or not, replies."""

    patches: int
    cover: bool
    replies: int
    version: int = 1
    answers_previous: bool = False  # sent in reply to the previous version
    # "in-reply-to": each mail names only the one before it, as mailers
    # without References do; "references": the whole thread, as git does.
    threading: str = "references"


@dataclass
class Archive:
    """The mails of an archive in list order, and what they are."""

    mails: list[bytes] = field(default_factory=list)
    msgids: list[str] = field(default_factory=list)
    patches: int = 0
    covers: int = 0
    comments: int = 0
    series: int = 0

    def add(self, msgid: str, raw: bytes) -> None:
        self.msgids.append(msgid)
        self.mails.append(raw)


def diff(path: str, seed: int) -> str:
    return (
        f"diff --git a/{path} b/{path}\n"
        "index 0123456..89abcde 100644\n"
        f"--- a/{path}\n"
        f"+++ b/{path}\n"
        "@@ -3,3 +3,3 @@ static int probe(struct device *dev)\n"
        " \tint ret;\n"
        f"-\tret = setup(dev, {seed});\n"
        f"+\tret = setup(dev, {seed + 1});\n"
        " \treturn ret;\n"
    )


class Writer:
    """Writes the mails of ``SeriesPlan`` families into an ``Archive``."""

    def __init__(self, rng: random.Random, prefix: str) -> None:
        self.rng = rng
        self.prefix = prefix
        self.archive = Archive()
        self.clock = START
        self.serial = 0

    def _msgid(self, what: str) -> str:
        self.serial += 1
        return f"<{self.prefix}.{self.serial}.{what}@dev.example.org>"

    def _date(self, seconds: int) -> str:
        self.clock += dt.timedelta(seconds=seconds)
        return format_datetime(self.clock)

    def family(self, plans: list[SeriesPlan], author: str) -> None:
        """Send each version of one change, the later ones days apart."""
        previous_root = None
        for plan in plans:
            root = self._series(plan, author, previous_root)
            previous_root = root
            self.clock += dt.timedelta(days=3)

    def _series(self, plan: SeriesPlan, author: str, previous: str | None) -> str:
        label = "PATCH" if plan.version == 1 else f"PATCH v{plan.version}"
        # Cover names are compared across projects (upstream's rule for
        # threaded covers): the prefix keeps archives of one test apart.
        title = f"{self.prefix}-drv{self.serial}: rework probing"
        above = [previous] if plan.answers_previous and previous else []
        posted: list[tuple[str, list[str], str]] = []  # msgid, refs, subject
        root = None
        if plan.cover:
            root = self._msgid("cover")
            subject = f"[{label} 0/{plan.patches}] {title}"
            self._mail(root, author, subject, f"This reworks {title}.\n", above)
            posted.append((root, above, subject))
            self.archive.covers += 1
        previous_mail = root
        for number in range(1, plan.patches + 1):
            msgid = self._msgid("patch")
            refs = above if root is None else [*above, root]
            if plan.threading == "in-reply-to":
                refs = [previous_mail] if previous_mail else above[-1:]
            subject = f"[{label} {number}/{plan.patches}] {title}: step {number}"
            body = f"Step {number}.\n\nSigned-off-by: {author}\n---\n" + diff(
                f"drivers/drv/step{number}.c", self.serial
            )
            self._mail(msgid, author, subject, body, refs, seconds=1)
            posted.append((msgid, refs, subject))
            root = root or msgid
            previous_mail = msgid
            self.archive.patches += 1
        self.archive.series += 1
        self._replies(posted, plan.replies)
        return posted[0][0]

    def _replies(self, posted: list[tuple[str, list[str], str]], count: int) -> None:
        threads = list(posted)
        for _ in range(count):
            parent, refs, subject = self.rng.choice(threads)
            msgid = self._msgid("re")
            tag = self.rng.choice((None, *TAGS))
            text = "> quoted\n\nLooks right to me.\n"
            if tag:
                text += f"\n{tag}: Rev Iewer <rev@example.org>\n"
            chain = [*refs, parent]
            subject = subject if subject.startswith("Re: ") else f"Re: {subject}"
            self._mail(msgid, "Rev Iewer <rev@example.org>", subject, text, chain)
            threads.append((msgid, chain, subject))
            self.archive.comments += 1

    def _mail(
        self,
        msgid: str,
        sender: str,
        subject: str,
        body: str,
        refs: list[str],
        seconds: int = 600,
    ) -> None:
        headers = {}
        if refs:
            headers = {"In-Reply-To": refs[-1], "References": " ".join(refs)}
        raw = make_mail(
            body,
            subject=subject,
            msgid=msgid,
            sender=sender,
            headers=headers,
            date=self._date(seconds),
        )
        self.archive.add(msgid, raw)


def generated_archive(seed: int, families: int, prefix: str = "a") -> Archive:
    """A small random archive: ``families`` changes, one to three versions each."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data
    writer = Writer(rng, f"{prefix}{seed}")
    for index in range(families):
        plans = []
        for version in range(1, rng.randint(1, 3) + 1):
            plans.append(
                SeriesPlan(
                    patches=rng.randint(1, 4),
                    cover=rng.random() < 0.6,
                    replies=rng.randint(0, 4),
                    version=version,
                    answers_previous=version > 1 and rng.random() < 0.5,
                    threading=rng.choice(("references", "references", "in-reply-to")),
                )
            )
        writer.family(plans, f"Dev {index} <dev{index}@example.org>")
    return writer.archive


def forty_series_archive() -> Archive:
    """40 series, 195 patches, 25 cover letters and 146 reviews.

    Changes come in one, two or three versions, each later version sent in
    reply to the one before.
    """
    rng = random.Random(11)  # noqa: S311 - reproducible test data
    writer = Writer(rng, "w")
    sizes = [4] * 35 + [11] * 5  # 195 patches
    covers = [index % 8 < 5 for index in range(40)]  # 25 cover letters
    replies = [4] * 26 + [3] * 14  # 146 reviews
    index = 0
    family = 0
    while index < 40:
        versions = min(1 + family % 3, 40 - index)
        plans = [
            SeriesPlan(
                patches=sizes[index + v],
                cover=covers[index + v],
                replies=replies[index + v],
                version=v + 1,
                answers_previous=v > 0,
            )
            for v in range(versions)
        ]
        writer.family(plans, f"Dev {family % 9} <dev{family % 9}@example.org>")
        index += versions
        family += 1
    return writer.archive
