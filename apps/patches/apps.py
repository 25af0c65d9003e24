from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class PatchesConfig(AppConfig):
    name = "apps.patches"
    label = "patches"

    def ready(self) -> None:
        from apps.patches.defaults import create_defaults_after_migrate
        from apps.patches.search.plans import plan_text_matches_per_run

        post_migrate.connect(create_defaults_after_migrate, sender=self)
        connection_created.connect(plan_text_matches_per_run)
