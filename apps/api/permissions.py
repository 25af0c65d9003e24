"""Permission classes: thin adapters over the domain rules modules.

The rules themselves live in ``apps.patches.rules`` and ``apps.bundles.rules``
(shared with the web UI); these classes only map HTTP methods onto them.
"""

from rest_framework import permissions

from apps.bundles import rules as bundle_rules
from apps.patches import rules as patch_rules

SAFE = permissions.SAFE_METHODS


class ReadAnyoneWriteNobody(permissions.BasePermission):
    """Read-only resources (covers, series, events, ...)."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE


class IsAuthenticated(permissions.IsAuthenticated):
    """Users and people: any account may read (anonymous callers get 403)."""


class IsProjectMaintainer(permissions.BasePermission):
    """Anyone reads a project; its maintainers update it."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE or request.user.is_authenticated

    def has_object_permission(self, request, view, obj) -> bool:
        return request.method in SAFE or patch_rules.is_maintainer(request.user, obj.pk)


class IsSelf(permissions.BasePermission):
    """Accounts are readable by users; only the account itself may change it."""

    def has_permission(self, request, view) -> bool:
        return request.user.is_authenticated

    def has_object_permission(self, request, view, obj) -> bool:
        return request.method in SAFE or obj.pk == request.user.pk


class CanEditPatch(permissions.BasePermission):
    """Anyone reads; submitter's user, delegate and maintainers update."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE or request.user.is_authenticated

    def has_object_permission(self, request, view, obj) -> bool:
        return request.method in SAFE or patch_rules.can_edit_patch(request.user, obj)


class CanEditPatchComment(CanEditPatch):
    def has_object_permission(self, request, view, obj) -> bool:
        return request.method in SAFE or patch_rules.can_edit_patch_comment(
            request.user, obj
        )


class CanEditCoverComment(CanEditPatch):
    def has_object_permission(self, request, view, obj) -> bool:
        return request.method in SAFE or patch_rules.can_edit_cover_comment(
            request.user, obj
        )


class CanUpdateSeries(permissions.BasePermission):
    """Anyone reads a series; a change is checked per patch by the services.

    ``apps.patches.services.series_updates`` applies ``can_edit_patch`` to
    every patch of the series, and the view asks ``can_link_versions`` for
    a version link, so signed-in callers get through here.
    """

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE or request.user.is_authenticated


class CanCreateCheck(permissions.BasePermission):
    """Anyone reads checks; who may report one is decided per patch on create.

    The rule needs the patch, so ``has_permission`` lets every caller through
    (OPTIONS then shows the POST form, as upstream) and the view asks
    ``can_create_check`` before saving. Anonymous callers get the
    "permission" message there, not the "credentials" one, as upstream.
    """

    def has_permission(self, request, view) -> bool:
        return True


class CanEditBundle(permissions.BasePermission):
    """Public bundles are readable by anyone; the owner alone changes one.

    Private bundles of other users are filtered out of the queryset, so
    they are 404 on every method.
    """

    def has_permission(self, request, view) -> bool:
        # On a bundle's own route the lookup comes first, so that someone
        # else's private bundle is 404 for every caller, anonymous included.
        detail = "pk" in view.kwargs
        return detail or request.method in SAFE or request.user.is_authenticated

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE:
            return bundle_rules.can_view_bundle(request.user, obj)
        return bundle_rules.can_edit_bundle(request.user, obj)
