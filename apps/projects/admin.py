from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from apps.projects.models import DelegationRule, Project
from apps.projects.services import validate_project_urls


class ProjectAdminForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # ModelForm.clean returns cleaned_data
        try:
            validate_project_urls(cleaned)
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned


class DelegationRuleInline(admin.TabularInline):
    model = DelegationRule
    fields = ("path", "user", "priority")
    raw_id_fields = ("user",)
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    form = ProjectAdminForm
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
            {
                "fields": (
                    "send_notifications",
                    "use_tags",
                    "show_dependencies",
                    "supersede_old_versions",
                    "cover_tags",
                )
            },
        ),
    )


@admin.register(DelegationRule)
class DelegationRuleAdmin(admin.ModelAdmin):
    list_display = ("project", "path", "user", "priority")
    list_filter = ("project",)
    raw_id_fields = ("user",)
