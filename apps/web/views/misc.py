"""About page, old help URLs, autocomplete JSON and the numeric-id redirects."""

import json
from email.utils import getaddresses

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from apps.patches import links
from apps.patches import selectors as patch_selectors
from apps.patches.models import Patch
from apps.people import selectors as people_selectors

# Autocomplete needs at least this many characters (upstream).
MIN_QUERY = 3
# Longer queries match no name or address (columns hold 255 characters).
MAX_QUERY = 255
# Most suggestions answered, whatever ``l`` asks (upstream: no bound).
MAX_SUGGESTIONS = 20


def about(request):
    admins = []
    if not settings.ADMINS_HIDE:
        for name, address in getaddresses(settings.ADMINS):
            admins.append({"name": name or address, "email": address})
    return render(request, "about.html", {"admins": admins})


def search_help(request):
    """Explain the search language of patch lists and the API's ``search=``."""
    return render(request, "search_help.html")


def _suggestion_limit(raw: str) -> int:
    # isascii: str.isdigit() also accepts digits int() refuses ("²").
    if raw.isascii() and raw.isdigit() and len(raw) <= 4 and int(raw) > 0:
        return min(int(raw), MAX_SUGGESTIONS)
    return MAX_SUGGESTIONS


def _autocomplete(request, search, shape):
    query = request.GET.get("q", "")
    if len(query) < MIN_QUERY:
        # Upstream answers an empty body (not "[]") with the JSON type.
        return HttpResponse("", content_type="application/json")
    limit = _suggestion_limit(request.GET.get("l", ""))
    found = search(query, limit) if len(query) <= MAX_QUERY else []
    data = [shape(item) for item in found]
    return HttpResponse(json.dumps(data), content_type="application/json")


def submitters(request):
    """Suggest people; addresses only to signed-in users, as the REST API.

    The REST API lists people (with their addresses) only to signed-in
    callers, so anonymous visitors get names, found by name alone: an
    address can neither be read nor probed for here.
    """
    if not request.user.is_authenticated:
        return _autocomplete(
            request,
            people_selectors.submitter_search_by_name,
            lambda p: {"pk": p.pk, "name": p.name},
        )
    return _autocomplete(
        request,
        people_selectors.submitter_search,
        lambda p: {"pk": p.pk, "name": p.name, "email": p.email},
    )


def delegates(request):
    return _autocomplete(
        request,
        people_selectors.user_search,
        lambda u: {"pk": u.pk, "name": u.username},
    )


def patch_by_id(request, patch_id):
    patch = patch_selectors.patch_get_by_id(patch_id)
    if patch is None:
        raise Http404("No patch with that id.")
    return redirect(links.patch_web_path(patch))


def cover_by_id(request, cover_id):
    cover = patch_selectors.cover_get_by_id(cover_id)
    if cover is None:
        raise Http404("No cover letter with that id.")
    return redirect(links.cover_web_path(cover))


def comment_by_id(request, comment_id):
    parent = patch_selectors.comment_parent(comment_id)
    if parent is None:
        raise Http404("No comment with that id.")
    if isinstance(parent, Patch):
        path = links.patch_web_path(parent)
    else:
        path = links.cover_web_path(parent)
    return redirect(f"{path}#{comment_id}")
