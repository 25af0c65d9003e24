from typing import ClassVar

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from apps.patches.models import (
    Cover,
    CoverComment,
    Patch,
    PatchComment,
    PatchRelation,
    Series,
    SeriesReference,
    State,
    Tag,
)
from apps.patches.rules import is_maintainer
from apps.patches.services.updates import patch_update
from apps.stored_urls import validate_pull_url

# The fields people change on a patch: edits to them go through the same
# service as the web UI and the API, which records their events (and so the
# state-change notifications) whoever made them.
_TRACKED_FIELDS = ("state", "delegate", "archived", "commit_ref", "pull_url")


@admin.register(State)
class StateAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "ordering", "action_required")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "pattern", "abbrev", "show_column")


class FromMailAdmin(admin.ModelAdmin):
    """Objects only mail creates: edited here, never added.

    Ingest assembles them (series, tags, parents) and records their events,
    which a form cannot.
    """

    def has_add_permission(self, request):
        return False


class SubmissionAdmin(FromMailAdmin):
    # Lists can be long and bodies large: never load every related row into
    # a select box, and search only indexed-ish short fields.
    list_select_related: ClassVar[tuple[str, ...]] = ("project", "submitter")
    raw_id_fields: ClassVar[tuple[str, ...]] = ("submitter",)
    search_fields = ("name", "msgid", "submitter__email", "submitter__name")
    date_hierarchy = "date"


class PatchAdminForm(forms.ModelForm):
    class Meta:
        model = Patch
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # ModelForm.clean returns cleaned_data
        delegate = cleaned.get("delegate")
        project = cleaned.get("project")
        if (
            delegate is not None
            and project is not None
            and not is_maintainer(delegate, project.pk)
        ):
            self.add_error("delegate", f"{delegate} is not a maintainer of {project}.")
        try:
            validate_pull_url(cleaned.get("pull_url"))
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned


@admin.register(Patch)
class PatchAdmin(SubmissionAdmin):
    form = PatchAdminForm
    # Relations change through their service (web, API), which checks the
    # maintainers of every patch involved and records the events.
    readonly_fields = ("related",)

    list_display = (
        "name",
        "project",
        "submitter",
        "state",
        "delegate",
        "archived",
        "date",
    )
    list_filter = ("project", "state", "archived")
    list_select_related = ("project", "submitter", "state", "delegate")
    raw_id_fields = ("submitter", "delegate", "series")

    def save_model(self, request, obj, form, change):
        tracked = [name for name in _TRACKED_FIELDS if name in form.changed_data]
        if not change or not tracked:
            super().save_model(request, obj, form, change)
            return
        changes = {name: getattr(obj, name) for name in tracked}
        stored = Patch.objects.get(pk=obj.pk)
        for name in tracked:
            setattr(obj, name, getattr(stored, name))
        super().save_model(request, obj, form, change)
        patch_update(patch=obj, actor=request.user, **changes)


@admin.register(Cover)
class CoverAdmin(SubmissionAdmin):
    list_display = ("name", "project", "submitter", "date")
    list_filter = ("project",)


@admin.register(PatchComment)
class PatchCommentAdmin(FromMailAdmin):
    list_display = ("msgid", "patch", "submitter", "date", "addressed")
    list_select_related = ("patch", "submitter")
    raw_id_fields = ("patch", "submitter")
    search_fields = ("msgid", "submitter__email")


@admin.register(CoverComment)
class CoverCommentAdmin(FromMailAdmin):
    list_display = ("msgid", "cover", "submitter", "date", "addressed")
    list_select_related = ("cover", "submitter")
    raw_id_fields = ("cover", "submitter")
    search_fields = ("msgid", "submitter__email")


@admin.register(Series)
class SeriesAdmin(FromMailAdmin):
    list_display = ("__str__", "project", "submitter", "version", "total", "date")
    list_filter = ("project",)
    list_select_related = ("project", "submitter")
    raw_id_fields = ("submitter", "cover_letter", "dependencies")
    search_fields = ("name", "submitter__email")


@admin.register(SeriesReference)
class SeriesReferenceAdmin(admin.ModelAdmin):
    list_display = ("msgid", "series", "project")
    raw_id_fields = ("series",)
    search_fields = ("msgid",)


class RelatedPatchInline(admin.TabularInline):
    model = Patch
    fk_name = "related"
    fields = ("name", "project", "state")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(PatchRelation)
class PatchRelationAdmin(admin.ModelAdmin):
    """Shown, not edited: relations change through their service."""

    inlines = (RelatedPatchInline,)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
