"""The webhook pages: a project's hooks, a user's own, one hook with its log."""

import pytest
from django.utils import timezone

from apps.webhooks.models import Webhook, WebhookDelivery
from apps.webhooks.services import webhook_create
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

FORM = {
    "url": "https://hooks.example.org/patchwork",
    "secret": "very-secret-value",
    "events": ["patch-created", "check-created"],
    "active": "on",
}


@pytest.fixture
def maintainer():
    return UserFactory(username="maint")


@pytest.fixture
def project(maintainer):
    return ProjectFactory(linkname="widgets", maintainers=[maintainer])


def test_a_maintainer_adds_a_hook_from_the_project_pages(client, maintainer, project):
    client.force_login(maintainer)
    about = client.get("/project/widgets/").content.decode()
    assert 'href="/project/widgets/webhooks/"' in about

    response = client.post("/project/widgets/webhooks/", FORM)

    hook = Webhook.objects.get()
    assert response["Location"] == f"/webhook/{hook.pk}/"
    assert (hook.project, hook.owner, hook.events) == (
        project,
        maintainer,
        ["patch-created", "check-created"],
    )
    page = client.get(f"/webhook/{hook.pk}/").content.decode()
    assert "https://hooks.example.org/patchwork" in page
    assert "very-secret-value" not in page  # write-only
    listing = client.get("/project/widgets/webhooks/").content.decode()
    assert f'href="/webhook/{hook.pk}/"' in listing


def test_others_may_not_see_or_change_a_projects_hooks(client, maintainer, project):
    hook = webhook_create(
        owner=maintainer,
        project=project,
        secret="s",
        events=[],
        url="https://hooks.example.org/",
    )
    client.force_login(UserFactory())
    assert client.get("/project/widgets/webhooks/").status_code == 403
    assert client.post("/project/widgets/webhooks/", FORM).status_code == 403
    assert client.get(f"/webhook/{hook.pk}/").status_code == 404
    assert client.post(f"/webhook/{hook.pk}/", {"action": "delete"}).status_code == 404
    assert Webhook.objects.filter(pk=hook.pk).exists()
    about = client.get("/project/widgets/").content.decode()
    assert "/webhooks/" not in about
    client.logout()
    assert client.get("/user/webhooks/")["Location"].startswith("/user/login/")


def test_a_private_target_is_refused_with_a_message(client, maintainer, project):
    client.force_login(maintainer)
    response = client.post(
        "/project/widgets/webhooks/", {**FORM, "url": "http://169.254.169.254/x"}
    )
    assert response.status_code == 400
    assert "169.254.169.254 is not a public address." in response.content.decode()
    assert not Webhook.objects.exists()


def test_the_owner_sees_the_delivery_log_edits_and_deletes(client):
    from apps.events.models import Event

    user = UserFactory()
    client.force_login(user)
    client.post("/user/webhooks/", {**FORM, "url": "https://me.example.org/<b>"})
    hook = Webhook.objects.get(owner=user, project=None)
    event = Event.objects.create(
        project=ProjectFactory(), category="patch-created", date=timezone.now()
    )
    WebhookDelivery.objects.create(
        hook=hook,
        event=event,
        category="patch-created",
        status="retrying",
        attempts=3,
        response_code=503,
        last_attempt=timezone.now(),
        error="HTTP 503",
    )
    page = client.get(f"/webhook/{hook.pk}/").content.decode()
    assert '<tr class="delivery-retrying">' in page
    assert "<td>503</td>" in page
    assert "https://me.example.org/%3Cb%3E" in page or "&lt;b&gt;" in page
    assert "<b>" not in page

    client.post(
        f"/webhook/{hook.pk}/",
        {"url": "https://new.example.org/", "events": ["patch-created"], "secret": ""},
    )
    hook.refresh_from_db()
    assert (hook.url, hook.secret, hook.active) == (
        "https://new.example.org/",
        "very-secret-value",
        False,
    )
    response = client.post(f"/webhook/{hook.pk}/", {"action": "delete"})
    assert response["Location"] == "/user/webhooks/"
    assert not Webhook.objects.exists()


def test_the_log_page_runs_a_fixed_number_of_queries(client, maintainer, project):
    from apps.events.models import Event

    hook = webhook_create(
        owner=maintainer,
        project=project,
        secret="s",
        events=[],
        url="https://hooks.example.org/",
    )
    event = Event.objects.create(project=project, category="patch-created")
    client.force_login(maintainer)

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/webhook/{hook.pk}/").status_code == 200
        return len(queries)

    one = (WebhookDelivery.objects.create(hook=hook, event=event), count())[1]
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(hook=hook, event=event) for _ in range(20)
    )
    assert count() == one
