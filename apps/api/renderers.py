"""The browsable API's HTML pages, under the site's Content-Security-Policy.

Django REST framework's templates carry style attributes and a ``<style>``
block (code colouring), never inline script: its pages keep the site's
policy with inline styles allowed, and no script but the site's files.
"""

from django.conf import settings
from django.utils.csp import CSP
from rest_framework import renderers


def browsable_api_policy() -> dict[str, object]:
    policy: dict[str, object] = dict(settings.SECURE_CSP)
    policy["style-src"] = [CSP.SELF, CSP.UNSAFE_INLINE]
    return policy


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        html = super().render(data, accepted_media_type, renderer_context)
        response = (renderer_context or {}).get("response")
        if response is not None and settings.SECURE_CSP:
            # Read by django.middleware.csp in place of SECURE_CSP.
            response._csp_config = browsable_api_policy()
        return html


class PlainTextRenderer(renderers.BaseRenderer):
    """Text answers (the interdiff); an error's ``detail`` is sent as its text."""

    media_type = "text/plain"
    format = "txt"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict):
            data = "\n".join(f"{value}" for value in data.values()) + "\n"
        return str(data).encode(self.charset)
