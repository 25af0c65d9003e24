"""Merging two series that one late mail shows to be one.

Delivered in order, every mail of a thread finds the series of the mail it
answers. Out of order, a series can start from a later patch (claiming the
Message-Ids it answers) while the cover letter or an earlier patch starts
another; the mail between them, arriving last, belongs to both. It merges
them, so the stored result is the one in-order delivery gives (a Deviation:
upstream leaves them split).
"""

from apps.patches import fixed_sql
from apps.patches.history import history
from apps.patches.models import Patch, Series, SeriesReference, SeriesThreadReference
from apps.patches.services.tags import patches_retag
from apps.patches.services.versions import series_relink


def _complete(numbers: set[int]) -> set[int]:
    """Return the numbers whose lower numbers are all present."""
    return {n for n in numbers if all(k in numbers for k in range(1, n))}


def series_merge(*, into: Series, merged: Series, number: int) -> bool:
    """Merge ``merged`` into ``into`` if they can be one series; return whether done.

    They can when their versions agree, at most one has a cover letter and
    no patch number (``number`` being the one about to join) is in both.
    ``into`` keeps its id, submitter and total, takes the earlier date,
    ``merged``'s patches, cover letter, claimed Message-Ids and
    dependencies; ``merged`` is deleted, its history moved to ``into``
    and the merge recorded (series-merged). Version links are then decided
    again for ``into`` and the series after it.
    """
    kept = set(fixed_sql.series_numbers(into.pk))
    moved = set(fixed_sql.series_numbers(merged.pk))
    if (
        into.pk == merged.pk
        or into.version != merged.version
        or (into.cover_letter_id is not None and merged.cover_letter_id is not None)
        or kept & moved
        or number in kept | moved
    ):
        return False
    Patch.objects.filter(series=merged).update(series=into)
    SeriesReference.objects.filter(series=merged).update(series=into)
    _move_thread_references(into, merged)
    _move_dependencies(into, merged)
    _take_fields(into, merged)
    records = history()
    records.record_series_merged(series=into, merged=merged)
    newly = _complete(kept | moved) - _complete(kept) - _complete(moved)
    for patch in Patch.objects.filter(series=into, number__in=newly).order_by("number"):
        records.record_patch_completed(patch=patch, series=into)
    merged.delete()
    series_relink(series=into)
    if into.cover_letter_id is not None:
        # Replies to the cover letter count for every patch of its series
        # (Project.cover_tags): now for those of the other series too.
        patches_retag(patch_ids=list(into.patches.values_list("pk", flat=True)))
    return True


def _move_thread_references(into: Series, merged: Series) -> None:
    """Give ``into`` the ids ``merged``'s head mail answered (version links)."""
    known = set(into.thread_references.values_list("msgid", flat=True))
    moving = SeriesThreadReference.objects.filter(series=merged)
    moving.filter(msgid__in=known).delete()
    moving.update(series=into)


def _move_dependencies(into: Series, merged: Series) -> None:
    depends = set(merged.dependencies.values_list("pk", flat=True)) - {into.pk}
    if depends:
        into.dependencies.add(*depends)
    for dependent in merged.dependents.exclude(pk=into.pk):
        dependent.dependencies.add(into)


def _take_fields(into: Series, merged: Series) -> None:
    fields = []
    had_cover = merged.cover_letter_id is not None
    if merged.date < into.date:
        into.date = merged.date
        fields.append("date")
    if had_cover:
        cover_id = merged.cover_letter_id
        merged.cover_letter = None
        merged.save(update_fields=["cover_letter"])
        into.cover_letter_id = cover_id
        fields.append("cover_letter")
    # The cover letter names a series; else patch 1 does, wherever it was.
    if merged.name and (had_cover or not into.name):
        into.name = merged.name
        into.name_key = merged.name_key
        fields += ["name", "name_key"]
    if merged.change_id and not into.change_id:
        into.change_id = merged.change_id
        fields.append("change_id")
    if fields:
        into.save(update_fields=fields)
