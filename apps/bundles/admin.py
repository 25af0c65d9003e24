from django.contrib import admin

from apps.bundles.models import Bundle, BundlePatch


class BundlePatchInline(admin.TabularInline):
    model = BundlePatch
    fields = ("order", "patch")
    raw_id_fields = ("patch",)
    extra = 0


@admin.register(Bundle)
class BundleAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "project", "public")
    list_filter = ("public", "project")
    list_select_related = ("owner", "project")
    raw_id_fields = ("owner",)
    search_fields = ("name", "owner__username")
    inlines = (BundlePatchInline,)
