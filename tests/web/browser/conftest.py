"""Real-browser tests: Playwright driving the system's headless Chromium.

Playwright cannot download its own browsers here, so the tests use
Debian's ``/usr/bin/chromium`` (``CHROMIUM`` overrides the path). CI
installs it and sets ``PATCHSERVER_REQUIRE_BROWSER=1``, which turns a
missing browser into a failure instead of a skip.
"""

import os
from pathlib import Path

import pytest

from tests.paths import REPO

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1440, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/web/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="module")
def browser():
    """Start Chromium for one test module.

    Playwright's synchronous API keeps an event loop running in the test
    thread while it is started, and Django then refuses the tests' own
    database access; DJANGO_ALLOW_ASYNC_UNSAFE lifts that for exactly as
    long as the browser runs (per module, so it never leaks into other
    tests or the processes they start).
    """
    if not CHROMIUM.exists():
        if os.environ.get("PATCHSERVER_REQUIRE_BROWSER") == "1":
            raise FileNotFoundError(f"Chromium not found at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser):
    """Return a factory of pages, each in its own context (cookies, size)."""
    contexts = []

    def make(viewport=LAPTOP, **options):
        context = browser.new_context(viewport=viewport, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.js_errors = errors
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    path = ARTIFACTS / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# The password tests.factories.UserFactory gives every account.
FACTORY_PASSWORD = "password"


def log_in(
    page, base_url: str, username: str, password: str = FACTORY_PASSWORD
) -> None:
    page.goto(f"{base_url}/user/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url(f"{base_url}/user/")
