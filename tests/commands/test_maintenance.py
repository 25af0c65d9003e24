"""retag, rehash and dumparchive: reworking and exporting stored patches."""

import io
import mailbox
import tarfile

import pytest
from django.core.management import CommandError, call_command

from apps.ingest.parsing.hashing import hash_diff
from apps.patches.models import Patch, PatchTag
from tests.factories import PatchCommentFactory, PatchFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def tag_counts(patch) -> dict[str, int]:
    rows = PatchTag.objects.filter(patch=patch).select_related("tag")
    return {row.tag.name: row.count for row in rows}


def tagged_patch(project):
    patch = PatchFactory(project=project, content="Change.\n\nAcked-by: A <a@x>")
    PatchCommentFactory(patch=patch, content="Reviewed-by: R <r@x>\nAcked-by: B <b@x>")
    return patch


def test_retag_recounts_from_content_and_comments(project):
    patch = tagged_patch(project)
    PatchTag.objects.all().delete()
    output = run("retag")
    assert tag_counts(patch) == {"Acked-by": 2, "Reviewed-by": 1}
    assert output.endswith("done\n")
    assert "1 of 1 patches" in output


def test_retag_only_the_patches_given_and_not_projects_without_tags(project):
    first, second = tagged_patch(project), tagged_patch(project)
    untagged = tagged_patch(ProjectFactory(use_tags=False))
    PatchTag.objects.all().delete()
    run("retag", str(first.pk), str(untagged.pk))
    assert tag_counts(first) == {"Acked-by": 2, "Reviewed-by": 1}
    assert tag_counts(second) == {}
    assert tag_counts(untagged) == {}


def test_retag_drops_counts_that_no_longer_match(project):
    patch = tagged_patch(project)
    run("retag")
    Patch.objects.filter(pk=patch.pk).update(content="No tags any more.")
    patch.comments.update(content="Looks fine.")
    run("retag", str(patch.pk))
    assert tag_counts(patch) == {}


def test_rehash_restores_the_hash_of_the_diff(project):
    wrong = PatchFactory(project=project, hash="0" * 40)
    other = PatchFactory(project=project, hash="1" * 40)
    pull = PatchFactory(project=project, diff=None, hash="2" * 40)
    output = run("rehash", str(wrong.pk), str(pull.pk))
    assert output.endswith("done\n")
    wrong.refresh_from_db()
    other.refresh_from_db()
    pull.refresh_from_db()
    assert wrong.hash == hash_diff(wrong.diff)
    assert other.hash == "1" * 40  # not named
    assert pull.hash is None
    run("rehash", "-v", "0")
    other.refresh_from_db()
    assert other.hash == hash_diff(other.diff)


def test_dumparchive_writes_one_mbox_per_project(tmp_path, monkeypatch, project):
    monkeypatch.chdir(tmp_path)
    other = ProjectFactory(linkname="other", listid="other.lists.example.org")
    first = PatchFactory(project=project, name="[PATCH 1/2] first")
    second = PatchFactory(project=project, name="[PATCH 2/2] second")
    PatchFactory(project=other, name="[PATCH] elsewhere")

    path = tmp_path / run("dumparchive", "-c").strip()
    assert path.name.startswith("patchwork_dump_")
    assert path.name.endswith(".tar.gz")
    with tarfile.open(path, "r:gz") as archive:
        assert sorted(archive.getnames()) == sorted(
            [f"{project.linkname}.mbox", "other.mbox"]
        )
        archive.extractall(tmp_path / "out", filter="data")
    mails = list(mailbox.mbox(tmp_path / "out" / f"{project.linkname}.mbox"))
    assert [m["Message-Id"] for m in mails] == [first.msgid, second.msgid]
    assert mails[0]["X-Patchwork-Id"] == str(first.pk)
    assert "+++ b/" in mails[0].get_payload(decode=True).decode()

    plain = tmp_path / run("dumparchive", "other.lists.example.org").strip()
    assert plain.suffix == ".tar"
    with tarfile.open(plain, "r:") as archive:  # really uncompressed
        assert archive.getnames() == ["other.mbox"]


def test_dumparchive_rejects_an_unknown_list_id(tmp_path, monkeypatch, db):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CommandError, match=r"nowhere\.example\.org"):
        run("dumparchive", "nowhere.example.org")


def relation_sets() -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    related = Patch.objects.filter(related__isnull=False)
    for patch_id, relation_id in related.values_list("id", "related_id"):
        groups.setdefault(relation_id, set()).add(patch_id)
    return {frozenset(ids) for ids in groups.values()}


def test_replacerelations_makes_the_file_the_only_relations(tmp_path, project):
    from apps.events.models import Event
    from apps.patches.models import PatchRelation

    a, b, c, d, e = (PatchFactory(project=project) for _ in range(5))
    kept = PatchRelation.objects.create()
    Patch.objects.filter(pk__in=[a.pk, b.pk]).update(related=kept)
    dropped = PatchRelation.objects.create()
    Patch.objects.filter(pk__in=[c.pk, d.pk]).update(related=dropped)
    listing = tmp_path / "relations.txt"
    listing.write_text(f"{a.pk} {b.pk}\n{d.pk}  {e.pk} 999999\n{c.pk} 999998\n\n")

    assert run("replacerelations", str(listing)) == "2 relations\n"

    assert relation_sets() == {frozenset({a.pk, b.pk}), frozenset({d.pk, e.pk})}
    a.refresh_from_db()
    assert a.related_id == kept.pk  # unchanged relation kept as it was
    assert not PatchRelation.objects.filter(pk=dropped.pk).exists()
    changed = Event.objects.filter(category=Event.Category.PATCH_RELATION_CHANGED)
    assert sorted(changed.values_list("patch_id", flat=True)) == sorted(
        [c.pk, d.pk, e.pk]
    )


def test_replacerelations_rejects_bad_input(tmp_path, db):
    with pytest.raises(CommandError, match="Cannot read"):
        run("replacerelations", str(tmp_path / "missing.txt"))
    bad = tmp_path / "bad.txt"
    bad.write_text("1 2\nthree 4\n")
    with pytest.raises(CommandError, match=r"bad\.txt:2"):
        run("replacerelations", str(bad))


def test_replacerelations_gives_a_patch_named_twice_to_the_last_line(tmp_path, project):
    a, b, c = (PatchFactory(project=project) for _ in range(3))
    listing = tmp_path / "relations.txt"
    listing.write_text(f"{a.pk} {b.pk}\n{b.pk} {c.pk}\n")
    assert run("replacerelations", str(listing)) == "1 relations\n"
    assert relation_sets() == {frozenset({b.pk, c.pk})}
