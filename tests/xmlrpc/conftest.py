import base64
import xmlrpc.client

import pytest
from django.test import Client


class DjangoTransport(xmlrpc.client.Transport):
    """Carry XML-RPC calls through Django's test client."""

    def __init__(self, auth: tuple[str, str] | None = None):
        super().__init__(use_builtin_types=True)
        self.client = Client()
        self.auth = auth

    def request(self, host, handler, request_body, verbose=False):
        headers = {}
        if self.auth:
            token = base64.b64encode(":".join(self.auth).encode()).decode()
            headers["HTTP_AUTHORIZATION"] = f"Basic {token}"
        response = self.client.post(
            handler, request_body, content_type="text/xml", **headers
        )
        assert response.status_code == 200, response.status_code
        parser, unmarshaller = self.getparser()
        parser.feed(response.content)
        parser.close()
        return unmarshaller.close()


@pytest.fixture(autouse=True)
def _enable_xmlrpc(settings):
    settings.ENABLE_XMLRPC = True


@pytest.fixture
def rpc(db):
    """Return a proxy; ``rpc(auth=(user, password))`` for authenticated calls."""

    def make(auth=None, path="/xmlrpc/"):
        return xmlrpc.client.ServerProxy(
            f"http://testserver{path}",
            transport=DjangoTransport(auth),
            use_builtin_types=True,
            # pwclient sends None for an omitted search string.
            allow_none=True,
        )

    return make
