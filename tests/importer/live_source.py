"""A running patchserver instance to mirror: its own SQLite database, its own server.

Built with the demo mail (``manage.py setupdemo``), then given what mail
alone does not make: state changes, a delegate, checks, a relation and an
addressed comment, through the services, so events of every kind exist.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.paths import REPO

MAINTAINER_CHANGES = """
from apps.checks.services import check_create
from apps.patches.models import Patch, PatchComment, State
from apps.patches.services.comments import comment_set_addressed
from apps.patches.services.relations import patch_set_related
from apps.patches.services.updates import patch_update
from apps.people.models import User

admin = User.objects.get(is_superuser=True)
first, second, third = Patch.objects.order_by("id")[:3]
patch_update(patch=first, actor=admin, state=State.objects.get(slug="accepted"),
             delegate=admin, commit_ref="0123abcd")
patch_update(patch=second, actor=admin, archived=True)
check_create(patch=first, user=admin, state=1, context="build",
             target_url="https://ci.example.org/1", description="built")
check_create(patch=first, user=admin, state=3, context="boot")
patch_set_related(patch=first, related=[third], actor=admin)
comment = PatchComment.objects.order_by("id").first()
comment_set_addressed(comment=comment, addressed=False)
"""

LATER_CHANGES = """
from apps.checks.services import check_create
from apps.patches.models import Patch, State
from apps.patches.services.updates import patch_update
from apps.people.models import User

admin = User.objects.get(is_superuser=True)
old = Patch.objects.order_by("id")[1]
patch_update(patch=old, actor=admin, state=State.objects.get(slug="rejected"))
check_create(patch=old, user=admin, state=2, context="lint")
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveSource:
    def __init__(self, data_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "PATCHSERVER_", "DATABASE_URL"))
        }
        self.env.update(
            DEBUG="1",
            PATCHSERVER_DATA_DIR=str(data_dir),
            LOG_LEVEL="WARNING",
            ALLOWED_HOSTS="127.0.0.1,localhost",
        )
        self.server: subprocess.Popen | None = None

    def manage(self, *args: str, stdin: bytes | None = None) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.env,
            input=stdin,
            capture_output=True,
            check=True,
        )
        return result.stdout.decode()

    def shell(self, code: str) -> None:
        self.manage("shell", "-c", code)

    def start(self) -> None:
        self.manage("migrate", "-v", "0")
        self.manage("setupdemo", "--port", str(self.port))
        self.shell(MAINTAINER_CHANGES)
        self.server = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "runserver",
                "--noreload",
                f"127.0.0.1:{self.port}",
            ],
            cwd=REPO,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                self.get("/api/")
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("the source server did not start")

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=30)

    def get(self, path: str) -> tuple[object, str]:
        """The JSON of ``path`` and its Link header."""
        with urllib.request.urlopen(self.url + path, timeout=30) as response:
            return json.loads(response.read()), response.headers.get("Link", "")

    def get_all(self, path: str) -> list:
        """Every item of a list, page by page."""
        items: list = []
        page = 1
        while True:
            sep = "&" if "?" in path else "?"
            body, link = self.get(f"{path}{sep}page={page}&per_page=250")
            items += body
            if 'rel="next"' not in link:
                return items
            page += 1
