"""Cover letters in series: which series a cover letter joins, and its name.

Upstream's rule: a cover letter uses no references or markers, only the
series one of its patches recorded for the cover's own Message-Id (see
``apps.patches.services.series``).
"""

import datetime as dt
import re

from apps.patches.models import Cover, Patch, Series
from apps.patches.services.series import (
    series_by_markers,
    series_by_reference,
    series_create,
)
from apps.patches.services.series_claims import series_take_claims
from apps.people.models import Person
from apps.projects.models import Project

_LEADING_PREFIX = re.compile(r"^\[([^\]]*)\]\s*(.*)$")


def cover_series_name(cover_name: str) -> str:
    """Return a cover letter's name without its leading ``[...]`` group."""
    match = _LEADING_PREFIX.match(cover_name)
    if match:
        return match.group(2)
    return cover_name.strip()


def series_for_cover(
    *,
    project: Project,
    msgid: str,
    date: dt.datetime,
    submitter: Person,
    version: int,
    total: int,
) -> Series:
    """Return the series a cover letter with ``msgid`` belongs to, creating it if new.

    A cover letter uses no references or markers: only a series that one of
    its patches recorded for the cover's own Message-Id. When that series is
    of another version than the default 1 (a revision answering this cover
    came first, see ``series_by_reference``), the cover looks for its own
    series by markers as a patch would, before starting one.
    """
    series = series_by_reference(project=project, msgids=[msgid])
    # A later version answering this cover letter came first and recorded
    # its Message-Id; delivered in order, the cover's own series would have.
    take_back = series is not None and series.version > version
    if series is not None and series.version not in (version, 1):
        # Claimed by a revision that answers this cover and came first.
        candidates = series_by_markers(
            project=project,
            submitter=submitter,
            version=version,
            total=total,
            date=date,
        )
        series = next((s for s in candidates if s.cover_letter_id is None), None)
    elif series is not None and series.version != version:
        # Patches that write no version came first: as in order, the
        # cover's version is the series'.
        series.version = version
        series.save(update_fields=["version"])
    if series is None:
        series = series_create(
            project=project,
            date=date,
            submitter=submitter,
            version=version,
            total=total,
            references=[msgid],
        )
    if take_back:
        series_take_claims(series, [msgid])
    return series


def series_attach_cover(*, series: Series, cover: Cover) -> bool:
    """Make ``cover`` the series' cover letter unless it has one; return whether it did.

    The series takes the cover's name when it has none, or when its name
    came from its first patch; a name set otherwise (by a user) is kept.
    """
    if series.cover_letter_id is not None:
        return False
    series.cover_letter = cover
    fields = ["cover_letter"]
    first_patch_name = (
        Patch.objects.filter(series=series, number=1)
        .values_list("name", flat=True)
        .first()
        if series.name
        else None
    )
    if not series.name or series.name == first_patch_name:
        series.name = cover_series_name(cover.name)
        fields.append("name")
    series.save(update_fields=fields)
    return True
