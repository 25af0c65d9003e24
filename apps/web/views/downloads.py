"""mbox and raw diff downloads (linked from the REST API's ``mbox`` fields).

Every URL is built by ``apps.patches.links``; clients read the file name
from ``Content-Disposition`` (git-pw needs ``filename=``).
"""

import math

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.request import Request

from apps.api.throttling import ThrottledBasicAuthentication
from apps.bundles.rules import can_view_bundle
from apps.bundles.selectors import bundle_get, bundle_mbox_patches
from apps.ids import parse_id
from apps.patches import links, mbox
from apps.patches.models import Patch
from apps.patches.selectors import (
    cover_get_by_id,
    cover_mbox_queryset,
    patch_get_by_id,
    patch_mbox_queryset,
    series_get,
    series_mbox_patches,
)


def _download(body: str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = mbox.attachment(filename)
    return response


def _patch(linkname: str, msgid: str) -> Patch:
    return get_object_or_404(
        patch_mbox_queryset(),
        project__linkname=linkname,
        msgid=links.segment_to_msgid(msgid),
    )


def patch_mbox(request, linkname: str, msgid: str):
    """Download a patch; ``?series=*`` (or its series id) adds its predecessors.

    With ``series``, the mails of the series' lower-numbered patches come
    first, in number order (git-pw's default for ``patch apply``).
    """
    patch = _patch(linkname, msgid)
    wanted = request.GET.get("series")
    mails: list[str] = []
    if wanted:
        if patch.series_id is None:
            raise Http404("This patch is not part of a series.")
        if wanted != "*" and parse_id(wanted) != patch.series_id:
            raise Http404(f"This patch is not part of series {wanted}.")
        if patch.number is not None:
            earlier = series_mbox_patches(series_id=patch.series_id, below=patch.number)
            mails.extend(mbox.patch_to_mail(other) for other in earlier)
    mails.append(mbox.patch_to_mail(patch))
    return _download(
        mbox.join_mails(mails),
        mbox.download_filename(patch.name) + ".patch",
        "text/plain; charset=utf-8",
    )


def patch_raw(request, linkname: str, msgid: str):
    """Download the diff of a patch alone."""
    patch = _patch(linkname, msgid)
    return _download(
        patch.diff or "",
        mbox.download_filename(patch.name) + ".diff",
        "text/x-patch",
    )


def cover_mbox(request, linkname: str, msgid: str):
    cover = get_object_or_404(
        cover_mbox_queryset(),
        project__linkname=linkname,
        msgid=links.segment_to_msgid(msgid),
    )
    return _download(
        mbox.cover_to_mail(cover),
        mbox.download_filename(cover.name) + ".mbox",
        "text/plain",
    )


def series_mbox(request, series_id: int):
    """Download every patch of a series in number order (no cover letter)."""
    series = series_get(series_id)
    if series is None:
        raise Http404("No such series.")
    mails = (
        mbox.patch_to_mail(patch) for patch in series_mbox_patches(series_id=series.pk)
    )
    return _download(
        mbox.join_mails(mails),
        mbox.download_filename(str(series)) + ".patch",
        "text/plain",
    )


def _api_user(request):
    """Return the caller: the session user, else HTTP Basic or token credentials.

    Scripts fetch private bundles with the same credentials they give the
    REST API. Bad credentials count as none; an address with too many
    failures gets ``Throttled``, as from the API.
    """
    if request.user.is_authenticated:
        return request.user
    wrapped = Request(request)
    for backend in (ThrottledBasicAuthentication(), TokenAuthentication()):
        try:
            found = backend.authenticate(wrapped)
        except AuthenticationFailed:
            return None
        if found is not None:
            return found[0]
    return None


def _too_many_requests(exc: Throttled) -> HttpResponse:
    response = HttpResponse(
        str(exc.detail), status=429, content_type="text/plain; charset=utf-8"
    )
    wait = getattr(exc, "wait", None)  # set by Throttled (not in its stubs)
    if wait is not None:
        response["Retry-After"] = str(math.ceil(wait))
    return response


def bundle_mbox(request, username: str, bundlename: str):
    """Download a bundle's patches in bundle order; private ones to the owner only."""
    bundle = bundle_get(username, bundlename)
    if bundle is None:
        raise Http404("No such bundle.")
    if not bundle.public:
        try:
            user = _api_user(request)
        except Throttled as exc:
            return _too_many_requests(exc)
        if user is None or not can_view_bundle(user, bundle):
            raise Http404("No such bundle.")
    mails = (
        mbox.patch_to_mail(patch) for patch in bundle_mbox_patches(bundle_id=bundle.pk)
    )
    return _download(
        mbox.join_mails(mails),
        f"bundle-{bundle.pk}-{bundle.name}.mbox",
        "text/plain",
    )


def _redirect(request, path: str) -> HttpResponseRedirect:
    query = request.META.get("QUERY_STRING")
    return HttpResponseRedirect(f"{path}?{query}" if query else path)


def _patch_by_id(patch_id: int) -> Patch:
    patch = patch_get_by_id(patch_id)
    if patch is None:
        raise Http404("No such patch.")
    return patch


def patch_mbox_redirect(request, patch_id: int):
    return _redirect(request, links.patch_mbox_path(_patch_by_id(patch_id)))


def patch_raw_redirect(request, patch_id: int):
    return _redirect(request, links.patch_raw_path(_patch_by_id(patch_id)))


def cover_mbox_redirect(request, cover_id: int):
    cover = cover_get_by_id(cover_id)
    if cover is None:
        raise Http404("No such cover letter.")
    return _redirect(request, links.cover_mbox_path(cover))
