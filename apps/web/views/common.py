"""Small helpers shared by the page views."""

from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.http import Http404

from apps.projects.models import Project
from apps.projects.selectors import project_by_linkname


def project_or_404(linkname: str) -> Project:
    project = project_by_linkname(linkname)
    if project is None:
        raise Http404("No such project.")
    return project


def site_base_url(request) -> str:
    """Return ``scheme://host`` for links that leave the browser (mail, pwclientrc).

    ``SITE_BASE_URL`` when set; otherwise the host is the Sites framework's
    domain when that app is installed, else the request's host (validated
    against ``ALLOWED_HOSTS``), as Django's own password-reset mails do.
    ``FORCE_HTTPS_LINKS`` forces https.
    """
    if settings.SITE_BASE_URL:
        return settings.SITE_BASE_URL
    secure = settings.FORCE_HTTPS_LINKS or request.is_secure()
    scheme = "https" if secure else "http"
    return f"{scheme}://{get_current_site(request).domain}"
