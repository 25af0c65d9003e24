"""Each prefix of the search language as a condition on patches or covers.

A handler takes the term's value (and whether it was quoted) and returns a
``Q``. Handlers look nothing up while compiling: names (states, tags,
people, projects) are matched in subqueries of the one list query, so a
search adds no query to a page, and a name that matches nothing finds
nothing.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.db.models.lookups import Exact

from apps.checks.models import Check
from apps.ids import parse_id
from apps.patches.fixed_sql import check_state_sql
from apps.patches.models import PatchDiffText, PatchFile, PatchTag, State
from apps.patches.search import values
from apps.patches.search.errors import SearchError
from apps.patches.search.fulltext import TextMatch
from apps.people.models import Person, User
from apps.projects.models import Project


@dataclass(frozen=True)
class Context:
    """What a term's meaning depends on besides its text."""

    now: dt.datetime


type Handler = Callable[[str, bool, Context], Q]


def free_text(value: str, quoted: bool, context: Context) -> Q:
    """Words (stemmed) in the subject or body, or the text within the subject.

    The substring keeps finding what the subject search of earlier versions
    found ("ero" in "erofs: ...").
    """
    return Q(TextMatch(value, phrase=quoted)) | Q(name__icontains=value)


def subject(value: str, quoted: bool, context: Context) -> Q:
    return Q(name__icontains=value)


def sender(value: str, quoted: bool, context: Context) -> Q:
    people = Person.objects.filter(Q(name__icontains=value) | Q(email__icontains=value))
    return Q(submitter__in=people.values("pk"))


def message_id(value: str, quoted: bool, context: Context) -> Q:
    return Q(msgid="<" + value.strip("<>") + ">")


def since(value: str, quoted: bool, context: Context) -> Q:
    return Q(date__gte=values.moment("since", value, context.now))


def until(value: str, quoted: bool, context: Context) -> Q:
    return Q(date__lt=values.moment("until", value, context.now))


def project(value: str, quoted: bool, context: Context) -> Q:
    projects = Project.objects.filter(linkname__iexact=value)
    project_id = parse_id(value)
    if project_id is not None:
        projects = Project.objects.filter(Q(pk=project_id) | Q(linkname__iexact=value))
    return Q(project__in=projects.values("pk"))


def _series_id(value: str) -> int:
    series_id = parse_id(value)
    if series_id is None:
        raise SearchError(f"'series:{value}' needs a series id (a number).")
    return series_id


def series(value: str, quoted: bool, context: Context) -> Q:
    return Q(series_id=_series_id(value))


def cover_series(value: str, quoted: bool, context: Context) -> Q:
    return Q(series__pk=_series_id(value))


def path(value: str, quoted: bool, context: Context) -> Q:
    """Match a touched path; a trailing ``/`` or ``*`` matches all below it."""
    if value.endswith(("/", "*")):
        prefix = value.rstrip("*")
        if connection.vendor == "sqlite":
            # Case-sensitive and indexed, where SQLite's LIKE is neither.
            files = Q(path__gte=prefix, path__lt=prefix + "\U0010ffff")
        else:
            files = Q(path__startswith=prefix)
    else:
        files = Q(path=value)
    return Q(pk__in=PatchFile.objects.filter(files).values("patch_id"))


# Shorter text has no trigram, so no index could find it.
MIN_DIFF_TEXT = 3


def diff_text(value: str, quoted: bool, context: Context) -> Q:
    if len(value) < MIN_DIFF_TEXT:
        raise SearchError(f"'diff:' needs at least {MIN_DIFF_TEXT} characters.")
    texts = PatchDiffText.objects.filter(lines__icontains=value)
    return Q(pk__in=texts.values("patch_id"))


def _states(value: str) -> Q:
    return Q(slug__iexact=value) | Q(name__iexact=value.replace("-", " "))


def state(value: str, quoted: bool, context: Context) -> Q:
    return Q(state__in=State.objects.filter(_states(value)).values("pk"))


def status(value: str, quoted: bool, context: Context) -> Q:
    """``is:archived``, ``is:open``, ``is:action-required`` or a state."""
    word = value.lower()
    if word == "archived":
        return Q(archived=True)
    if word == "action-required":
        return Q(state__in=State.objects.filter(action_required=True).values("pk"))
    if word == "open":
        return Q(archived=False) & status("action-required", quoted, context)
    return state(value, quoted, context)


def delegate(value: str, quoted: bool, context: Context) -> Q:
    if value.lower() in ("nobody", "none"):
        return Q(delegate__isnull=True)
    users = User.objects.filter(Q(username__iexact=value) | Q(email__iexact=value))
    return Q(delegate__in=users.values("pk"))


def has(value: str, quoted: bool, context: Context) -> Q:
    if value.lower() != "checks":
        raise SearchError(f"'has:{value}' is not known: has:checks is.")
    return Q(Exists(Check.objects.filter(patch=OuterRef("pk"))))


_CHECK_STATES = {label: code for code, label in Check.State.choices}


def check(value: str, quoted: bool, context: Context) -> Q:
    code = _CHECK_STATES.get(value.lower())
    if code is None:
        known = ", ".join(sorted(_CHECK_STATES))
        raise SearchError(f"'check:{value}' is not a check state: use one of {known}.")
    return Q(Exact(check_state_sql(), code))


def tag(value: str, quoted: bool, context: Context) -> Q:
    """Compare a tag count: ``tag:reviewed-by>=1``; no count row means zero."""
    name, operator, count = values.comparison(value)
    rows = PatchTag.objects.filter(tag__name__iexact=name)
    lookup = {f"count__{values.LOOKUPS[operator]}": count}
    if not values.holds(operator, 0, count):
        return Q(pk__in=rows.filter(**lookup).values("patch_id"))
    return ~Q(pk__in=rows.exclude(**lookup).values("patch_id"))


COMMON: dict[str, Handler] = {
    "": free_text,
    "subject": subject,
    "from": sender,
    "msgid": message_id,
    "since": since,
    "until": until,
    "project": project,
}

PATCH_TERMS: dict[str, Handler] = {
    **COMMON,
    "series": series,
    "file": path,
    "diff": diff_text,
    "state": state,
    "is": status,
    "delegate": delegate,
    "has": has,
    "check": check,
    "tag": tag,
}

COVER_TERMS: dict[str, Handler] = {**COMMON, "series": cover_series}
