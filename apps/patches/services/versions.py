"""Version links between series: which series is the previous version of which.

A series ``T`` has ``P`` as a candidate previous version when both are in
one project, ``P`` sorts before ``T`` by (version, date, id), and

* both have the same sender (an address, or any address of one account) and
  the same name once prefixes, ``vN``, RESEND, case and punctuation are
  ignored (``apps.patches.versions.name_key``); or
* both carry the same b4 ``change-id:`` trailer; or
* they have the same sender, ``T`` has a higher version and ``T``'s cover
  letter or first patch answers (In-Reply-To/References) a mail of ``P``.

The last two link renamed series. The previous version is the candidate
that sorts last. The rule reads only stored data, never the order mails
came in, so relinking the series around whatever arrived gives the same
links in every order. A link a maintainer set (``previous_version_manual``)
is never recomputed.
"""

from collections.abc import Iterable, Iterator

from django.db import transaction
from django.db.models import Q

from apps.patches.exceptions import VersionLinkInvalid
from apps.patches.models import (
    Cover,
    Patch,
    Series,
    SeriesReference,
    SeriesThreadReference,
)
from apps.patches.selectors.versions import version_order
from apps.patches.versions import change_id, name_key, nearest_references

# Longer chains than this are not followed (a guard, never reached by mail).
MAX_CHAIN = 1000


def _same_sender(series: Series) -> Q:
    user_id = series.submitter.user_id
    query = Q(submitter_id=series.submitter_id)
    return query | Q(submitter__user_id=user_id) if user_id else query


def _before(series: Series) -> Q:
    return (
        Q(version__lt=series.version)
        | Q(version=series.version, date__lt=series.date)
        | Q(version=series.version, date=series.date, pk__lt=series.pk)
    )


def _name_and_change_id(series: Series) -> list[Q]:
    """Return the signals read from one indexed column each, one query apiece.

    Kept apart rather than OR-ed: each then uses its own index
    (``series_name_key_idx``, ``series_change_id_idx``) instead of a scan of
    the project's series.
    """
    signals = []
    if series.name_key:
        signals.append(Q(name_key=series.name_key) & _same_sender(series))
    if series.change_id:
        signals.append(Q(change_id=series.change_id))
    return signals


def _answered_ids(series: Series) -> set[int]:
    """Ids of the series holding a mail that ``series``'s head mails answer."""
    msgids = list(
        SeriesThreadReference.objects.filter(series=series).values_list(
            "msgid", flat=True
        )
    )
    if not msgids:
        return set()
    in_project = {"project_id": series.project_id}
    found = set(
        Patch.objects.filter(
            msgid__in=msgids, series__isnull=False, **in_project
        ).values_list("series_id", flat=True)
    )
    found |= set(
        Series.objects.filter(cover_letter__msgid__in=msgids, **in_project).values_list(
            "pk", flat=True
        )
    )
    found.discard(series.pk)
    return found


def _answering_ids(series: Series) -> set[int]:
    """Ids of the series whose head mails answer a mail of ``series``."""
    msgids = list(Patch.objects.filter(series=series).values_list("msgid", flat=True))
    if series.cover_letter_id is not None:
        msgids.extend(
            Cover.objects.filter(pk=series.cover_letter_id).values_list(
                "msgid", flat=True
            )
        )
    if not msgids:
        return set()
    return set(
        SeriesThreadReference.objects.filter(
            project_id=series.project_id, msgid__in=msgids
        )
        .exclude(series_id=series.pk)
        .values_list("series_id", flat=True)
    )


def best_previous(series: Series) -> Series | None:
    """Return the series the rules above make ``series``'s previous version."""
    others = Series.objects.filter(project_id=series.project_id).exclude(pk=series.pk)
    earlier = others.filter(_before(series)).order_by("-version", "-date", "-id")
    earlier = earlier.only("id", "version", "date")
    found = [earlier.filter(signal).first() for signal in _name_and_change_id(series)]
    answered = _answered_ids(series)
    if answered:
        found.append(
            earlier.filter(
                _same_sender(series), pk__in=answered, version__lt=series.version
            ).first()
        )
    return max(filter(None, found), key=version_order, default=None)


def _possible_next_versions(series: Series) -> list[Series]:
    """Series (not set by hand) that could take ``series`` as previous version."""
    later = (
        Q(version__gt=series.version)
        | Q(version=series.version, date__gt=series.date)
        | Q(version=series.version, date=series.date, pk__gt=series.pk)
    )
    candidates = (
        Series.objects.filter(project_id=series.project_id)
        .filter(previous_version_manual=False)
        .exclude(pk=series.pk)
        .select_related("submitter")
    )
    queries = [Q(previous_version=series)]
    queries.extend(signal & later for signal in _name_and_change_id(series))
    answering = _answering_ids(series)
    if answering:
        queries.append(_same_sender(series) & Q(pk__in=answering))
    found: dict[int, Series] = {}
    for query in queries:
        for row in candidates.filter(query):
            found.setdefault(row.pk, row)
    return list(found.values())


def _relink(series: Series) -> int | None:
    """Set ``series``'s automatic previous version.

    Returns None when it did not change, else the old one's id (0 for none).
    """
    if series.previous_version_manual:
        return None
    found = best_previous(series)
    found_id = found.pk if found is not None else None
    old = series.previous_version_id
    if found_id == old:
        return None
    # Conditional, so that a maintainer's link set meanwhile (the web and
    # the API do not take ingest's project lock) is never overwritten.
    updated = Series.objects.filter(pk=series.pk, previous_version_manual=False).update(
        previous_version_id=found_id
    )
    if not updated:
        return None
    series.previous_version_id = found_id
    return old if old is not None else 0


def _new_references(series: Series, refs: list[str]) -> list[str]:
    """Return ``refs`` that are neither recorded yet nor mails of ``series`` itself."""
    if not refs:
        return []
    recorded = SeriesThreadReference.objects.filter(series=series, msgid__in=refs)
    own = SeriesReference.objects.filter(series=series, msgid__in=refs)
    known = set(
        recorded.values_list("msgid", flat=True).union(
            own.values_list("msgid", flat=True)
        )
    )
    return [msgid for msgid in refs if msgid not in known]


def series_record_head(
    *,
    series: Series,
    msgid: str,
    references: Iterable[str] = (),
    content: str | None = None,
    name: str | None = None,
) -> list[tuple[Series, int | None]]:
    """Record what a cover letter or first patch says about versions, then relink.

    ``msgid`` is the mail's own id, ``references`` the ids it answers
    (nearest first), ``content`` its body (for b4's ``change-id:``). Called
    when a series gets its cover letter or first patch, so not for most
    mails. ``name`` (the mail's own name with its prefixes) stands in when
    the series has none yet. When the mail tells nothing new (its name,
    change-id and references are known, and no series answers it), the
    links stay as they are without being recomputed. Returns the links that
    changed, as ``series_relink`` does.
    """
    refs = _new_references(series, nearest_references(references))
    if refs:
        SeriesThreadReference.objects.bulk_create(
            [
                SeriesThreadReference(
                    series=series, project_id=series.project_id, msgid=ref
                )
                for ref in refs
            ],
            ignore_conflicts=True,
        )
    changed = []
    key = name_key(series.name or name)
    if key != series.name_key:
        series.name_key = key
        changed.append("name_key")
    found = change_id(content)
    if found and found != series.change_id:
        series.change_id = found
        changed.append("change_id")
    if changed:
        series.save(update_fields=changed)
    answered = SeriesThreadReference.objects.filter(
        project_id=series.project_id, msgid=msgid[:255]
    )
    if not refs and not changed and not answered.exists():
        return []
    return series_relink(series=series)


def series_relink(*, series: Series) -> list[tuple[Series, int | None]]:
    """Recompute the automatic links of ``series`` and of the series after it.

    Returns (series, new previous id) for every link that changed, so that
    callers can act on a new version having arrived.
    """
    changes = []
    touched: set[int] = {series.pk}
    for candidate in [series, *_possible_next_versions(series)]:
        old = _relink(candidate)
        if old is None:
            continue
        changes.append((candidate, candidate.previous_version_id))
        touched.add(candidate.pk)
        if old:
            touched.add(old)
    if changes:
        refresh_lineages(touched)
    return changes


def _back_to_root(series_id: int) -> Iterator[int]:
    """Yield ``series_id``, then its previous version's, and so on to the oldest.

    Stops before a series met already (a loop) and after MAX_CHAIN links;
    reads one link per step, so a caller that stops early reads no further.
    """
    seen = {series_id}
    current = series_id
    yield current
    for _ in range(MAX_CHAIN):
        previous = (
            Series.objects.filter(pk=current)
            .values_list("previous_version_id", flat=True)
            .first()
        )
        if previous is None or previous in seen:
            return
        seen.add(previous)
        current = previous
        yield current


def _tree(root: int) -> set[int]:
    members = {root}
    frontier = {root}
    while frontier and len(members) < MAX_CHAIN:
        frontier = (
            set(
                Series.objects.filter(previous_version_id__in=frontier).values_list(
                    "pk", flat=True
                )
            )
            - members
        )
        members |= frontier
    return members


def refresh_lineages(series_ids: Iterable[int]) -> None:
    """Set ``lineage`` (the oldest linked series' id) on the trees of ``series_ids``."""
    done: set[int] = set()
    for series_id in series_ids:
        if series_id in done:
            continue
        *_, root = _back_to_root(series_id)
        members = _tree(root)
        done |= members
        lineage = root if len(members) > 1 else None
        Series.objects.filter(pk__in=members).exclude(lineage=lineage).update(
            lineage=lineage
        )


def _is_after(series: Series, previous: Series) -> bool:
    """Return whether ``previous`` descends from ``series`` (a link would loop)."""
    return series.pk in _back_to_root(previous.pk)


@transaction.atomic
def series_set_previous_version(*, series: Series, previous: Series | None) -> Series:
    """Set ``series``'s previous version by hand (None: it has none).

    The link is kept from then on: ingest and ``manage.py linkversions``
    leave it alone. Raises ``VersionLinkInvalid`` for a series of another
    project, the series itself, or a link that would make the versions
    loop. Permission is the caller's to check
    (``apps.patches.rules.can_link_versions``).
    """
    if previous is not None:
        if previous.project_id != series.project_id:
            raise VersionLinkInvalid("The previous version is in another project.")
        if previous.pk == series.pk or _is_after(series, previous):
            raise VersionLinkInvalid("The versions would form a loop.")
    old = series.previous_version_id
    series.previous_version = previous
    series.previous_version_manual = True
    series.save(update_fields=["previous_version", "previous_version_manual"])
    refresh_lineages({series.pk, *(i for i in (old,) if i is not None)})
    return series
