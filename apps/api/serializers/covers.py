from apps.api.fields import (
    HEADERS,
    NULLABLE_URI,
    ApiLinkField,
    ComputedField,
    UtcDateTimeField,
    WebLinkField,
)
from apps.api.headers import headers_object
from apps.api.serializers.base import ApiSerializer
from apps.api.serializers.embedded import (
    EmbeddedPersonSerializer,
    EmbeddedProjectSerializer,
    archive_url,
)
from apps.api.serializers.patches import SeriesListField
from apps.patches import links
from apps.patches.models import Cover, Series


def series_of_cover(cover):
    try:
        return cover.series
    except Series.DoesNotExist:
        return None


class CoverSerializer(ApiSerializer):
    url = ApiLinkField("api-cover-detail")
    web_url = WebLinkField(links.cover_web_path)
    project = EmbeddedProjectSerializer(read_only=True)
    list_archive_url = ComputedField(
        lambda cover: archive_url(cover, cover.project), NULLABLE_URI
    )
    date = UtcDateTimeField()
    submitter = EmbeddedPersonSerializer(read_only=True)
    mbox = WebLinkField(links.cover_mbox_path)
    series = SeriesListField(series_of_cover)
    comments = ApiLinkField(
        "api-cover-comment-list", (("cover_id", "pk"),), versioned=False
    )

    class Meta:
        model = Cover
        fields: tuple[str, ...] = (
            "id",
            "url",
            "web_url",
            "project",
            "msgid",
            "list_archive_url",
            "date",
            "name",
            "submitter",
            "mbox",
            "series",
            "comments",
        )
        read_only_fields: tuple[str, ...] = fields
        fields_since = {
            "1.1": ("web_url", "mbox", "comments"),
            "1.2": ("list_archive_url",),
        }


class CoverDetailSerializer(CoverSerializer):
    headers = ComputedField(lambda cover: headers_object(cover.headers), HEADERS)

    class Meta(CoverSerializer.Meta):
        fields = (*CoverSerializer.Meta.fields, "headers", "content")
        read_only_fields = fields
