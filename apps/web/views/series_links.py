"""A maintainer's correction of a series' previous version, from the series page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from apps.ids import parse_id
from apps.patches import selectors as patch_selectors
from apps.patches.exceptions import VersionLinkForbidden, VersionLinkInvalid
from apps.patches.services.series_updates import series_change


@login_required
@require_POST
def series_version_link(request, series_id):
    """Set (or, with an empty value, clear) the series' previous version."""
    series = patch_selectors.series_get(series_id)
    if series is None:
        raise Http404("No such series.")
    raw = request.POST.get("previous_version", "").strip().lstrip("#")
    previous = None
    if raw:
        wanted = parse_id(raw)
        previous = patch_selectors.series_get(wanted) if wanted is not None else None
        if previous is None:
            messages.error(request, "No series with that ID.")
            return redirect("series-detail", series.pk)
    try:
        series_change(series=series, actor=request.user, previous_version=previous)
    except (VersionLinkForbidden, VersionLinkInvalid) as exc:
        messages.error(request, str(exc))
    else:
        done = "set" if previous is not None else "cleared"
        messages.success(request, f"Previous version {done}.")
    return redirect("series-detail", series.pk)
