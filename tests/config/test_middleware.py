import pytest


@pytest.mark.django_db
def test_absolute_form_request_target_is_routed(client, settings):
    """pwclient sends ``POST http://host/xmlrpc/``; the dev server passes it on."""
    settings.ENABLE_XMLRPC = True
    response = client.get("/", PATH_INFO="http://testserver/xmlrpc/")
    assert response.status_code == 200
    assert b"XML-RPC API" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["q=%00", "submitter=a%00b", "x%00=1", "q=1&q=%00"])
def test_a_nul_in_the_query_string_is_a_400(client, project, query):
    response = client.get(f"/project/{project.linkname}/list/?{query}")
    assert response.status_code == 400
    assert response.content == b"NUL characters are not allowed in the query string."


@pytest.mark.django_db
def test_an_encoded_percent_zero_zero_is_not_a_nul(client, project):
    response = client.get(f"/project/{project.linkname}/list/?q=%2500")
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_rest_api_answers_a_nul_with_an_empty_list(client):
    response = client.get("/api/patches/?q=%00")
    assert response.status_code == 200
    assert response.json() == []


def _policy(response) -> dict[str, list[str]]:
    directives = response["Content-Security-Policy"].split(";")
    return {d.split()[0]: d.split()[1:] for d in directives if d.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/user/login/", "/about/", "/admin/login/"])
def test_pages_allow_only_the_sites_own_scripts_and_styles(client, path):
    policy = _policy(client.get(path, follow=True))
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_the_browsable_api_allows_inline_styles_not_scripts(client):
    html = _policy(client.get("/api/", HTTP_ACCEPT="text/html"))
    assert html["script-src"] == ["'self'"]
    assert html["style-src"] == ["'self'", "'unsafe-inline'"]
    assert _policy(client.get("/api/"))["style-src"] == ["'self'"]
