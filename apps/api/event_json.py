"""One event exactly as ``/api/events/`` shows it, for webhook deliveries.

Provided to the webhooks app through its port (``apps.webhooks.payload``)
from ``ApiConfig.ready()``.
"""

from urllib.parse import urlsplit

from django.test import RequestFactory
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.versioning import URLPathVersioning

from apps.api.serializers.events import EventSerializer
from apps.events.selectors import event_list
from apps.site_url import site_base_url


def _api_request() -> Request:
    """Return a request for the unversioned events list, as from the site's URL.

    The serializer builds its links from the request, and a job has none.
    """
    site = urlsplit(site_base_url())
    request = Request(
        RequestFactory().get(
            "/api/events/",
            HTTP_HOST=site.netloc,
            secure=site.scheme == "https",
        )
    )
    request.version = None
    request.versioning_scheme = URLPathVersioning()
    return request


def event_body(event_id: int) -> bytes | None:
    """Return the event's JSON, or None when it no longer exists."""
    event = event_list().filter(id=event_id).first()
    if event is None:
        return None
    data = EventSerializer(event, context={"request": _api_request()}).data
    return JSONRenderer().render(data)
