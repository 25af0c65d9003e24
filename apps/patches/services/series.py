"""Series assembly: which series a patch or cover letter joins.

Follows upstream Patchwork's rules (see the ingest spec, section 11), which
decide the grouping clients see:

* A numbered patch looks for its series first by reference (its own
  Message-Id, then the ids it replies to, each recorded by whichever mail
  created a series), then by markers (same sender, version and total, dated
  within 20 minutes). It starts a new series when none is found or the
  found one already holds its number.
* An unnumbered patch always starts a series of its own.
* A cover letter joins the series a patch recorded for its Message-Id, or
  starts one (``apps.patches.services.series_covers``).

Two Deviations keep the grouping independent of the order mails arrive in
(docs/architecture.md): a patch that joins a series records its own
Message-Id for it too, and a patch that shows two series to be one merges
them (``apps.patches.services.series_merge``).

Callers serialise these writes per project (``apps.ingest.locking``); with
that, upstream's retry loop reduces to its final decision, taken directly.
"""

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from apps.patches import fixed_sql
from apps.patches.history import history
from apps.patches.models import Patch, Series, SeriesReference
from apps.patches.services.series_claims import (
    MAX_MSGID,
    claims,
    series_take_claims,
)
from apps.patches.services.series_merge import series_merge
from apps.people.models import Person
from apps.projects.models import Project

logger = logging.getLogger(__name__)

# Mails of one series sent without threading are grouped when dated this
# close to the series' first mail (upstream's SERIES_DELAY_INTERVAL).
SERIES_WINDOW = dt.timedelta(minutes=20)


def series_by_reference(
    *,
    project: Project,
    msgids: Sequence[str],
    version: int | None = None,
    versioned: bool = False,
) -> Series | None:
    """Return the series recorded for the first of ``msgids`` that has one.

    ``msgids`` is the mail's own Message-Id, then the ids it replies to,
    nearest first. Upstream means to reject a series of another version
    unless it started close in time, but its check never rejects, so the
    first hit wins whatever its version or age. Given ``version``, a series
    of another version is taken only when the mail itself, or the one it
    answers, is in it and the mail's subject writes no version (patches
    under a cover letter that alone names the version); one that claims an
    id merely because a mail of it referenced it, or that holds an older
    ancestor, is passed over. Delivered in order
    this changes nothing: a mail's own series claims it before any revision
    answering it arrives. Out of order it keeps a revision sent in reply to
    an earlier version from taking that version's patches (a Deviation, see
    docs/architecture.md).
    """
    found, _ = claims(project, msgids, version, versioned)
    return found[0][1] if found else None


def series_by_markers(
    *, project: Project, submitter: Person, version: int, total: int, date: dt.datetime
) -> list[Series]:
    """Return the sender's series with this version and total near ``date``.

    Newest first; "near" is within ``SERIES_WINDOW`` either way, inclusive.
    """
    return list(
        Series.objects.filter(
            project=project,
            submitter=submitter,
            version=version,
            total=total,
            date__range=(date - SERIES_WINDOW, date + SERIES_WINDOW),
        ).order_by("-date", "-id")
    )


def _series_numbers(series: Series) -> dict[int, int]:
    """Return {number: patch id} of the patches linked to ``series``."""
    return fixed_sql.series_numbers(series.pk)


def series_create(
    *,
    project: Project,
    date: dt.datetime,
    submitter: Person,
    version: int,
    total: int,
    references: Iterable[str],
) -> Series:
    """Create a series, record series-created and claim ``references`` for it.

    Each Message-Id in ``references`` that no series of the project claims
    yet is recorded as belonging to the new one (existing claims stay).
    """
    series = _series_new(
        project=project,
        date=date,
        submitter=submitter,
        version=version,
        total=total,
        references=references,
    )
    history().record_series_created(series=series)
    return series


def _series_new(
    *,
    project: Project,
    date: dt.datetime,
    submitter: Person,
    version: int,
    total: int,
    references: Iterable[str],
    name: str | None = None,
) -> Series:
    """Write a new series and its claims; its event is the caller's to record.

    The only place a series is made: a cover letter records series-created
    at once (``series_create``), a patch after its own patch-created
    (``series_patch_added``), the order upstream records them in.
    """
    series = Series.objects.create(
        project=project,
        date=date,
        submitter=submitter,
        version=version,
        total=total,
        name=name,
    )
    _claim_references(series, references)
    return series


def _claim_references(series: Series, references: Iterable[str]) -> None:
    """Record the Message-Ids no series of the project claims yet as ``series``'s."""
    msgids = dict.fromkeys(msgid[:MAX_MSGID] for msgid in references)
    SeriesReference.objects.bulk_create(
        [
            SeriesReference(project_id=series.project_id, series=series, msgid=m)
            for m in msgids
        ],
        ignore_conflicts=True,
    )


def _pick_candidate(candidates: list[Series], number: int) -> Series | None:
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        return None
    # Several series match the markers (the same series sent twice in a short
    # time). Upstream retries, then takes the newest one still missing this
    # number, or starts another series.
    logger.warning(
        "%d series match the markers of patch number %d; using the newest "
        "one without it",
        len(candidates),
        number,
    )
    taken = set(
        Patch.objects.filter(series__in=candidates, number=number).values_list(
            "series_id", flat=True
        )
    )
    return next((s for s in candidates if s.pk not in taken), None)


def _series_near(
    project: Project,
    submitter: Person,
    version: int,
    total: int,
    date: dt.datetime,
    number: int,
) -> Series | None:
    """Return the series the markers give a patch ``number`` (upstream's fallback)."""
    found = series_by_markers(
        project=project, submitter=submitter, version=version, total=total, date=date
    )
    return _pick_candidate(found, number)


@dataclass
class PatchSlot:
    """Where a new patch goes: found (or made) before the patch row is written.

    ``number`` is None for a ``0/n`` patch, which stays out of its series.
    ``numbers`` maps the numbers already in the series to their patch ids.
    """

    series: Series
    number: int | None
    numbers: dict[int, int]
    created: bool


def series_slot_for_patch(
    *,
    project: Project,
    msgid: str,
    name: str,
    submitter: Person,
    date: dt.datetime,
    number: int | None,
    total: int | None,
    version: int,
    references: Sequence[str],
    versioned: bool = False,
) -> PatchSlot:
    """Find the series a new patch (number x of ``total``) joins, or make one.

    ``references``: the ids the mail replies to, nearest first, which the
    series claims (and ``msgid``); ``versioned``: the subject writes the
    version. ``series_patch_added`` records series-created after the patch's
    own event, as upstream does. A ``0/n`` patch (a cover letter with a diff)
    stays out of the series, which may have been made for it (as upstream).
    """
    series: Series | None = None
    taken: list[str] = []  # ids to take from revisions (``claims``)
    if total is None or number is None:
        number = total = 1
    else:
        series = _series_by_thread(
            project=project,
            msgids=[msgid, *references],
            version=version,
            versioned=versioned,
            number=number,
            taken=taken,
        ) or _series_near(project, submitter, version, total, date, number)
    numbers = _series_numbers(series) if series is not None else {}
    created = series is None or number in numbers
    if series is None or created:
        numbers = {}
        series = _series_new(
            project=project,
            date=date,
            submitter=submitter,
            version=version,
            total=total,
            references=[*references, msgid],
            # Patch 1 names a series (with its prefixes, as upstream does).
            name=name if number == 1 else None,
        )
    else:
        # Recorded as for a new series (upstream records them only then): a
        # later patch naming only this one finds the series, however late.
        _claim_references(series, [*references, msgid])
    series_take_claims(series, taken)
    return PatchSlot(series, number or None, numbers, created=created)


def _series_by_thread(
    *,
    project: Project,
    msgids: Sequence[str],
    version: int,
    versioned: bool,
    number: int,
    taken: list[str],
) -> Series | None:
    """Return the series the thread gives a patch (``msgids``: its own id first).

    Adds to ``taken`` the ids the patch's series is to take from revisions.

    When a series claims the patch itself (started by a later mail that
    answers it) and another claims the mail it answers, both would be one
    series had the mails come in order: the first is merged into the
    second, if they can be one (``series_merge``).
    """
    claimants, by_revisions = claims(project, msgids, version, versioned)
    taken.extend(by_revisions)
    if not claimants:
        return None
    position, series = claimants[0]
    if position == 0 and len(claimants) > 1:
        answered = claimants[1][1]
        if series_merge(into=answered, merged=series, number=number):
            return answered
    return series


def series_patch_added(*, slot: PatchSlot, patch: Patch) -> None:
    """Record what a patch just stored in ``slot`` completes.

    series-created for a new series, patch-completed for the patch (and the
    following ones) once numbers 1..x-1 are present, series-completed when
    the series has all its patches.
    """
    series = slot.series
    if slot.created:
        history().record_series_created(series=series)
    number = slot.number
    if number is None:
        return
    if not series.name and number == 1:
        series.name = patch.name
        series.save(update_fields=["name"])
    numbers = slot.numbers
    if sum(1 for n in numbers if n < number) == number - 1:
        history().record_patch_completed(patch=patch, series=series)
        following = number + 1
        while following in numbers:
            history().record_patch_completed(
                patch=Patch(pk=numbers[following], project_id=patch.project_id),
                series=series,
            )
            following += 1
    if len(numbers) + 1 >= series.total:
        history().record_series_completed(series=series)


def series_add_dependencies(*, series: Series, dependencies: Iterable[Series]) -> None:
    """Record that ``series`` depends on each of ``dependencies``, in order.

    The series itself and series of other projects are skipped; adding an
    existing dependency again changes nothing.
    """
    wanted = [
        dep.pk
        for dep in dependencies
        if dep.pk != series.pk and dep.project_id == series.project_id
    ]
    if not wanted:
        return
    existing = set(series.dependencies.values_list("pk", flat=True))
    for dep_id in dict.fromkeys(wanted):
        if dep_id not in existing:
            series.dependencies.add(dep_id)
