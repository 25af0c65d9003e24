from django.contrib import admin

from apps.checks.models import Check
from apps.checks.services import check_create


@admin.register(Check)
class CheckAdmin(admin.ModelAdmin):
    list_display = ("patch", "context", "state", "user", "date")
    list_filter = ("state",)
    list_select_related = ("patch", "user")
    raw_id_fields = ("patch", "user")
    search_fields = ("context",)

    def save_model(self, request, obj, form, change):
        """Add checks through the service, which records their event.

        Correcting a stored check is not an event (nor is it upstream), so
        changes are saved as they are.
        """
        if change:
            super().save_model(request, obj, form, change)
            return
        created = check_create(
            patch=obj.patch,
            user=obj.user,
            state=obj.state,
            context=obj.context,
            target_url=obj.target_url,
            description=obj.description,
        )
        obj.pk, obj.date = created.pk, created.date
