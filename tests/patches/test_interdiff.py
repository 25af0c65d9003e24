"""The interdiff of two versions of a series (apps.patches.interdiff, pure)."""

import ast

from apps.patches.interdiff import (
    MAX_LINES,
    Change,
    PatchText,
    VersionText,
    as_dict,
    as_text,
    diff_identity,
    interdiff,
    normalise_subject,
)
from tests.paths import REPO


def diff(path: str, old: str, new: str, start: int = 1) -> str:
    return (
        f"diff --git a/{path} b/{path}\n"
        f"index 1111111..2222222 100644\n"
        f"--- a/{path}\n+++ b/{path}\n"
        f"@@ -{start},1 +{start},1 @@\n-{old}\n+{new}\n"
    )


def patch(number: int, name: str, body: str, version: int = 1) -> PatchText:
    prefix = f"[v{version},{number}/9]" if version > 1 else f"[{number}/9]"
    return PatchText(number, f"{prefix} {name}", body, key=version * 100 + number)


V1 = [
    patch(1, "net: add foo", diff("foo.c", "a", "b")),
    patch(2, "net: add bar", diff("bar.c", "a", "b")),
    patch(3, "net: drop baz", diff("baz.c", "a", "b")),
]


def changes(result) -> list[tuple[str, int | None, int | None]]:
    return [
        (
            entry.change.value,
            entry.old.number if entry.old else None,
            entry.new.number if entry.new else None,
        )
        for entry in result.entries
    ]


def test_an_unchanged_resend_pairs_every_patch_as_unchanged():
    v2 = [patch(p.number, p.name.split("] ")[1], p.diff, 2) for p in V1]
    result = interdiff(VersionText(V1), VersionText(v2))
    assert changes(result) == [
        ("unchanged", 1, 1),
        ("unchanged", 2, 2),
        ("unchanged", 3, 3),
    ]
    assert all(entry.matched_by == "subject" for entry in result.entries)
    assert result.cover_change is None


def test_line_numbers_and_whitespace_do_not_make_a_change():
    moved = diff("foo.c", "a", "b", start=40).replace("+b", "+  b")
    v2 = [patch(1, "net: add foo", moved, 2), *V1[1:]]
    result = interdiff(VersionText(V1), VersionText(v2))
    assert result.entries[0].change == Change.UNCHANGED


def test_an_added_patch_is_reported_where_it_appears():
    v2 = [V1[0], patch(2, "net: new helper", diff("helper.c", "x", "y"), 2)]
    v2 += [
        patch(3, "net: add bar", V1[1].diff, 2),
        patch(4, "net: drop baz", V1[2].diff, 2),
    ]
    result = interdiff(VersionText(V1), VersionText(v2))
    assert changes(result) == [
        ("unchanged", 1, 1),
        ("added", None, 2),
        ("unchanged", 2, 3),
        ("unchanged", 3, 4),
    ]
    assert [e.moved for e in result.entries] == [False, False, True, True]


def test_a_dropped_patch_is_reported_after_its_predecessor():
    v2 = [
        patch(1, "net: add foo", V1[0].diff, 2),
        patch(2, "net: drop baz", V1[2].diff, 2),
    ]
    result = interdiff(VersionText(V1), VersionText(v2))
    assert changes(result) == [
        ("unchanged", 1, 1),
        ("removed", 2, None),
        ("unchanged", 3, 2),
    ]
    assert result.counts() == {"unchanged": 2, "changed": 0, "added": 0, "removed": 1}


def test_reordered_patches_pair_by_subject_and_show_their_moves():
    v2 = [
        patch(1, "net: drop baz", V1[2].diff, 2),
        patch(2, "net: add foo", V1[0].diff, 2),
        patch(3, "net: add bar", V1[1].diff, 2),
    ]
    result = interdiff(VersionText(V1), VersionText(v2))
    assert changes(result) == [
        ("unchanged", 3, 1),
        ("unchanged", 1, 2),
        ("unchanged", 2, 3),
    ]
    assert all(entry.moved for entry in result.entries)
    assert "  3: =   1: [v2,1/9] net: drop baz" in as_text(result)


def test_a_changed_patch_shows_the_diff_of_its_diffs():
    v2 = [patch(1, "net: add foo", diff("foo.c", "a", "c"), 2), *V1[1:]]
    result = interdiff(VersionText(V1), VersionText(v2, label="v2"))
    entry = result.entries[0]
    assert entry.change == Change.CHANGED
    assert entry.matched_by == "subject"
    assert "--- v1/1" in entry.diff
    assert "++c" in entry.diff
    assert "-+b" in entry.diff
    assert "!" in as_text(result).splitlines()[0]


def test_a_renamed_patch_with_the_same_diff_pairs_by_diff_identity():
    v2 = [patch(1, "net: introduce foo", V1[0].diff, 2), *V1[1:]]
    result = interdiff(VersionText(V1), VersionText(v2))
    entry = result.entries[0]
    assert (entry.change, entry.matched_by) == (Change.CHANGED, "diff")
    assert "-Subject: net: add foo" in entry.diff
    assert "+Subject: net: introduce foo" in entry.diff


def test_a_renamed_and_changed_patch_pairs_by_position():
    v2 = [patch(1, "net: introduce foo", diff("foo.c", "a", "z"), 2), *V1[1:]]
    result = interdiff(VersionText(V1), VersionText(v2))
    assert (result.entries[0].change, result.entries[0].matched_by) == (
        Change.CHANGED,
        "position",
    )


def test_a_version_with_a_cover_against_one_without():
    with_cover = VersionText(V1, cover_name="[PATCH 0/3] net: foo", cover_body="Hi.\n")
    result = interdiff(VersionText(V1), with_cover)
    assert result.cover_change == Change.ADDED
    assert "+Subject: [PATCH 0/3] net: foo" in result.cover_diff
    assert "+Hi." in result.cover_diff
    back = interdiff(with_cover, VersionText(V1))
    assert back.cover_change == Change.REMOVED
    assert "-Hi." in back.cover_diff


def test_changed_cover_letters_show_their_difference():
    old = VersionText(V1, cover_name="[PATCH 0/3] net: foo", cover_body="Hi.\n")
    new = VersionText(
        V1, cover_name="[PATCH v2 0/3] net: foo", cover_body="Hi.\nv2: fixed\n"
    )
    result = interdiff(old, new)
    assert result.cover_change == Change.CHANGED
    assert "+v2: fixed" in result.cover_diff
    same = interdiff(old, old)
    assert (same.cover_change, same.cover_diff) == (Change.UNCHANGED, [])


def test_giant_diffs_are_classified_without_a_line_by_line_comparison():
    big_old = "".join(f"+line {n}\n" for n in range(MAX_LINES + 1))
    big_new = big_old + "+one more\n"
    result = interdiff(
        VersionText([patch(1, "huge", big_old)]),
        VersionText([patch(1, "huge", big_new, 2)]),
    )
    entry = result.entries[0]
    assert (entry.change, entry.too_large, entry.diff) == (Change.CHANGED, True, [])
    assert "(too large to compare)" in as_text(result)


def test_json_form_names_each_side():
    v2 = [V1[0], patch(4, "net: new", diff("n.c", "a", "b"), 2)]
    found = as_dict(interdiff(VersionText(V1), VersionText(v2)))
    assert found["counts"] == {"unchanged": 1, "changed": 0, "added": 1, "removed": 2}
    added = [p for p in found["patches"] if p["change"] == "added"]
    assert added == [
        {
            "change": "added",
            "old": None,
            "new": {"id": 204, "number": 4, "name": "[v2,4/9] net: new"},
            "matched_by": None,
            "moved": False,
            "diff": "",
            "too_large": False,
        }
    ]


def test_subjects_and_diff_identities_normalise():
    assert normalise_subject("[PATCH v3 2/7] Net:  Add   FOO ") == "net: add foo"
    assert normalise_subject("Re: [RFC] [2/2] x") == "x"
    assert diff_identity(None) is None
    assert diff_identity(diff("a", "x", "y", 1)) == diff_identity(
        diff("a", "x", "y", 9)
    )
    assert diff_identity(diff("a", "x", "y")) != diff_identity(diff("a", "x", "z"))


def test_the_module_imports_no_django_and_no_project_code():
    tree = ast.parse((REPO / "apps" / "patches" / "interdiff.py").read_text())
    imported = [
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ] + [
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    ]
    assert not {"django", "apps", "patchserver"} & set(imported)
