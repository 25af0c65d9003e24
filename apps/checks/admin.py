from django.contrib import admin

from apps.checks.models import Check


@admin.register(Check)
class CheckAdmin(admin.ModelAdmin):
    list_display = ("patch", "context", "state", "user", "date")
    list_filter = ("state",)
    list_select_related = ("patch", "user")
    raw_id_fields = ("patch", "user")
    search_fields = ("context",)
