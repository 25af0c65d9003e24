"""Routes of the REST API, included at ``api/``.

Every route exists unversioned and under each version from the one that
introduced it (``/api/1.1/patches/1/comments/``); the version regex is the
allow-list, so an unknown version or an older one than the route matches
nothing and gets the site's ordinary 404 page.
"""

from django.urls import re_path

from apps.api.schema import schema_view
from apps.api.versioning import version_pattern
from apps.api.views.bundles import BundleDetail, BundleList
from apps.api.views.checks import CheckDetail, CheckListCreate
from apps.api.views.comments import (
    CoverCommentDetail,
    CoverCommentList,
    PatchCommentDetail,
    PatchCommentList,
)
from apps.api.views.events import EventList
from apps.api.views.index import Index
from apps.api.views.interdiff import SeriesInterdiff
from apps.api.views.patches import PatchDetail, PatchList
from apps.api.views.people import PersonDetail, PersonList, UserDetail, UserList
from apps.api.views.projects import ProjectDetail, ProjectList
from apps.api.views.submissions import CoverDetail, CoverList, SeriesDetail, SeriesList
from apps.api.views.webhooks import WebhookDetail, WebhookList


def route(path: str, view, name: str):
    """Route ``path`` in every version from the view's ``available_since`` on."""
    since = getattr(view, "available_since", "1.0")
    return re_path(version_pattern(since) + path + "$", view.as_view(), name=name)


urlpatterns = [
    route("", Index, "api-index"),
    route(r"projects/", ProjectList, "api-project-list"),
    route(r"projects/(?P<pk>[^/]+)/", ProjectDetail, "api-project-detail"),
    route(r"users/", UserList, "api-user-list"),
    route(r"users/(?P<pk>\d+)/", UserDetail, "api-user-detail"),
    route(r"people/", PersonList, "api-person-list"),
    route(r"people/(?P<pk>\d+)/", PersonDetail, "api-person-detail"),
    route(r"patches/", PatchList, "api-patch-list"),
    route(r"patches/(?P<pk>\d+)/", PatchDetail, "api-patch-detail"),
    route(r"patches/(?P<patch_id>\d+)/checks/", CheckListCreate, "api-check-list"),
    route(
        r"patches/(?P<patch_id>\d+)/checks/(?P<check_id>\d+)/",
        CheckDetail,
        "api-check-detail",
    ),
    route(
        r"patches/(?P<patch_id>\d+)/comments/",
        PatchCommentList,
        "api-patch-comment-list",
    ),
    route(
        r"patches/(?P<patch_id>\d+)/comments/(?P<comment_id>\d+)/",
        PatchCommentDetail,
        "api-patch-comment-detail",
    ),
    route(r"covers/", CoverList, "api-cover-list"),
    route(r"covers/(?P<pk>\d+)/", CoverDetail, "api-cover-detail"),
    route(
        r"covers/(?P<cover_id>\d+)/comments/",
        CoverCommentList,
        "api-cover-comment-list",
    ),
    route(
        r"covers/(?P<cover_id>\d+)/comments/(?P<comment_id>\d+)/",
        CoverCommentDetail,
        "api-cover-comment-detail",
    ),
    route(r"series/", SeriesList, "api-series-list"),
    route(r"series/(?P<pk>\d+)/", SeriesDetail, "api-series-detail"),
    route(r"series/(?P<pk>\d+)/interdiff/", SeriesInterdiff, "api-series-interdiff"),
    route(r"bundles/", BundleList, "api-bundle-list"),
    route(r"bundles/(?P<pk>\d+)/", BundleDetail, "api-bundle-detail"),
    route(r"events/", EventList, "api-event-list"),
    route(r"webhooks/", WebhookList, "api-webhook-list"),
    route(r"webhooks/(?P<pk>\d+)/", WebhookDetail, "api-webhook-detail"),
    # Our own API described as OpenAPI (not one of upstream's routes).
    re_path(r"^schema/$", schema_view, name="api-schema"),
]
