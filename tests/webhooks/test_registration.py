"""What may be registered, and who may register it (services and rules)."""

import pytest

from apps.webhooks.rules import can_add_project_hook, can_manage_hook
from apps.webhooks.services import InvalidWebhook, webhook_create, webhook_update
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:8000/", "not a public address"),
        ("http://[::1]/", "not a public address"),
        ("http://[::ffff:10.0.0.1]/", "not a public address"),
        ("http://localhost/hook", "not a public address"),
        ("https://169.254.169.254/latest/meta-data/", "not a public address"),
        ("http://10.1.2.3/", "not a public address"),
        ("http://192.168.0.1/", "not a public address"),
        ("http://100.64.0.1/", "not a public address"),
        ("http://224.0.0.1/", "not a public address"),
        ("http://0.0.0.0/", "not a public address"),
        ("ftp://hooks.example.org/", "Only http:// and https://"),
        ("javascript:alert(1)", "Only http:// and https://"),
        ("https://user:pw@hooks.example.org/", "no user name or password"),
        ("https://hooks.example.org:99999/", "malformed"),
        ("https:///path", "names no host"),
        ("https://hooks.example.org/" + "a" * 500, "longer than 500"),
    ],
)
def test_refused_targets(url, message):
    with pytest.raises(InvalidWebhook, match=message) as refused:
        webhook_create(
            owner=UserFactory(), project=None, url=url, secret="s", events=[]
        )
    assert refused.value.field == "url"


def test_private_targets_when_the_administrator_allows_them(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    hook = webhook_create(
        owner=UserFactory(),
        project=None,
        url="http://10.1.2.3/",
        secret="s",
        events=["patch-created", "patch-created"],
    )
    assert hook.events == ["patch-created"]


def test_unknown_categories_and_a_missing_secret_are_refused():
    owner = UserFactory()
    with pytest.raises(InvalidWebhook, match="Unknown event category: 'patch-eaten'"):
        webhook_create(
            owner=owner,
            project=None,
            url="https://hooks.example.org/",
            secret="s",
            events=["patch-eaten"],
        )
    with pytest.raises(InvalidWebhook, match="secret is required"):
        webhook_create(
            owner=owner,
            project=None,
            url="https://hooks.example.org/",
            secret="",
            events=[],
        )


def test_an_update_keeps_the_secret_unless_given_and_turning_on_forgets_failures():
    from django.utils import timezone

    hook = webhook_create(
        owner=UserFactory(),
        project=None,
        url="https://hooks.example.org/",
        secret="old",
        events=[],
    )
    hook.active = False
    hook.failing_since = timezone.now()
    hook.save()
    webhook_update(
        hook=hook,
        url="https://other.example.org/",
        events=["check-created"],
        active=True,
    )
    hook.refresh_from_db()
    assert (hook.secret, hook.url, hook.events) == (
        "old",
        "https://other.example.org/",
        ["check-created"],
    )
    assert hook.active
    assert hook.failing_since is None


def test_who_manages_which_hook():
    maintainer, other_maintainer, user = UserFactory(), UserFactory(), UserFactory()
    project = ProjectFactory(maintainers=[maintainer, other_maintainer])
    project_hook = webhook_create(
        owner=maintainer,
        project=project,
        url="https://hooks.example.org/",
        secret="s",
        events=[],
    )
    personal = webhook_create(
        owner=user, project=None, url="https://me.example.org/", secret="s", events=[]
    )
    assert can_add_project_hook(maintainer, project.pk)
    assert not can_add_project_hook(user, project.pk)
    assert can_manage_hook(other_maintainer, project_hook)
    assert not can_manage_hook(user, project_hook)
    assert can_manage_hook(user, personal)
    assert not can_manage_hook(maintainer, personal)
