from rest_framework import serializers

from apps.api.fields import (
    BOOLEAN,
    URIS,
    ApiLinkField,
    ComputedField,
    UtcDateTimeField,
    WebLinkField,
    url_builder,
)
from apps.api.serializers.base import ApiSerializer
from apps.api.serializers.embedded import (
    EmbeddedCoverSerializer,
    EmbeddedPatchSerializer,
    EmbeddedPersonSerializer,
    EmbeddedProjectSerializer,
)
from apps.api.versioning import at_least
from apps.patches import links
from apps.patches.models import Series


class SeriesSerializer(ApiSerializer):
    """A series; ``dependencies``/``dependents`` only where the project tracks them."""

    url = ApiLinkField("api-series-detail")
    web_url = WebLinkField(links.series_web_path)
    project = EmbeddedProjectSerializer(read_only=True)
    date = UtcDateTimeField()
    submitter = EmbeddedPersonSerializer(read_only=True)
    received_total = serializers.IntegerField(read_only=True)
    received_all = ComputedField(
        lambda series: series.total <= series.received_total, BOOLEAN
    )
    mbox = WebLinkField(links.series_mbox_path)
    cover_letter = EmbeddedCoverSerializer(read_only=True, allow_null=True)
    # What attach_series_members (apps.patches.selectors) set on the series.
    patches = EmbeddedPatchSerializer(
        many=True, read_only=True, source="member_patches"
    )
    dependencies = ComputedField(lambda series: series.dependency_ids, URIS)
    dependents = ComputedField(lambda series: series.dependent_ids, URIS)

    class Meta:
        model = Series
        fields = (
            "id",
            "url",
            "web_url",
            "project",
            "name",
            "date",
            "submitter",
            "version",
            "total",
            "received_total",
            "received_all",
            "mbox",
            "cover_letter",
            "patches",
            "dependencies",
            "dependents",
        )
        read_only_fields = fields
        fields_since = {"1.1": ("web_url",), "1.4": ("dependencies", "dependents")}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if "dependencies" in data:
            if instance.project.show_dependencies and at_least(
                self.context.get("request"), "1.4"
            ):
                build = url_builder(
                    self.context["request"], "api-series-detail", ("pk",)
                )
                for key in ("dependencies", "dependents"):
                    data[key] = [build(pk) for pk in data[key]]
            else:
                del data["dependencies"]
                del data["dependents"]
        return data
