from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

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


class Index(ApiViewMixin, APIView):
    # No docstring on purpose: the browsable API and OPTIONS show the view
    # description, which upstream leaves empty for the index.

    def get(self, request, *args, **kwargs):
        return Response(
            {key: reverse(name, request=request) for key, name in RESOURCES}
        )
