from django.http import Http404
from rest_framework import exceptions, generics

from apps.api.base import ApiViewMixin, signed_in_user
from apps.api.filters import CheckFilterSet
from apps.api.permissions import CanCreateCheck
from apps.api.serializers.checks import CheckSerializer
from apps.checks.selectors import check_list
from apps.checks.services import check_create
from apps.patches.models import Patch
from apps.patches.rules import can_create_check
from apps.patches.selectors import patch_with_submitter


class CheckViewMixin(ApiViewMixin):
    serializer_class = CheckSerializer
    permission_classes = (CanCreateCheck,)
    filterset_class = CheckFilterSet
    ordering_map = {
        "id": "id",
        "user": "user_id",
        "date": "date",
        "state": "state",
        "target_url": "target_url",
        "context": "context",
        "description": "description",
    }

    def get_patch(self) -> Patch:
        patch = getattr(self, "_patch", None)
        if patch is None:
            patch = patch_with_submitter(self.kwargs["patch_id"])
            if patch is None:
                raise Http404("No Patch matches the given query.")
            self._patch = patch
        return patch

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return check_list(patch_id=0)  # describing the route (OpenAPI)
        return check_list(patch_id=self.get_patch().pk)


class CheckListCreate(CheckViewMixin, generics.ListCreateAPIView):
    """
    get:
    List checks.

    post:
    Create a check.
    """  # noqa: D205 (upstream's text: the browsable API shows it)

    def create(self, request, *args, **kwargs):
        # Who may report is decided before the body is looked at; anonymous
        # callers get the "permission" message here, as upstream.
        if not can_create_check(request.user, self.get_patch()):
            raise exceptions.PermissionDenied()
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = serializer.validated_data
        # A ``user`` in the body is ignored: the check is the caller's
        # (upstream lets anyone file checks under another account; §7.9
        # Deviation).
        serializer.instance = check_create(
            patch=self.get_patch(),
            user=signed_in_user(self.request),
            state=data["state"],
            context=data.get("context", "default"),
            target_url=data.get("target_url"),
            description=data.get("description"),
        )


class CheckDetail(CheckViewMixin, generics.RetrieveAPIView):
    """Show a check."""

    lookup_url_kwarg = "check_id"
