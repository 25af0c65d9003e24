"""Lower layers reach the history through ports the events app provides."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from apps.checks.history import history as check_history
from apps.events import services as event_services
from apps.patches.history import history as patch_history
from apps.ports import Port


def test_the_events_app_provides_the_patch_and_check_history():
    assert patch_history() is event_services
    assert check_history() is event_services


def test_a_port_nothing_provides_names_what_is_missing():
    port: Port[object] = Port("the sample history")
    with pytest.raises(
        ImproperlyConfigured, match="nothing provides the sample history"
    ):
        port()
    port.provide(event_services)
    assert port() is event_services
