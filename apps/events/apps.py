from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "apps.events"
    label = "events"

    def ready(self) -> None:
        # The patch and check services record events through ports, since
        # they sit below this app (apps.ports).
        from apps.checks.history import history as check_history
        from apps.events import services
        from apps.patches.history import history as patch_history

        patch_history.provide(services)
        check_history.provide(services)
