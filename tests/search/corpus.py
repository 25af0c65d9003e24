"""A small project whose patches each answer different searches.

Patches are made by the factories and then indexed as the patch service
indexes them, so every search prefix has something to find.
"""

import datetime as dt

from django.utils import timezone

from apps.checks.models import Check
from apps.patches.models import PatchTag, State, Tag
from apps.patches.services.search_index import patch_index_diff
from tests.factories import (
    CheckFactory,
    CoverFactory,
    PatchFactory,
    PersonFactory,
    SeriesFactory,
    UserFactory,
)


def diff(path: str, removed: str, added: str) -> str:
    return (
        f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n"
        f"@@ -1,2 +1,2 @@\n context line\n-{removed}\n+{added}\n"
    )


def _tag(patch, name: str, count: int) -> None:
    PatchTag.objects.create(patch=patch, tag=Tag.objects.get(name=name), count=count)


def _patch(project, **fields):
    patch = PatchFactory(project=project, **fields)
    patch_index_diff(patch_id=patch.pk, diff=patch.diff)
    return patch


def make_corpus(project) -> dict:
    """Return {key: patch or cover} of a project with five patches and a cover."""
    alice = PersonFactory(name="Alice Liddell", email="alice@wonder.example.org")
    bob = PersonFactory(name="Bob Builder", email="bob@builders.example.com")
    carol = PersonFactory(name="Carol Singer", email="carol@example.net")
    delegate = UserFactory(username="gatekeeper")
    state = {s.slug: s for s in State.objects.all()}
    erofs_series = SeriesFactory(project=project, submitter=bob, name="erofs cleanups")
    net_series = SeriesFactory(project=project, submitter=carol)
    now = timezone.now()
    corpus = {
        "leak": _patch(
            project,
            name="mm: fix memory leak in allocator",
            content="The allocator leaked pages when freeing them.",
            diff=diff("mm/alloc.c", "return;", "kfree(page);"),
            submitter=alice,
            state=state["new"],
            date=dt.datetime(2024, 1, 10, 12, tzinfo=dt.UTC),
        ),
        "erofs": _patch(
            project,
            name="erofs: zdata cleanup",
            content="Tidy the decompression path.",
            diff=diff("fs/erofs/zdata.c", "int old_counter;", "int counter;")
            + diff("fs/erofs/internal.h", "#define A 1", "#define A 2"),
            submitter=bob,
            state=state["accepted"],
            archived=True,
            delegate=delegate,
            series=erofs_series,
            number=1,
            date=dt.datetime(2024, 3, 1, 12, tzinfo=dt.UTC),
        ),
        "docs": _patch(
            project,
            name="docs: describe the locking rules",
            content="Documents how spinlocks are taken and released.",
            diff=diff("Documentation/locking.rst", "Old text.", "Spinlocks nest."),
            submitter=bob,
            state=state["under-review"],
            date=dt.datetime(2024, 6, 1, 12, tzinfo=dt.UTC),
        ),
        "net": _patch(
            project,
            name="net: handle errors from the driver",
            content="Handling of error codes was missing in several drivers.",
            diff=diff("drivers/net/eth.c", "ignore();", "return -EIO;"),
            submitter=carol,
            state=state["rejected"],
            series=net_series,
            number=1,
            date=now - dt.timedelta(days=1),
        ),
        "pull": _patch(
            project,
            name="[GIT PULL] fixes for the allocator",
            content="Please pull: mm fixes.",
            diff=None,
            pull_url="git://git.example.org/mm.git fixes",
            submitter=alice,
            state=state["new"],
            date=now - dt.timedelta(days=20),
        ),
        "cover": CoverFactory(
            project=project,
            name="[0/1] erofs: cleanups",
            content="This series tidies memory handling.",
            submitter=bob,
            date=dt.datetime(2024, 2, 28, tzinfo=dt.UTC),
        ),
    }
    erofs_series.cover_letter = corpus["cover"]
    erofs_series.save()
    _tag(corpus["leak"], "Reviewed-by", 2)
    _tag(corpus["docs"], "Acked-by", 1)
    _tag(corpus["erofs"], "Reviewed-by", 1)
    CheckFactory(patch=corpus["leak"], state=Check.State.SUCCESS)
    CheckFactory(patch=corpus["erofs"], state=Check.State.FAIL)
    CheckFactory(patch=corpus["net"], state=Check.State.WARNING)
    return corpus
