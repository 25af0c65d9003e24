from rest_framework import serializers

from apps.api.fields import ApiLinkField
from apps.api.serializers.base import ApiSerializer
from apps.api.serializers.embedded import EmbeddedUserSerializer
from apps.projects.models import Project

# Fields a project's maintainers may change through the API.
WRITABLE_FIELDS = (
    "web_url",
    "scm_url",
    "webscm_url",
    "list_archive_url",
    "list_archive_url_format",
    "commit_url_format",
    "show_dependencies",
    "supersede_old_versions",
    "cover_tags",
)


class ProjectSerializer(ApiSerializer):
    url = ApiLinkField("api-project-detail")
    link_name = serializers.CharField(source="linkname", read_only=True)
    list_id = serializers.CharField(source="listid", read_only=True)
    list_email = serializers.CharField(source="listemail", read_only=True)
    maintainers = EmbeddedUserSerializer(many=True, read_only=True)

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
            "maintainers",
            "subject_match",
            "list_archive_url",
            "list_archive_url_format",
            "commit_url_format",
            "show_dependencies",
            "supersede_old_versions",
            "cover_tags",
        )
        read_only_fields = ("name", "subject_match")
        fields_since = {
            "1.1": ("subject_match",),
            "1.2": ("list_archive_url", "list_archive_url_format", "commit_url_format"),
            "1.4": ("show_dependencies",),
            "1.5": ("supersede_old_versions", "cover_tags"),
        }
