"""The interdiff of two series, read from the database and cached.

The comparison itself is ``apps.patches.interdiff`` (pure). Its result is
kept in Django's cache under a key made of both series' ids and, for each
of their patches, its id, position, subject and diff hash, plus the cover
letters' ids: a patch arriving late, or a different pair of series, gives
a different key, while repeated views of the same pair cost one small
query.
"""

import hashlib

from django.core.cache import cache

from apps.patches.interdiff import Interdiff, PatchText, VersionText, interdiff
from apps.patches.models import Cover, Patch, Series

CACHE_SECONDS = 24 * 60 * 60
_KEY_VERSION = "1"


def _members(series_ids: list[int]):
    return Patch.objects.filter(series_id__in=series_ids).order_by(
        "series_id", "number", "date", "id"
    )


def _cache_key(series: Series, against: Series) -> str:
    rows = _members([series.pk, against.pk]).values_list(
        "series_id", "id", "number", "name", "hash"
    )
    digest = hashlib.sha256(
        repr((list(rows), series.cover_letter_id, against.cover_letter_id)).encode()
    ).hexdigest()
    return f"interdiff:{_KEY_VERSION}:{against.pk}:{series.pk}:{digest}"


def _version(series: Series, patches: list[tuple], cover: Cover | None) -> VersionText:
    texts = [
        PatchText(number if number is not None else index, name, diff, key=patch_id)
        for index, (patch_id, number, name, diff) in enumerate(patches, start=1)
    ]
    return VersionText(
        texts,
        cover_name=cover.name if cover else None,
        cover_body=cover.content if cover else None,
        label=f"v{series.version}",
    )


def _compute(series: Series, against: Series) -> Interdiff:
    by_series: dict[int, list[tuple]] = {series.pk: [], against.pk: []}
    for series_id, *row in _members([series.pk, against.pk]).values_list(
        "series_id", "id", "number", "name", "diff"
    ):
        by_series[series_id].append(tuple(row))
    cover_ids = [c for c in (series.cover_letter_id, against.cover_letter_id) if c]
    covers: dict[int | None, Cover] = {
        cover.pk: cover
        for cover in Cover.objects.filter(pk__in=cover_ids).only("name", "content")
    }
    return interdiff(
        _version(against, by_series[against.pk], covers.get(against.cover_letter_id)),
        _version(series, by_series[series.pk], covers.get(series.cover_letter_id)),
    )


def series_interdiff(series: Series, against: Series) -> Interdiff:
    """Return how ``series`` differs from ``against`` (its other version)."""
    key = _cache_key(series, against)
    found = cache.get(key)
    if isinstance(found, Interdiff):
        return found
    result = _compute(series, against)
    cache.set(key, result, CACHE_SECONDS)
    return result
