from django.apps import AppConfig


class PatchesConfig(AppConfig):
    name = "apps.patches"
    label = "patches"
