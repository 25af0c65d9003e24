"""Values every page's chrome (navigation bar, footer) needs."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from apps.patches.selectors import todo_count
from apps.web.version import VERSION


def site_chrome(request) -> dict:
    """Add the todo badge count, the feature switches and the version.

    The todo count is lazy so pages that never show the navigation bar
    (downloads, JSON) do not pay its query.
    """
    user = getattr(request, "user", None)
    context = {
        "patchserver_version": VERSION,
        "rest_api_enabled": settings.ENABLE_REST_API,
        "xmlrpc_enabled": settings.ENABLE_XMLRPC,
    }
    if user is not None and user.is_authenticated:
        context["todo_total"] = SimpleLazyObject(lambda: todo_count(user))
    return context
