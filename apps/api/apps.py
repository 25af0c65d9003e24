from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "apps.api"
    label = "api"

    def ready(self) -> None:
        # Webhook deliveries send events as this API renders them; the
        # webhooks app sits below and asks through a port (apps.ports).
        from apps.api import event_json
        from apps.webhooks.payload import renderer

        renderer.provide(event_json)
