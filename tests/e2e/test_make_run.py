"""`make run` serves the admin, the credentials it prints log in, a worker runs."""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request

import pytest

from tests.paths import REPO

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """Just enough of a browser: cookies, forms, redirects."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar)
        )

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(self.base + path, timeout=10) as response:
            return response.geturl(), response.read().decode()

    def post(self, path: str, data: dict[str, str]) -> tuple[str, str]:
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        with self.opener.open(request, timeout=10) as response:
            return response.geturl(), response.read().decode()


def wait_for_server(base: str, process: subprocess.Popen, output: list[str]) -> None:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("make run exited early:\n" + "".join(output))
        try:
            urllib.request.urlopen(base + "/admin/login/", timeout=2).close()
            return
        except OSError:
            time.sleep(0.5)
    pytest.fail("server did not come up:\n" + "".join(output))


def wait_for_line(text: str, output: list[str]) -> bool:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if any(text in line for line in list(output)):
            return True
        time.sleep(0.2)
    return False


def test_make_run_serves_admin_and_printed_credentials_log_in(tmp_path):
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PATCHSERVER_"))
    }
    env.pop("DATABASE_URL", None)
    env["PATCHSERVER_DATA_DIR"] = str(tmp_path)
    process = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output: list[str] = []
    try:
        # Read until the credentials are printed.
        for line in process.stdout:
            output.append(line)
            if "password:" in line:
                break
        text = "".join(output)
        username = re.search(r"username:\s+(\S+)", text).group(1)
        password = re.search(r"password:\s+(\S+)", text).group(1)
        assert f"http://127.0.0.1:{port}/admin/" in text
        base = f"http://127.0.0.1:{port}"
        # The rest of the output is read aside, for the worker's start line.
        threading.Thread(
            target=output.extend, args=(process.stdout,), daemon=True
        ).start()
        wait_for_server(base, process, output)
        assert wait_for_line("Starting worker", output), "".join(output)

        browser = Browser(base)
        _, page = browser.get("/admin/login/")
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        url, page = browser.post(
            "/admin/login/?next=/admin/",
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": csrf,
                "next": "/admin/",
            },
        )
        assert url == base + "/admin/"
        assert "Site administration" in page
        assert "Projects" in page
        # The demo project exists and the admin maintains it.
        _, page = browser.get("/admin/projects/project/")
        assert "Demo Project" in page
        # Its patches came in through mail ingest.
        assert "Demo mail:    10 patches, 2 cover letters, 7 comments" in text
        _, page = browser.get("/admin/patches/patch/")
        assert "[v2,1/3] widget: add a reset callback" in page
        assert "[GIT,PULL] widget fixes for 1.2" in page
        _, page = browser.get("/admin/patches/series/")
        assert "widget: reset support" in page
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
