"""Review tag counts (Acked-by, Reviewed-by, ...) of patches.

A tag's count is the number of lines matching its pattern in the patch's
content (not the diff) plus in the content of every comment on the patch;
only counts above zero are stored. Where the project counts cover tags
(``Project.cover_tags``, on by default), the replies to the cover letter
of the patch's series count too, for every patch of the series, as b4
applies them; the cover letter's own text never counts.
"""

import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from django.db import connection, transaction

from apps.patches.models import CoverComment, Patch, PatchComment, PatchTag, Tag


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


def patch_tags_init(
    *,
    patch_id: int,
    content: str | None,
    tags: Sequence[Tag],
    cover_replies: Iterable[str | None] = (),
) -> None:
    """Store the tag counts of a patch that has just been created (no comments yet).

    ``cover_replies`` are the replies to its series' cover letter, where
    they count.
    """
    counts = tag_counts([content, *cover_replies], tags)
    if counts:
        PatchTag.objects.bulk_create(
            PatchTag(patch_id=patch_id, tag_id=tag_id, count=count)
            for tag_id, count in counts.items()
        )


def cover_replies(*, cover_id: int) -> list[str | None]:
    """Return the text of the replies to a cover letter (for its patches' tags)."""
    return list(
        CoverComment.objects.filter(cover_id=cover_id)
        .order_by("id")
        .values_list("content", flat=True)
    )


def patch_add_tag_counts(*, patch_id: int, counts: dict[int, int]) -> None:
    """Add ``counts`` ({tag id: count}) to the patch's stored tag counts.

    What a new reply contributes: counts are sums over the patch and its
    comments, so adding the reply's own matches gives the same result as a
    full recount, in one statement instead of three.
    """
    patches_add_tag_counts(patch_ids=[patch_id], counts=counts)


def patches_add_tag_counts(*, patch_ids: Sequence[int], counts: dict[int, int]) -> None:
    """Add ``counts`` to the tag counts of each of ``patch_ids``, in one statement.

    What a reply to a cover letter contributes to every patch of its series.
    """
    if not counts or not patch_ids:
        return
    table = connection.ops.quote_name(PatchTag._meta.db_table)
    rows = ", ".join(["(%s, %s, %s)"] * (len(counts) * len(patch_ids)))
    params = [
        value
        for patch_id in patch_ids
        for tag_id, count in counts.items()
        for value in (patch_id, tag_id, count)
    ]
    with connection.cursor() as cursor:
        # An upsert both databases understand (SQLite 3.24+).
        cursor.execute(
            f"INSERT INTO {table} (patch_id, tag_id, count) VALUES {rows} "  # noqa: S608
            "ON CONFLICT (patch_id, tag_id) "
            f"DO UPDATE SET count = {table}.count + excluded.count",
            params,
        )


def patches_retag(
    *,
    patch_ids: Sequence[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = 500,
) -> int:
    """Recount the tags of patches (all, or ``patch_ids``); return how many.

    What the tag definitions changing needs (``manage.py retag``). Patches of
    projects with tags turned off are left alone, as ingest leaves them.
    Each batch of patches is recounted in one transaction.
    """
    tags = list(Tag.objects.all())
    patches = Patch.objects.filter(project__use_tags=True)
    if patch_ids is not None:
        patches = patches.filter(pk__in=patch_ids)
    ids = list(patches.order_by("id").values_list("id", flat=True))
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        texts: dict[int, list[str | None]] = {
            patch_id: [content]
            for patch_id, content in Patch.objects.filter(pk__in=chunk).values_list(
                "id", "content"
            )
        }
        replies = PatchComment.objects.filter(patch_id__in=chunk)
        for patch_id, content in replies.values_list("patch_id", "content"):
            texts[patch_id].append(content)
        on_covers = CoverComment.objects.filter(
            cover__series__patches__in=chunk, cover__project__cover_tags=True
        )
        for patch_id, content in on_covers.values_list(
            "cover__series__patches", "content"
        ):
            texts[patch_id].append(content)
        with transaction.atomic():
            PatchTag.objects.filter(patch_id__in=chunk).delete()
            PatchTag.objects.bulk_create(
                PatchTag(patch_id=patch_id, tag_id=tag_id, count=count)
                for patch_id in chunk
                for tag_id, count in tag_counts(texts[patch_id], tags).items()
            )
        if progress is not None:
            progress(min(start + batch_size, len(ids)), len(ids))
    return len(ids)
