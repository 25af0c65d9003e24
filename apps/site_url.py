"""The site's own ``scheme://host``, for links made outside a request."""

from django.conf import settings


def site_base_url() -> str:
    """Return ``SITE_BASE_URL``, else a guess from ``ALLOWED_HOSTS``.

    Mail digests and webhook payloads are built by background jobs, with no
    request to ask for the host.
    """
    if settings.SITE_BASE_URL:
        return settings.SITE_BASE_URL
    scheme = "https" if settings.FORCE_HTTPS_LINKS else "http"
    hosts = [h for h in settings.ALLOWED_HOSTS if h not in ("*", "") and h[0] != "."]
    return f"{scheme}://{hosts[0] if hosts else 'localhost'}"
