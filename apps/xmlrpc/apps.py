from django.apps import AppConfig


class XmlrpcConfig(AppConfig):
    name = "apps.xmlrpc"
    label = "xmlrpc"
    verbose_name = "XML-RPC interface"
