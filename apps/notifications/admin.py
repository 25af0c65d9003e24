from django.contrib import admin

from apps.notifications.models import EmailOptout, PatchChangeNotification


@admin.register(EmailOptout)
class EmailOptoutAdmin(admin.ModelAdmin):
    search_fields = ("email",)


@admin.register(PatchChangeNotification)
class PatchChangeNotificationAdmin(admin.ModelAdmin):
    list_display = ("patch", "orig_state", "last_modified")
    raw_id_fields = ("patch",)
