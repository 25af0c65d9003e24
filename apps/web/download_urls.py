"""Download routes; the paths are the ones ``apps.patches.links`` builds."""

from django.urls import path

from apps.web.views import downloads

urlpatterns = [
    path(
        "project/<str:linkname>/patch/<str:msgid>/mbox/",
        downloads.patch_mbox,
        name="patch-mbox",
    ),
    path(
        "project/<str:linkname>/patch/<str:msgid>/raw/",
        downloads.patch_raw,
        name="patch-raw",
    ),
    path(
        "project/<str:linkname>/cover/<str:msgid>/mbox/",
        downloads.cover_mbox,
        name="cover-mbox",
    ),
    path("series/<int:series_id>/mbox/", downloads.series_mbox, name="series-mbox"),
    path(
        "bundle/<str:username>/<path:bundlename>/mbox/",
        downloads.bundle_mbox,
        name="bundle-mbox",
    ),
    path(
        "patch/<int:patch_id>/mbox/",
        downloads.patch_mbox_redirect,
        name="patch-mbox-redirect",
    ),
    path(
        "patch/<int:patch_id>/raw/",
        downloads.patch_raw_redirect,
        name="patch-raw-redirect",
    ),
    path(
        "cover/<int:cover_id>/mbox/",
        downloads.cover_mbox_redirect,
        name="cover-mbox-redirect",
    ),
]
