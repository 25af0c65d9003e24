from rest_framework import serializers

from apps.api.fields import (
    BOOLEAN,
    NULLABLE_STRING,
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
    EmbeddedSeriesSerializer,
)
from apps.api.serializers.patches import DelegateField, StateField
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
    # What attach_series_versions (apps.patches.selectors) set (API 1.5).
    previous_version = EmbeddedSeriesSerializer(
        read_only=True, allow_null=True, source="previous_version_row"
    )
    next_version = EmbeddedSeriesSerializer(
        read_only=True, allow_null=True, source="next_version_row"
    )
    versions = EmbeddedSeriesSerializer(many=True, read_only=True)
    state = ComputedField(lambda series: series.state.label, NULLABLE_STRING)

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
            "previous_version",
            "next_version",
            "versions",
            "state",
        )
        read_only_fields = fields
        fields_since = {
            "1.1": ("web_url",),
            "1.4": ("dependencies", "dependents"),
            "1.5": ("previous_version", "next_version", "versions", "state"),
        }

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


class SeriesUpdateSerializer(serializers.Serializer):
    """What PATCH /api/1.5/series/<id>/ changes (every field optional).

    state, delegate and archived go to every patch of the
    series; previous_version (a series id, or null for none) replaces
    the version link and keeps it from automatic relinking.
    """

    state = StateField(required=False)
    delegate = DelegateField(required=False)
    archived = serializers.BooleanField(required=False)
    previous_version = serializers.PrimaryKeyRelatedField(
        queryset=Series.objects.only("id", "project_id", "previous_version_id"),
        allow_null=True,
        required=False,
    )

    def to_representation(self, instance):
        # The browsable API's form starts empty: every field is optional,
        # and a series' state is not one to send back.
        return {}
