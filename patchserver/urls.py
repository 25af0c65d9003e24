from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    # mbox and diff downloads (linked from the API's ``mbox`` fields).
    path("", include("apps.web.download_urls")),
    path("", include("apps.web.urls")),
    path("", include("apps.xmlrpc.urls")),
]

if settings.ENABLE_REST_API:
    urlpatterns.append(path("api/", include("apps.api.urls")))
