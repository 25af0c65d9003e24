"""A maintainer registers a webhook from the project's pages, in a browser."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.events.models import Event
from apps.webhooks.models import Webhook, WebhookDelivery
from tests.factories import ProjectFactory, UserFactory
from tests.web.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_maintainer_adds_a_webhook_and_sees_its_log(live_server, page):
    maintainer = UserFactory(username="maint")
    ProjectFactory(linkname="widgets", name="Widgets", maintainers=[maintainer])
    log_in(page, live_server.url, "maint")

    page.goto(f"{live_server.url}/project/widgets/")
    page.get_by_role("link", name="manage the project's webhooks").click()
    expect(page.get_by_role("heading", name="Webhooks of Widgets")).to_be_visible()
    page.fill("#id_url", "https://ci.example.org/patchwork")
    page.fill("#id_secret", "a-long-shared-secret")
    page.get_by_label("patch-created").check()
    page.get_by_label("check-created").check()
    screenshot(page, "webhook-form")
    page.get_by_role("button", name="Add webhook").click()

    expect(page.get_by_role("heading", name="Recent deliveries")).to_be_visible()
    expect(page.get_by_text("Nothing delivered yet.")).to_be_visible()
    # Write-only: the secret is not in the page, not even in the form.
    assert "a-long-shared-secret" not in page.content()
    hook = Webhook.objects.get()
    assert hook.events == ["patch-created", "check-created"]
    assert page.url == f"{live_server.url}/webhook/{hook.pk}/"

    event = Event.objects.create(project=hook.project, category="patch-created")
    now = timezone.now()
    for status, code, error in (("delivered", 200, ""), ("retrying", 503, "HTTP 503")):
        WebhookDelivery.objects.create(
            hook=hook,
            event=event,
            category="patch-created",
            status=status,
            attempts=1,
            response_code=code,
            last_attempt=now,
            error=error,
        )
    page.reload()
    log = page.locator("table.delivery-log tbody tr")
    expect(log).to_have_count(2)
    expect(log.filter(has_text="retrying")).to_contain_text("HTTP 503")
    screenshot(page, "webhook-detail")
