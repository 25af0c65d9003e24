from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from apps.people.models import EmailConfirmation, Person, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        # Never None for UserAdmin; the stubs type the ModelAdmin default.
        *(DjangoUserAdmin.fieldsets or ()),
        ("Profile", {"fields": ("items_per_page", "show_ids", "send_email")}),
    )
    filter_horizontal = ("groups", "user_permissions")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "user")
    search_fields = ("name", "email")
    raw_id_fields = ("user",)


@admin.register(EmailConfirmation)
class EmailConfirmationAdmin(admin.ModelAdmin):
    list_display = ("email", "type", "user", "date", "active")
    list_filter = ("type", "active")
    search_fields = ("email",)
    raw_id_fields = ("user",)
    readonly_fields = ("key", "date")
