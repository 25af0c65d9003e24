"""The mirror's HTTP client against a server that misbehaves."""

import http.server
import json
import threading

import pytest

from apps.importer.api_client import ApiClient, MirrorFailed


class Handler(http.server.BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
    seen: list[str] = []

    def do_GET(self):
        self.seen.append(self.path)
        status, headers, body = self.routes.get(self.path.split("?")[0], (404, {}, b""))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    Handler.routes, Handler.seen = {}, []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def answer(path: str, body, status: int = 200, **headers: str) -> None:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    Handler.routes[path] = (
        status,
        {"Content-Type": "application/json", **headers},
        data,
    )


def client(base: str, **options) -> ApiClient:
    api = ApiClient(
        base, rate=options.pop("rate", 1000), sleep=options.pop("sleep", lambda s: None)
    )
    api.version = "1.2"
    return api


def test_lists_follow_the_link_header_to_the_last_page(server):
    answer("/api/1.2/patches/", [{"id": 1}], Link=f'<{server}/api/1.2/p2/>; rel="next"')
    answer("/api/1.2/p2/", [{"id": 2}], Link=f'<{server}/api/1.2/patches/>; rel="prev"')

    pages = list(client(server).pages("patches/"))

    assert pages == [[{"id": 1}], [{"id": 2}]]


def test_a_next_link_to_another_server_is_refused(server):
    answer("/api/1.2/patches/", [], Link='<http://elsewhere.example/x>; rel="next"')

    with pytest.raises(MirrorFailed, match="off the server"):
        list(client(server).pages("patches/"))


def test_an_answer_that_is_not_json_is_a_clear_error(server):
    answer("/api/1.2/patches/1/", b"<html>oops</html>")

    with pytest.raises(MirrorFailed, match="patches/1/ did not answer JSON"):
        client(server).get("patches/1/")


def test_a_busy_server_is_asked_again_after_the_time_it_names(server):
    answer(
        "/api/1.2/patches/1/",
        {"detail": "slow down"},
        status=429,
        **{"Retry-After": "7"},
    )
    waits: list[float] = []
    api = client(server, sleep=waits.append)

    with pytest.raises(MirrorFailed, match="answered 429"):
        api.get("patches/1/")

    assert waits.count(7.0) == 4
    assert len(Handler.seen) == 5


def test_requests_are_spaced_to_the_rate(server):
    answer("/api/1.2/x/", {})
    waits: list[float] = []
    api = client(server, rate=2, sleep=waits.append)

    for _ in range(3):
        api.get("x/")

    assert len(waits) == 2
    assert all(0.3 < wait <= 0.5 for wait in waits)


def test_the_newest_version_the_server_has_is_used(server):
    answer("/api/1.2/", {})
    api = ApiClient(server, rate=1000)

    assert api.negotiate() == "1.2"
    assert Handler.seen == ["/api/1.4/", "/api/1.3/", "/api/1.2/"]
