"""Which series claim a mail's Message-Ids, and taking claims back.

A series records ("claims") the Message-Ids of the mails it holds and of
those they answer (``SeriesReference``); a patch finds its series through
them (``apps.patches.services.series``).
"""

from collections.abc import Iterable, Sequence

from apps.patches import fixed_sql
from apps.patches.models import Series, SeriesReference
from apps.projects.models import Project

MAX_MSGID = 255


def claims(
    project: Project, msgids: Sequence[str], version: int | None, versioned: bool
) -> tuple[list[tuple[int, Series]], list[str]]:
    """Return the claimants a mail may join, and the ids claimed by revisions.

    Claimants are (position in ``msgids``, series), each series once, in
    the order of ``msgids``, under the rules of ``series_by_reference``
    (which takes the first). The ids claimed by revisions are the mail's
    own id and the one it answers when claimed by a series of a later
    version that does not hold them: a revision that answers them and came
    first (``series_take_claims``).
    """
    wanted = list(dict.fromkeys(msgid[:MAX_MSGID] for msgid in msgids))
    found = fixed_sql.series_by_references(project_id=project.pk, msgids=wanted)
    claimants: list[tuple[int, Series]] = []
    by_revisions = []
    for position, msgid in enumerate(wanted):
        series = found.get(msgid)
        if series is None or any(s.pk == series.pk for _, s in claimants):
            continue
        if version is None or series.version == version:
            claimants.append((position, series))
        # Rare (another version): only then is it worth asking whether the
        # mail is in that series or merely referenced by one of its mails.
        elif position < 2 and fixed_sql.series_holds(series, msgid):
            if not versioned:
                claimants.append((position, series))
        elif position < 2 and series.version > version:
            # A later version claims it: a revision answering this mail,
            # or the one this mail answers, came first.
            by_revisions.append(msgid)
    return claimants, by_revisions


def series_take_claims(series: Series, msgids: Iterable[str]) -> None:
    """Record ``msgids`` as ``series``'s, whichever series claimed them.

    For ids a revision claimed because it answers them, before the mails
    themselves came: delivered in order, the mails' own series would have
    claimed them first.
    """
    for msgid in msgids:
        SeriesReference.objects.update_or_create(
            project_id=series.project_id,
            msgid=msgid[:MAX_MSGID],
            defaults={"series": series},
        )
