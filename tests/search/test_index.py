"""What a stored patch leaves for ``file:`` and ``diff:``, and filling older rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.patches.models import Patch, PatchDiffText, PatchFile
from apps.patches.search import apply_search
from apps.patches.search.diffs import changed_lines, changed_paths
from apps.patches.services.search_index import search_index_fill
from tests.factories import PatchFactory, ProjectFactory
from tests.ingest.helpers import LIST_EMAIL, LIST_ID, deliver
from tests.search.corpus import diff

MAIL = f"""From: Dana Coder <dana@example.org>
To: {LIST_EMAIL}
Subject: [PATCH] lib: bound the string copy
Message-Id: <bound-1@example.org>
Date: Tue, 01 Oct 2024 10:00:00 +0000

Copying into a short buffer overran it.

Signed-off-by: Dana Coder <dana@example.org>
---
diff --git a/lib/string.c b/lib/string.c
--- a/lib/string.c
+++ b/lib/string.c
@@ -10,2 +10,2 @@
 void copy(char *to, const char *from)
-\tstrcpy(to, from);
+\tstrscpy(to, from, LIMIT);
"""


def found(text: str) -> list[str]:
    return list(apply_search(Patch.objects.all(), text).values_list("msgid", flat=True))


def test_a_delivered_patch_is_found_by_its_file_lines_and_words(db):
    ProjectFactory(listid=LIST_ID, listemail=LIST_EMAIL)
    deliver(MAIL.encode())
    for text in ("file:lib/string.c", "file:lib/", 'diff:"strscpy(to"', "buffers"):
        assert found(text) == ["<bound-1@example.org>"], text
    assert found('diff:"void copy"') == []


def test_patches_stored_without_the_index_are_filled_once(db):
    old = PatchFactory(diff=diff("kernel/sched.c", "a();", "b();"))
    pull = PatchFactory(diff=None)
    assert found("file:kernel/sched.c") == []
    assert search_index_fill() == 1
    assert found("file:kernel/sched.c") == [old.msgid]
    assert search_index_fill() == 0
    assert not PatchDiffText.objects.filter(patch=pull).exists()
    assert PatchFile.objects.count() == 1


def unindexed_patches(count: int, project) -> list[Patch]:
    return [
        PatchFactory(project=project, diff=diff(f"dir/file{n}.c", "a();", "b();"))
        for n in range(count)
    ]


def fill_queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        search_index_fill()
    return len(queries.captured_queries)


def test_filling_costs_the_same_queries_for_one_patch_or_many(db):
    project = ProjectFactory()
    unindexed_patches(1, project)
    one = fill_queries()
    unindexed_patches(40, project)
    many = fill_queries()
    assert many == one
    assert PatchDiffText.objects.count() == 41
    assert PatchFile.objects.count() == 41


def test_filling_in_several_batches_indexes_every_patch_once(db):
    project = ProjectFactory()
    patches = unindexed_patches(5, project)
    PatchFactory(project=project, diff=None)
    assert search_index_fill(batch=2) == 5
    assert search_index_fill(batch=2) == 0
    indexed = PatchDiffText.objects.values_list("patch_id", flat=True)
    assert sorted(indexed) == [patch.pk for patch in patches]
    assert found("file:dir/file4.c") == [patches[4].msgid]
    assert found('diff:"b();"') == [patch.msgid for patch in patches]


def test_paths_and_lines_come_from_the_hunks():
    text = diff("a.c", "-- removed comment", "+++ added") + (
        "diff --git a/new.txt b/new.txt\n--- /dev/null\n+++ b/new.txt\n"
        "@@ -0,0 +1 @@\n+hello\n"
    )
    assert changed_paths(text) == ["a.c", "new.txt"]
    lines = ["-- removed comment", "+++ added", "hello"]
    assert changed_lines(text).split("\n") == lines
