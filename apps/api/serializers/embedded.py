"""Compact forms of objects nested inside other resources (rest-api.md §8)."""

from apps.api.fields import (
    CHECK_STATE,
    NULLABLE_URI,
    STRING,
    ApiLinkField,
    ComputedField,
    UtcDateTimeField,
    WebLinkField,
)
from apps.api.serializers.base import ApiSerializer, MemoizedSerializer
from apps.checks.models import Check
from apps.patches import links
from apps.patches.models import Cover, CoverComment, Patch, PatchComment, Series
from apps.people.models import Person, User
from apps.projects.models import Project


def archive_url(submission_or_comment, project) -> str | None:
    return links.list_archive_url(project, submission_or_comment.msgid)


class EmbeddedProjectSerializer(MemoizedSerializer):
    url = ApiLinkField("api-project-detail")
    link_name = ComputedField(lambda project: project.linkname, STRING)
    list_id = ComputedField(lambda project: project.listid, STRING)
    list_email = ComputedField(lambda project: project.listemail, STRING)

    class Meta:
        model = Project
        fields = (
            "id",
            "url",
            "name",
            "link_name",
            "list_id",
            "list_email",
            "web_url",
            "scm_url",
            "webscm_url",
            "list_archive_url",
            "list_archive_url_format",
            "commit_url_format",
        )
        read_only_fields = fields
        fields_since = {
            "1.2": ("list_archive_url", "list_archive_url_format", "commit_url_format")
        }


class EmbeddedPersonSerializer(MemoizedSerializer):
    url = ApiLinkField("api-person-detail")

    class Meta:
        model = Person
        fields = ("id", "url", "name", "email")
        read_only_fields = fields


class EmbeddedUserSerializer(MemoizedSerializer):
    url = ApiLinkField("api-user-detail")

    class Meta:
        model = User
        fields = ("id", "url", "username", "first_name", "last_name", "email")
        read_only_fields = fields


class EmbeddedSeriesSerializer(MemoizedSerializer):
    url = ApiLinkField("api-series-detail")
    web_url = WebLinkField(links.series_web_path)
    date = UtcDateTimeField()
    mbox = WebLinkField(links.series_mbox_path)

    class Meta:
        model = Series
        fields = ("id", "url", "web_url", "date", "name", "version", "mbox")
        read_only_fields = fields
        fields_since = {"1.1": ("web_url",)}


class EmbeddedPatchSerializer(ApiSerializer):
    url = ApiLinkField("api-patch-detail")
    web_url = WebLinkField(links.patch_web_path)
    list_archive_url = ComputedField(
        lambda patch: archive_url(patch, patch.project), NULLABLE_URI
    )
    date = UtcDateTimeField()
    mbox = WebLinkField(links.patch_mbox_path)

    class Meta:
        model = Patch
        fields = (
            "id",
            "url",
            "web_url",
            "msgid",
            "list_archive_url",
            "date",
            "name",
            "mbox",
        )
        read_only_fields = fields
        fields_since = {"1.1": ("web_url",), "1.2": ("list_archive_url",)}


class EmbeddedCoverSerializer(ApiSerializer):
    url = ApiLinkField("api-cover-detail")
    web_url = WebLinkField(links.cover_web_path)
    list_archive_url = ComputedField(
        lambda cover: archive_url(cover, cover.project), NULLABLE_URI
    )
    date = UtcDateTimeField()
    mbox = WebLinkField(links.cover_mbox_path)

    class Meta:
        model = Cover
        fields = (
            "id",
            "url",
            "web_url",
            "msgid",
            "list_archive_url",
            "date",
            "name",
            "mbox",
        )
        read_only_fields = fields
        fields_since = {"1.1": ("web_url", "mbox"), "1.2": ("list_archive_url",)}


class EmbeddedPatchCommentSerializer(ApiSerializer):
    """A patch comment inside an event; its project is the patch's."""

    url = ApiLinkField(
        "api-patch-comment-detail", (("patch_id", "patch_id"), ("comment_id", "pk"))
    )
    web_url = WebLinkField(links.comment_web_path)
    list_archive_url = ComputedField(
        lambda comment: archive_url(comment, comment.patch.project), NULLABLE_URI
    )
    date = UtcDateTimeField()

    class Meta:
        model: type[PatchComment | CoverComment] = PatchComment
        fields = ("id", "url", "web_url", "msgid", "list_archive_url", "date")
        read_only_fields = fields
        fields_since = {
            "1.1": ("web_url",),
            "1.2": ("list_archive_url",),
            "1.3": ("url",),
        }


class EmbeddedCoverCommentSerializer(EmbeddedPatchCommentSerializer):
    url = ApiLinkField(
        "api-cover-comment-detail", (("cover_id", "cover_id"), ("comment_id", "pk"))
    )
    list_archive_url = ComputedField(
        lambda comment: archive_url(comment, comment.cover.project), NULLABLE_URI
    )

    class Meta(EmbeddedPatchCommentSerializer.Meta):
        model = CoverComment


class EmbeddedCheckSerializer(ApiSerializer):
    url = ApiLinkField(
        "api-check-detail", (("patch_id", "patch_id"), ("check_id", "pk"))
    )
    date = UtcDateTimeField()
    state = ComputedField(lambda check: check.get_state_display(), CHECK_STATE)

    class Meta:
        model = Check
        fields = ("id", "url", "date", "state", "target_url", "context")
        read_only_fields = fields
