from rest_framework import serializers

from apps.api.fields import ApiLinkField, WebLinkField
from apps.api.id_lists import IdListField
from apps.api.serializers.base import ApiSerializer
from apps.api.serializers.embedded import (
    EmbeddedPatchSerializer,
    EmbeddedProjectSerializer,
    EmbeddedUserSerializer,
)
from apps.bundles.models import Bundle
from apps.patches import links
from apps.patches.models import Patch


class BundlePatchesField(IdListField):
    """Patches written as ids in bundle order, shown embedded by date."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault(
            "child_relation",
            serializers.PrimaryKeyRelatedField(
                queryset=Patch.objects.only("id", "project_id")
            ),
        )
        kwargs.setdefault("style", {"base_template": "input.html"})
        super().__init__(**kwargs)

    def to_representation(self, patches):
        embedded = getattr(self, "_embedded", None)
        if embedded is None:
            embedded = EmbeddedPatchSerializer(context=self.context)
            self._embedded = embedded
        # ``patches`` is the (prefetched) queryset the field fetched.
        ordered = sorted(patches, key=lambda patch: (patch.date, patch.pk))
        return [embedded.to_representation(patch) for patch in ordered]


class BundleSerializer(ApiSerializer):
    url = ApiLinkField("api-bundle-detail")
    web_url = WebLinkField(links.bundle_web_path)
    project = EmbeddedProjectSerializer(read_only=True)
    owner = EmbeddedUserSerializer(read_only=True)
    patches = BundlePatchesField(error_messages={"empty": "Bundles cannot be empty"})
    mbox = WebLinkField(links.bundle_mbox_path)

    class Meta:
        model = Bundle
        fields = (
            "id",
            "url",
            "web_url",
            "project",
            "name",
            "owner",
            "patches",
            "public",
            "mbox",
        )
        fields_since = {"1.1": ("web_url",)}
        # The owner-and-name uniqueness is checked by the bundle service,
        # which knows the owner; no validator here.
        validators: list[object] = []
