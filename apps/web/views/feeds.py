"""Atom feeds: a project's patch list (with its filters), its series, one series."""

from django.http import Http404, HttpResponseBadRequest
from django.urls import reverse

from apps.checks.models import Check
from apps.events import selectors as event_selectors
from apps.events.models import Event
from apps.patches import links
from apps.patches import selectors as patch_selectors
from apps.patches.models import Patch, Series
from apps.web.feeds import Entry, FeedSource, atom_feed, html_summary, tag_uri
from apps.web.filters import PatchListFilterSet
from apps.web.views.common import project_or_404

Category = Event.Category
SERIES_ACTIVITY = (
    Category.SERIES_CREATED,
    Category.SERIES_COMPLETED,
    Category.PATCH_STATE_CHANGED,
    Category.CHECK_CREATED,
)


def _sender(person) -> str:
    return person.name or person.email


def _series_page(series: Series) -> str:
    return reverse("series-detail", args=[series.pk])


def _series_title(series: Series) -> str:
    name = series.name or "(no name)"
    return f"[v{series.version}] {name}" if series.version > 1 else name


def _patch_entry(patch: Patch) -> Entry:
    return Entry(
        id=tag_uri(patch.date, f"patch/{patch.pk}"),
        title=patch.name,
        link=links.patch_web_path(patch),
        updated=patch.date,
        author=_sender(patch.submitter),
        summary=html_summary([f"State: {patch.state.name}"], patch.content or ""),
        categories=(patch.state.name,),
    )


def patch_list_feed(request, project_id):
    """Serve the patch list's newest patches, with the list's filters applied.

    ``search=`` is the search language of the list's search box.
    """
    project = project_or_404(project_id)
    filters = PatchListFilterSet(
        request.GET,
        patch_selectors.project_patches(project),
        request=request,
        states=patch_selectors.state_list(),
    )
    error = filters.search_error()
    if error is not None:
        # Plain text: a feed reader shows it as it is (no markup to escape).
        return HttpResponseBadRequest(
            f"Invalid search: {error}\n", content_type="text/plain; charset=utf-8"
        )
    query = request.GET.urlencode()
    source = FeedSource(
        title=f"{project.name} patches",
        link=reverse("patch-list", args=[project.linkname])
        + (f"?{query}" if query else ""),
        author=project.name,
        entries=[_patch_entry(p) for p in patch_selectors.feed_patches(filters.qs)],
    )
    return atom_feed(request, source=source)


def _series_entry(series: Series) -> Entry:
    received = getattr(series, "received_total", 0)
    return Entry(
        id=tag_uri(series.date, f"series/{series.pk}"),
        title=_series_title(series),
        link=_series_page(series),
        updated=series.date,
        author=_sender(series.submitter),
        summary=html_summary([f"{received} of {series.total} patches received"]),
    )


def series_list_feed(request, project_id):
    """Serve the project's newest series."""
    project = project_or_404(project_id)
    source = FeedSource(
        title=f"{project.name} series",
        link=reverse("series-list", args=[project.linkname]),
        author=project.name,
        entries=[_series_entry(s) for s in patch_selectors.feed_series(project)],
    )
    return atom_feed(request, source=source)


def _slug(state) -> str:
    return state.slug if state is not None else "?"


def _event_text(event: Event, series: Series) -> str:
    name = event.patch.name if event.patch is not None else ""
    check = event.created_check
    if event.category == Category.SERIES_CREATED:
        return f"Series created: {_series_title(series)}"
    if event.category == Category.SERIES_COMPLETED:
        return f"All {series.total} patches received"
    if event.category == Category.PATCH_STATE_CHANGED:
        previous, current = _slug(event.previous_state), _slug(event.current_state)
        return f"{name}: {previous} → {current}"
    if event.category == Category.CHECK_CREATED and check is not None:
        return f"{name}: check {check.context} {Check.State(check.state).label}"
    return f"{name}: {event.category}"


def _event_entry(event: Event, series: Series) -> Entry:
    link = (
        links.patch_web_path(event.patch)
        if event.patch is not None
        else _series_page(series)
    )
    who = event.actor.username if event.actor is not None else ""
    text = _event_text(event, series)
    return Entry(
        id=tag_uri(event.date, f"event/{event.pk}"),
        title=text,
        link=link,
        updated=event.date,
        author=who or _sender(series.submitter),
        summary=html_summary([text]),
        categories=(event.category,),
    )


def _version_entry(version: Series, series: Series) -> Entry:
    return Entry(
        id=tag_uri(version.date, f"series/{series.pk}/version/{version.pk}"),
        title=f"New version: {_series_title(version)}",
        link=_series_page(version),
        updated=version.date,
        author=_sender(version.submitter),
        summary=html_summary([f"Version {version.version} of this series was sent."]),
        categories=("new-version",),
    )


def series_feed(request, series_id):
    """Serve one series' activity: state changes, checks, completion, versions."""
    series = patch_selectors.feed_series_one(series_id)
    if series is None:
        raise Http404("No such series.")
    events = event_selectors.series_activity(series.pk, SERIES_ACTIVITY)
    entries = [_event_entry(event, series) for event in events] + [
        _version_entry(version, series)
        for version in patch_selectors.series_later_versions(series)
    ]
    entries.sort(key=lambda entry: entry.updated, reverse=True)
    source = FeedSource(
        title=f"{series.project.name}: {_series_title(series)}",
        link=_series_page(series),
        author=_sender(series.submitter),
        entries=entries,
    )
    return atom_feed(request, source=source)
