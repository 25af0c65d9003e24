"""HTTP details the development server gets wrong, and query strings no view can use."""

from urllib.parse import urlsplit

from django.http import HttpResponseBadRequest


def absolute_form_request_target(get_response):
    """Route requests whose target is a full URL (``POST http://host/x/``).

    HTTP/1.1 servers must accept that form, and pwclient's XML-RPC transport
    sends it, but Django's development server passes the whole URL on as the
    path. Production servers (gunicorn) already parse it; this makes
    ``make run`` and the live test server agree with them.
    """

    def middleware(request):
        path = request.path_info
        if not path.startswith("/") and "://" in path:
            parts = urlsplit(path)
            request.path_info = parts.path or "/"
            request.path = request.META["SCRIPT_NAME"].rstrip("/") + request.path_info
        return get_response(request)

    return middleware


def refuse_nul_in_query(get_response):
    """Answer 400 to a query string holding a NUL character (``%00``).

    No stored text contains one, and PostgreSQL refuses it in any query
    parameter: passed on to a lookup it would be a server error. Form and
    JSON fields are checked by their fields' validators. The REST API keeps
    its own answer, an empty list (``apps.api.filters.FilterBackend``).
    """

    def middleware(request):
        query = request.META.get("QUERY_STRING", "")
        if (
            "%00" in query
            and not request.path_info.startswith("/api/")
            and any(
                "\x00" in key or any("\x00" in value for value in values)
                for key, values in request.GET.lists()
            )
        ):
            return HttpResponseBadRequest(
                "NUL characters are not allowed in the query string.",
                content_type="text/plain; charset=utf-8",
            )
        return get_response(request)

    return middleware
