from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.reverse import reverse

from apps.api.base import ApiViewMixin

RESOURCES = (
    ("projects", "api-project-list"),
    ("users", "api-user-list"),
    ("people", "api-person-list"),
    ("patches", "api-patch-list"),
    ("covers", "api-cover-list"),
    ("series", "api-series-list"),
    ("events", "api-event-list"),
    ("bundles", "api-bundle-list"),
)


class IndexSerializer(serializers.Serializer):
    """The list URL of each resource (describes the index in the OpenAPI file)."""

    projects = serializers.URLField()
    users = serializers.URLField()
    people = serializers.URLField()
    patches = serializers.URLField()
    covers = serializers.URLField()
    series = serializers.URLField()
    events = serializers.URLField()
    bundles = serializers.URLField()


class Index(ApiViewMixin, generics.GenericAPIView):
    # No docstring on purpose: the browsable API and OPTIONS show the view
    # description, which upstream leaves empty for the index.
    serializer_class = IndexSerializer
    pagination_class = None
    filter_backends = ()

    def get(self, request, *args, **kwargs):
        return Response(
            {key: reverse(name, request=request) for key, name in RESOURCES}
        )
