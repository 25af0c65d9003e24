"""Review tag counts (Acked-by, Reviewed-by, ...) of patches.

A tag's count is the number of lines matching its pattern in the patch's
content (not the diff) plus in the content of every comment on the patch;
only counts above zero are stored. Cover letters never count.
"""

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from apps.patches.models import PatchComment, PatchTag, Tag


@lru_cache(maxsize=64)
def _pattern(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern, re.MULTILINE | re.IGNORECASE)
    except re.error:
        return None  # validated in the admin; a broken old pattern counts nothing


def tag_counts(texts: Iterable[str | None], tags: Sequence[Tag]) -> dict[int, int]:
    """Count each tag's matches in ``texts``: {tag id: count}, counts > 0 only."""
    counts: dict[int, int] = {}
    bodies = [text for text in texts if text]
    for tag in tags:
        pattern = _pattern(tag.pattern)
        if pattern is None:
            continue
        count = sum(len(pattern.findall(text)) for text in bodies)
        if count:
            counts[tag.pk] = count
    return counts


def patch_tags_init(*, patch_id: int, content: str | None, tags: Sequence[Tag]) -> None:
    """Store the tag counts of a patch that has just been created (no comments yet)."""
    counts = tag_counts([content], tags)
    if counts:
        PatchTag.objects.bulk_create(
            PatchTag(patch_id=patch_id, tag_id=tag_id, count=count)
            for tag_id, count in counts.items()
        )


def patch_refresh_tags(
    *, patch_id: int, content: str | None, tags: Sequence[Tag] | None = None
) -> None:
    """Recount the tags of a patch from its ``content`` and all its comments.

    ``tags`` defaults to every tag defined. Rows whose count did not change
    are left alone; counts that dropped to zero are deleted. Callers skip
    projects with tags turned off (``Project.use_tags``).
    """
    if tags is None:
        tags = list(Tag.objects.all())
    comments = PatchComment.objects.filter(patch_id=patch_id).values_list(
        "content", flat=True
    )
    counts = tag_counts([content, *comments], tags)
    stored = dict(
        PatchTag.objects.filter(patch_id=patch_id).values_list("tag_id", "count")
    )
    gone = [tag_id for tag_id in stored if tag_id not in counts]
    if gone:
        PatchTag.objects.filter(patch_id=patch_id, tag_id__in=gone).delete()
    for tag_id, count in counts.items():
        if tag_id not in stored:
            PatchTag.objects.create(patch_id=patch_id, tag_id=tag_id, count=count)
        elif stored[tag_id] != count:
            PatchTag.objects.filter(patch_id=patch_id, tag_id=tag_id).update(
                count=count
            )
