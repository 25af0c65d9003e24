from django.db import transaction
from rest_framework import exceptions, generics

from apps.api.base import ApiViewMixin, Conflict, signed_in_user
from apps.api.filters import PatchFilterSet
from apps.api.permissions import CanEditPatch
from apps.api.serializers.patches import PatchDetailSerializer, PatchSerializer
from apps.api.versioning import at_least
from apps.patches.exceptions import (
    DelegateNotMaintainer,
    RelationConflict,
    RelationForbidden,
)
from apps.patches.filters import patch_search_term
from apps.patches.selectors import patch_detail_queryset, patch_list
from apps.patches.services.relations import patch_set_related
from apps.patches.services.updates import patch_update


class PatchList(ApiViewMixin, generics.ListAPIView):
    """List patches."""

    serializer_class = PatchSerializer
    permission_classes = (CanEditPatch,)
    filterset_class = PatchFilterSet
    search_fields = ("name",)
    # How one ``q`` term matches a patch: the domain's rule, shared with the web.
    search_q = staticmethod(patch_search_term)
    ordering_map = {
        "id": "id",
        "name": "name",
        "project": "project__linkname",
        "date": "date",
        "state": "state__ordering",
        "archived": "archived",
        "submitter": "submitter_id",
        "check": "check_state",
    }

    def get_queryset(self):
        return patch_list()


class PatchDetail(ApiViewMixin, generics.RetrieveUpdateAPIView):
    """
    get:
    Show a patch.

    patch:
    Update a patch.

    put:
    Update a patch.
    """  # noqa: D205 (upstream's text: the browsable API shows it)

    serializer_class = PatchDetailSerializer
    permission_classes = (CanEditPatch,)

    def get_queryset(self):
        return patch_detail_queryset()

    def perform_update(self, serializer):
        changes = dict(serializer.validated_data)
        related = changes.pop("related", None)
        if related is None and not serializer.partial and at_least(self.request, "1.2"):
            # A PUT replaces everything writable, the relation included.
            related = []
        patch = serializer.instance
        actor = signed_in_user(self.request)
        try:
            with transaction.atomic():
                # Field validation (the delegate rule) comes before the
                # relation's permission and conflict checks, as upstream.
                patch_update(patch=patch, actor=actor, **changes)
                if related is not None:
                    patch_set_related(patch=patch, related=related, actor=actor)
        except DelegateNotMaintainer as exc:
            raise exceptions.ValidationError({"delegate": [str(exc)]}) from None
        except RelationForbidden as exc:
            raise exceptions.PermissionDenied(str(exc)) from None
        except RelationConflict as exc:
            raise Conflict(str(exc)) from None
