"""The web pages (upstream Patchwork's URL layout; downloads live in download_urls)."""

from django.urls import path, re_path
from django.views.generic import RedirectView

from apps.web.views import (
    accounts,
    bundles,
    feeds,
    mail,
    misc,
    patches,
    people,
    projects,
    series,
    series_links,
    webhooks,
)

urlpatterns = [
    path("", projects.project_list, name="project-list"),
    path("project/<slug:project_id>/", projects.project_detail, name="project-detail"),
    path("project/<slug:project_id>/list/", patches.patch_list, name="patch-list"),
    path(
        "project/<slug:project_id>/series/",
        series.series_list,
        name="series-list",
    ),
    path("series/<int:series_id>/", series.series_detail, name="series-detail"),
    path(
        "series/<int:series_id>/previous-version/",
        series_links.series_version_link,
        name="series-version-link",
    ),
    path(
        "series/<int:series_id>/interdiff/<int:other_id>/",
        series.series_interdiff,
        name="series-interdiff",
    ),
    path(
        "project/<slug:project_id>/list/feed/",
        feeds.patch_list_feed,
        name="patch-list-feed",
    ),
    path(
        "project/<slug:project_id>/series/feed/",
        feeds.series_list_feed,
        name="series-list-feed",
    ),
    path("series/<int:series_id>/feed/", feeds.series_feed, name="series-feed"),
    path(
        "project/<slug:project_id>/bundles/",
        bundles.project_bundles,
        name="bundle-list",
    ),
    # A patch's msgid segment never holds a raw "/" (it is sent as %252F);
    # a cover's may, as upstream's route allows it.
    path(
        "project/<slug:project_id>/patch/<str:msgid>/",
        patches.patch_detail,
        name="patch-detail",
    ),
    path(
        "project/<slug:project_id>/cover/<path:msgid>/",
        patches.cover_detail,
        name="cover-detail",
    ),
    path(
        "project/<slug:project_id>/pwclientrc/",
        projects.pwclientrc,
        name="pwclientrc",
    ),
    path(
        "project/<slug:project_id>/webhooks/",
        webhooks.project_webhooks,
        name="project-webhooks",
    ),
    path("user/webhooks/", webhooks.user_webhooks, name="user-webhooks"),
    path("webhook/<int:hook_id>/", webhooks.webhook_detail, name="webhook-detail"),
    path("patch/<int:patch_id>/", misc.patch_by_id, name="patch-id-redirect"),
    path("cover/<int:cover_id>/", misc.cover_by_id, name="cover-id-redirect"),
    path("comment/<int:comment_id>/", misc.comment_by_id, name="comment-redirect"),
    path(
        "bundle/<str:username>/<str:bundlename>/",
        bundles.bundle_detail,
        name="bundle-detail",
    ),
    # Account pages.
    path("user/", people.profile, name="user-profile"),
    path("user/todo/", people.todo_overview, name="user-todos"),
    path("user/todo/<slug:project_id>/", people.todo_list, name="user-todo"),
    path("user/bundles/", bundles.user_bundles, name="user-bundles"),
    path("user/link/", people.link_address, name="user-link"),
    path("user/unlink/<int:person_id>/", people.unlink_address, name="user-unlink"),
    path("user/generate-token/", people.generate_token, name="generate_token"),
    path(
        "user/bundle/<int:bundle_id>/",
        bundles.bundle_legacy_redirect,
        name="bundle-redir",
    ),
    path(
        "user/bundle/<int:bundle_id>/mbox/",
        bundles.bundle_mbox_legacy_redirect,
        name="bundle-mbox-redir",
    ),
    path(
        "user/password-change/",
        accounts.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "user/password-change/done/",
        accounts.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "user/password-reset/",
        accounts.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "user/password-reset/mail-sent/",
        accounts.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "user/password-reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("user/login/", accounts.LoginView.as_view(), name="auth_login"),
    path("user/logout/", accounts.LogoutView.as_view(), name="auth_logout"),
    path("register/", accounts.register, name="user-register"),
    re_path(r"^confirm/(?P<key>[0-9a-f]+)/$", accounts.confirm, name="confirm"),
    # Mail settings.
    path("mail/", mail.settings_page, name="mail-settings"),
    path("mail/optout/", mail.optout, name="mail-optout"),
    path("mail/optin/", mail.optin, name="mail-optin"),
    # Autocomplete.
    path("submitter/", misc.submitters, name="api-submitters"),
    path("delegate/", misc.delegates, name="api-delegates"),
    path("about/", misc.about, name="about"),
    path("help/search/", misc.search_help, name="search-help"),
    *(
        path(old, RedirectView.as_view(url="/about/", permanent=True), name=name)
        for old, name in (
            ("help/", "help"),
            ("help/about/", "help-about"),
            ("help/pwclient/", "help-pwclient"),
        )
    ),
]
