from django.urls import path

from apps.xmlrpc.views import xmlrpc

urlpatterns = [
    path("xmlrpc/", xmlrpc, name="xmlrpc"),
    # pwclient's documented URL has no slash, and XML-RPC clients do not
    # follow the redirect a POST would get.
    path("xmlrpc", xmlrpc),
]
