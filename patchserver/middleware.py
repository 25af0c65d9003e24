"""HTTP details the development server gets wrong."""

from urllib.parse import urlsplit


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
