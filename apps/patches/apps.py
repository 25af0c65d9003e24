from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PatchesConfig(AppConfig):
    name = "apps.patches"
    label = "patches"

    def ready(self) -> None:
        from apps.patches.defaults import create_defaults_after_migrate

        post_migrate.connect(create_defaults_after_migrate, sender=self)
