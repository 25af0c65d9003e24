from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "apps.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        # The events app tells this one of the events it records through a
        # port, since it sits below (apps.ports).
        from apps.events.listeners import listener
        from apps.webhooks import dispatch

        listener.provide(dispatch)
