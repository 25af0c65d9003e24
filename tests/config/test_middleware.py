import pytest


@pytest.mark.django_db
def test_absolute_form_request_target_is_routed(client, settings):
    """pwclient sends ``POST http://host/xmlrpc/``; the dev server passes it on."""
    settings.ENABLE_XMLRPC = True
    response = client.get("/", PATH_INFO="http://testserver/xmlrpc/")
    assert response.status_code == 200
    assert b"XML-RPC API" in response.content
