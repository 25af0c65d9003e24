from apps.api.fields import (
    HEADERS,
    NULLABLE_URI,
    STRING,
    ApiLinkField,
    ComputedField,
    UtcDateTimeField,
    WebLinkField,
)
from apps.api.headers import header_value, headers_object
from apps.api.serializers.base import ApiSerializer
from apps.api.serializers.embedded import EmbeddedPersonSerializer, archive_url
from apps.patches import links
from apps.patches.models import CoverComment, PatchComment


def subject_of(comment) -> str:
    return header_value(comment.headers, "Subject") or ""


class PatchCommentSerializer(ApiSerializer):
    url = ApiLinkField(
        "api-patch-comment-detail", (("patch_id", "patch_id"), ("comment_id", "pk"))
    )
    web_url = WebLinkField(links.comment_web_path)
    list_archive_url = ComputedField(
        lambda comment: archive_url(comment, comment.patch.project), NULLABLE_URI
    )
    date = UtcDateTimeField()
    subject = ComputedField(subject_of, STRING)
    submitter = EmbeddedPersonSerializer(read_only=True)
    headers = ComputedField(lambda comment: headers_object(comment.headers), HEADERS)

    class Meta:
        model: type[PatchComment | CoverComment] = PatchComment
        fields = (
            "id",
            "url",
            "web_url",
            "msgid",
            "list_archive_url",
            "date",
            "subject",
            "submitter",
            "content",
            "headers",
            "addressed",
        )
        read_only_fields = ("msgid", "content")
        fields_since = {"1.2": ("list_archive_url",), "1.3": ("url", "addressed")}


class CoverCommentSerializer(PatchCommentSerializer):
    url = ApiLinkField(
        "api-cover-comment-detail", (("cover_id", "cover_id"), ("comment_id", "pk"))
    )
    list_archive_url = ComputedField(
        lambda comment: archive_url(comment, comment.cover.project), NULLABLE_URI
    )

    class Meta(PatchCommentSerializer.Meta):
        model = CoverComment
