import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def run(username: str) -> str:
    out = StringIO()
    call_command("createtoken", username, stdout=out)
    return out.getvalue()


def test_prints_only_the_token_and_reuses_it():
    user = UserFactory(username="ci-bot")
    first = run("ci-bot")
    assert re.fullmatch(r"[0-9a-f]{40}\n", first)
    assert Token.objects.get(user=user).key == first.strip()
    assert run("ci-bot") == first


def test_unknown_user_is_an_error():
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        run("ghost")
