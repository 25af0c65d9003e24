import socket

import pytest

from tests.webhooks.receiver import Receiver

DATABASE_QUEUE = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
}


@pytest.fixture
def receiver():
    running = Receiver(port=0).start()
    yield running
    running.stop()


@pytest.fixture
def loopback_allowed(settings):
    """The test's receivers listen on loopback, which deliveries refuse by default."""
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    settings.SITE_BASE_URL = "http://testserver"


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
