"""REST API tokens, which the API owns (people know nothing of the API)."""

import pytest

from apps.api.tokens import api_token_get_or_create, api_token_key, api_token_regenerate
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_token_is_made_once_and_replaced_on_request():
    user = UserFactory()
    assert api_token_key(user) is None
    key = api_token_get_or_create(user=user)
    assert api_token_get_or_create(user=user) == key == api_token_key(user)
    new = api_token_regenerate(user=user)
    assert new != key
    assert api_token_key(user) == new


# --- registration and confirmations ----------------------------------------------
