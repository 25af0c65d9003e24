from django.http import Http404
from rest_framework import generics

from apps.api.base import ApiViewMixin
from apps.api.permissions import IsProjectMaintainer
from apps.api.serializers.projects import WRITABLE_FIELDS, ProjectSerializer
from apps.projects.models import Project
from apps.projects.selectors import project_by_id_or_linkname, project_list
from apps.projects.services import project_update


class ProjectList(ApiViewMixin, generics.ListAPIView):
    """List projects."""

    serializer_class = ProjectSerializer
    permission_classes = (IsProjectMaintainer,)
    # Upstream names fields that do not exist and crashes; search what the
    # names mean (rest-api.md §6.3 Deviation).
    search_fields = (
        "linkname",
        "listid",
        "listemail",
        "web_url",
        "scm_url",
        "webscm_url",
        "list_archive_url",
        "list_archive_url_format",
        "commit_url_format",
    )
    ordering_map = {
        "id": "id",
        "name": "name",
        "link_name": "linkname",
        "list_id": "listid",
    }

    def get_queryset(self):
        return project_list()


class ProjectDetail(ApiViewMixin, generics.RetrieveUpdateAPIView):
    """
    get:
    Show a project.

    patch:
    Update a project.

    put:
    Update a project.
    """  # noqa: D205 (upstream's text: the browsable API shows it)

    serializer_class = ProjectSerializer
    permission_classes = (IsProjectMaintainer,)

    def get_queryset(self):
        return project_list()

    def get_object(self):
        try:
            project = project_by_id_or_linkname(self.get_queryset(), self.kwargs["pk"])
        except Project.DoesNotExist:
            raise Http404("No Project matches the given query.") from None
        self.check_object_permissions(self.request, project)
        return project

    def perform_update(self, serializer):
        fields = {
            name: value
            for name, value in serializer.validated_data.items()
            if name in WRITABLE_FIELDS
        }
        project_update(project=serializer.instance, **fields)
