from django.contrib import admin

from apps.projects.models import DelegationRule, Project


class DelegationRuleInline(admin.TabularInline):
    model = DelegationRule
    fields = ("path", "user", "priority")
    raw_id_fields = ("user",)
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("linkname", "name", "listid", "listemail", "subject_match")
    search_fields = ("linkname", "name", "listid", "listemail")
    filter_horizontal = ("maintainers",)
    inlines = (DelegationRuleInline,)
    fieldsets = (
        (None, {"fields": ("linkname", "name", "maintainers")}),
        ("Mailing list", {"fields": ("listid", "listemail", "subject_match")}),
        (
            "Links",
            {
                "fields": (
                    "web_url",
                    "scm_url",
                    "webscm_url",
                    "list_archive_url",
                    "list_archive_url_format",
                    "commit_url_format",
                )
            },
        ),
        (
            "Features",
            {"fields": ("send_notifications", "use_tags", "show_dependencies")},
        ),
    )


@admin.register(DelegationRule)
class DelegationRuleAdmin(admin.ModelAdmin):
    list_display = ("project", "path", "user", "priority")
    list_filter = ("project",)
    raw_id_fields = ("user",)
