from rest_framework import exceptions, generics

from apps.api.base import ApiViewMixin, signed_in_user
from apps.api.filters import BundleFilterSet
from apps.api.permissions import CanEditBundle
from apps.api.serializers.bundles import BundleSerializer
from apps.bundles.exceptions import BundleError
from apps.bundles.selectors import bundle_list
from apps.bundles.services import bundle_create, bundle_delete, bundle_update


def _as_validation_error(exc: BundleError) -> exceptions.ValidationError:
    return exceptions.ValidationError({exc.field: [str(exc)]})


class BundleViewMixin(ApiViewMixin):
    serializer_class = BundleSerializer
    permission_classes = (CanEditBundle,)
    # Bundles became writable in API 1.2; before that every write is 405.
    writes_since = "1.2"

    def get_queryset(self):
        # Other users' private bundles do not exist for the caller (404).
        return bundle_list(viewer=self.request.user)


class BundleList(BundleViewMixin, generics.ListCreateAPIView):
    """List or create bundles."""

    filterset_class = BundleFilterSet
    search_fields = ("name",)
    ordering_map = {"id": "id", "name": "name", "owner": "owner_id"}

    def perform_create(self, serializer):
        data = serializer.validated_data
        try:
            bundle = bundle_create(
                owner=signed_in_user(self.request),
                name=data["name"],
                patches=data["patches"],
                public=data.get("public", False),
            )
        except BundleError as exc:
            raise _as_validation_error(exc) from None
        # Re-read with the list's joins so the response embeds cheaply.
        serializer.instance = self.get_queryset().get(pk=bundle.pk)


class BundleDetail(BundleViewMixin, generics.RetrieveUpdateDestroyAPIView):
    """
    get:
    Show a bundle.

    patch:
    Update a bundle.

    put:
    Update a bundle.

    delete:
    Delete a bundle.
    """  # noqa: D205 (upstream's text: the browsable API shows it)

    def perform_update(self, serializer):
        changes = {
            name: value
            for name, value in serializer.validated_data.items()
            if name in ("name", "public", "patches")
        }
        try:
            bundle_update(bundle=serializer.instance, **changes)
        except BundleError as exc:
            raise _as_validation_error(exc) from None
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_destroy(self, instance):
        bundle_delete(bundle=instance)
