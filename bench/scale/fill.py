"""Fill the benchmark project with N patches and what goes with them, by COPY.

Run by ``bench/scale/run.py`` with the Django environment of the database
(``python bench/scale/fill.py N``). Rows are written with explicit ids, so
related rows are known without reading anything back; every column a row
does not name gets its model field's default, so a new column needs no
change here unless it must hold something particular.
"""

import random
import sys
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Model  # noqa: E402

from apps.checks.models import Check  # noqa: E402
from apps.events.models import Event  # noqa: E402
from apps.patches.models import Cover, Patch, PatchComment, Series, State  # noqa: E402
from apps.people.models import Person, User  # noqa: E402
from apps.projects.models import Project  # noqa: E402

PER_SERIES = 4
START = datetime(2012, 1, 1, tzinfo=UTC)
rng = random.Random(1)
WORDS = [
    *("net", "mm", "fs", "drm", "usb", "arm64", "x86", "btrfs", "ext4", "sched"),
    *("bpf", "iommu", "pci", "scsi", "nvme", "fix", "add", "remove", "refactor"),
    *("support", "handle", "avoid", "use", "clean", "up", "convert", "driver"),
    *("buffer", "lock", "queue", "timer", "memory", "leak", "race", "error"),
    *("path", "init", "probe"),
]
DIFF = (
    "--- a/drivers/net/{w}.c\n+++ b/drivers/net/{w}.c\n@@ -10,7 +10,7 @@\n"
    " static int {w}_probe(struct device *dev)\n {{\n-\treturn 0;\n"
    "+\treturn {w}_init(dev);\n }}\n"
)


def copy(model: type[Model], rows: Iterable[dict]) -> int:
    """COPY ``rows`` (attname -> value) into ``model``'s table; return the count."""
    fields = model._meta.concrete_fields
    defaults = {f.attname: None if f.null else f.get_default() for f in fields}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as out:
            for row in rows:
                out.write_row([row.get(f.attname, defaults[f.attname]) for f in fields])
                count += 1
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), "  # noqa: S608
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
        )
    return count


def subject(number: int) -> str:
    words = rng.sample(WORDS, 5)
    return f"[PATCH {number}] {words[0]}: {' '.join(words[1:])}"


def when(position: int, total: int) -> datetime:
    """Spread the rows over twelve years, in order."""
    return START + timedelta(days=4380 * position / total)


class Filler:
    def __init__(self, patches: int) -> None:
        self.patches = patches
        self.series = -(-patches // PER_SERIES)
        self.project = Project.objects.get(linkname="scale")
        self.people = max(100, patches // 20)
        self.states = list(State.objects.order_by("ordering"))
        self.open_states = [s.pk for s in self.states if s.action_required]
        self.closed_states = [s.pk for s in self.states if not s.action_required]
        self.bot = User.objects.create_user("ci-bot", "ci@example.org", None)

    def persons(self) -> Iterator[dict]:
        for pk in range(1, self.people + 1):
            yield {"id": pk, "email": f"dev{pk}@example.org", "name": f"Developer {pk}"}

    def covers_and_series(self) -> tuple[Iterator[dict], Iterator[dict]]:
        def covers():
            for pk in range(1, self.series + 1, 2):
                yield self._mail(pk, pk, f"[PATCH 0/{PER_SERIES}] series {pk}", "cover")

        def series():
            for pk in range(1, self.series + 1):
                yield {
                    "id": pk,
                    "project_id": self.project.pk,
                    "cover_letter_id": pk if pk % 2 else None,
                    "name": f"series {pk}",
                    "date": when(pk, self.series),
                    "submitter_id": pk % self.people + 1,
                    "total": PER_SERIES,
                    "name_key": f"series {pk}",
                }

        return covers(), series()

    def _mail(self, pk: int, position: int, name: str, kind: str) -> dict:
        return {
            "id": pk,
            "msgid": f"<{kind}-{pk}@example.org>",
            "date": when(position, self.series),
            "headers": f"Message-Id: <{kind}-{pk}@example.org>\n",
            "submitter_id": position % self.people + 1,
            "content": f"{name}\n\nSigned-off-by: Developer <dev@example.org>\n",
            "project_id": self.project.pk,
            "name": name,
        }

    def patch_rows(self) -> Iterator[dict]:
        recent = self.patches - max(1000, self.patches // 50)
        for pk in range(1, self.patches + 1):
            series = (pk - 1) // PER_SERIES + 1
            old = pk < recent
            row = self._mail(pk, series, subject(pk), "patch")
            row.update(
                diff=DIFF.format(w=rng.choice(WORDS)),
                hash=f"{rng.getrandbits(160):040x}",
                state_id=rng.choice(self.closed_states if old else self.open_states),
                archived=old and rng.random() < 0.8,
                series_id=series,
                number=(pk - 1) % PER_SERIES + 1,
            )
            yield row

    def comments(self) -> Iterator[dict]:
        pk = 0
        for patch in range(1, self.patches + 1):
            if patch % 5:
                pk += 1
                row = self._mail(pk, (patch - 1) // PER_SERIES + 1, "Re", "reply")
                row["patch_id"] = patch
                row.pop("project_id")
                row.pop("name")
                yield row

    def checks(self) -> Iterator[dict]:
        for pk in range(1, self.patches // 2 + 1):
            yield {
                "id": pk,
                "patch_id": pk * 2,
                "user_id": self.bot.pk,
                "date": when((pk * 2 - 1) // PER_SERIES + 1, self.series),
                "state": rng.choice([1, 1, 1, 2, 3]),
                "context": "build",
            }

    def events(self) -> Iterator[dict]:
        pk = 0
        category = Event.Category
        for patch in range(1, self.patches + 1):
            series = (patch - 1) // PER_SERIES + 1
            base = {"project_id": self.project.pk, "date": when(series, self.series)}
            rows = [{"category": category.PATCH_CREATED, "patch_id": patch}]
            if patch % PER_SERIES == 1:
                rows.append({"category": category.SERIES_CREATED, "series_id": series})
            if patch % 2 == 0:
                rows.append(
                    {
                        "category": category.CHECK_CREATED,
                        "patch_id": patch,
                        "created_check_id": patch // 2,
                    }
                )
            if patch % 3 == 0:
                rows.append(
                    {
                        "category": category.PATCH_STATE_CHANGED,
                        "patch_id": patch,
                        "previous_state_id": self.open_states[0],
                        "current_state_id": rng.choice(self.closed_states),
                    }
                )
            for row in rows:
                pk += 1
                yield base | row | {"id": pk}


def main() -> None:
    filler = Filler(int(sys.argv[1]))
    with transaction.atomic():
        print("people", copy(Person, filler.persons()), flush=True)
        covers, series = filler.covers_and_series()
        print("covers", copy(Cover, covers), flush=True)
        print("series", copy(Series, series), flush=True)
        print("patches", copy(Patch, filler.patch_rows()), flush=True)
        print("comments", copy(PatchComment, filler.comments()), flush=True)
        print("checks", copy(Check, filler.checks()), flush=True)
        print("events", copy(Event, filler.events()), flush=True)


if __name__ == "__main__":
    main()
