from django.contrib import admin

from apps.events.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """The history is read here, never written: services record it."""

    list_display = ("category", "project", "date", "actor")
    list_filter = ("category", "project")
    list_select_related = ("project", "actor")
    raw_id_fields = (
        "actor",
        "patch",
        "series",
        "cover",
        "previous_delegate",
        "current_delegate",
        "previous_relation",
        "current_relation",
        "created_check",
        "patch_comment",
        "cover_comment",
    )
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
