import re

from django.utils.text import slugify
from rest_framework import serializers

from apps.api.fields import (
    CHECK_STATE,
    HEADERS,
    NULLABLE_URI,
    OBJECT,
    STRINGS,
    ApiLinkField,
    ComputedField,
    UtcDateTimeField,
    WebLinkField,
)
from apps.api.headers import headers_object
from apps.api.id_lists import IdListField
from apps.api.serializers.base import ApiSerializer
from apps.api.serializers.embedded import (
    EmbeddedPatchSerializer,
    EmbeddedPersonSerializer,
    EmbeddedProjectSerializer,
    EmbeddedSeriesSerializer,
    EmbeddedUserSerializer,
    archive_url,
)
from apps.checks.models import Check
from apps.patches import links
from apps.patches.models import Patch, State
from apps.people.models import User

_PREFIX_SPLIT = re.compile(r"[\s,]+")


def prefixes_of(name: str) -> list[str]:
    """Return the entries of the leading ``[...]`` groups of a cleaned name."""
    prefixes: list[str] = []
    rest = name.lstrip()
    while rest.startswith("["):
        end = rest.find("]")
        if end < 0:
            break
        prefixes.extend(
            part
            for part in _PREFIX_SPLIT.split(rest[1:end])
            if part and part.lower() != "patch"
        )
        rest = rest[end + 1 :].lstrip()
    return prefixes


def check_label(patch) -> str:
    return Check.State(patch.check_state).label


class StateField(serializers.RelatedField):
    """A state shown and written as its slug (there is no states endpoint).

    Input is lower-cased and slugified first, so ``Under Review`` and
    ``UNDER-REVIEW`` both name ``under-review``.
    """

    default_error_messages = {
        "invalid_choice": "Invalid state {name}. Expected one of: {choices}.",
        "incorrect_type": (
            "Incorrect type. Expected string value, received {data_type}."
        ),
    }

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("queryset", State.objects.all())
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        slug = slugify(data.lower())
        queryset = self.get_queryset()
        assert queryset is not None  # set in __init__
        states = list(queryset)
        found = next((state for state in states if state.slug == slug), None)
        if found is None:
            self.fail(
                "invalid_choice",
                name=slug,
                choices=", ".join(state.slug for state in states),
            )
        return found

    def to_representation(self, value) -> str:
        return value.slug


class DelegateField(serializers.PrimaryKeyRelatedField):
    """A user written as an id and shown embedded; null or ``""`` clears it."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("queryset", User.objects.all())
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("style", {"base_template": "input.html"})
        super().__init__(**kwargs)

    def use_pk_only_optimization(self) -> bool:
        return False

    def to_representation(self, value):
        embedded = getattr(self, "_embedded", None)
        if embedded is None:
            embedded = EmbeddedUserSerializer(context=self.context)
            self._embedded = embedded
        return embedded.to_representation(value)


class RelatedPatchesField(IdListField):
    """The other patches of the patch's relation, ordered by date.

    Written as a list of patch ids (validated to exist); the relation rules
    are applied by ``apps.patches.services.relations``.
    """

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault(
            "child_relation",
            # What the relation rules read of each patch named.
            serializers.PrimaryKeyRelatedField(
                queryset=Patch.objects.only("id", "project_id", "related_id")
            ),
        )
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_empty", True)
        kwargs.setdefault("style", {"base_template": "input.html"})
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return instance

    def to_representation(self, patch):
        embedded = getattr(self, "_embedded", None)
        if embedded is None:
            embedded = EmbeddedPatchSerializer(context=self.context)
            self._embedded = embedded
        if patch.related_id is None:
            return []
        members = [
            other for other in patch.related.patches.all() if other.pk != patch.pk
        ]
        # Prefetched in date order; sorted again for objects loaded otherwise.
        members.sort(key=lambda other: (other.date, other.pk))
        return [embedded.to_representation(other) for other in members]


class SeriesListField(serializers.Field):
    """The object's series as a list of zero or one (upstream's legacy shape)."""

    def __init__(self, series_of, **kwargs) -> None:
        self.series_of = series_of
        kwargs["read_only"] = True
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    def to_representation(self, value):
        series = self.series_of(value)
        if series is None:
            return []
        embedded = getattr(self, "_embedded", None)
        if embedded is None:
            embedded = EmbeddedSeriesSerializer(context=self.context)
            self._embedded = embedded
        return [embedded.to_representation(series)]


def series_of_patch(patch):
    return patch.series if patch.series_id is not None else None


class PatchSerializer(ApiSerializer):
    """A patch as list items show it (no bodies)."""

    url = ApiLinkField("api-patch-detail")
    web_url = WebLinkField(links.patch_web_path)
    project = EmbeddedProjectSerializer(read_only=True)
    list_archive_url = ComputedField(
        lambda patch: archive_url(patch, patch.project), NULLABLE_URI
    )
    date = UtcDateTimeField()
    state = StateField()
    submitter = EmbeddedPersonSerializer(read_only=True)
    delegate = DelegateField(required=False)
    mbox = WebLinkField(links.patch_mbox_path)
    series = SeriesListField(series_of_patch)
    comments = ApiLinkField(
        "api-patch-comment-list", (("patch_id", "pk"),), versioned=False
    )
    check = ComputedField(check_label, CHECK_STATE)
    checks = ApiLinkField("api-check-list", (("patch_id", "pk"),), versioned=False)
    tags = ComputedField(lambda patch: {}, OBJECT)
    related = RelatedPatchesField()

    class Meta:
        model = Patch
        fields: tuple[str, ...] = (
            "id",
            "url",
            "web_url",
            "project",
            "msgid",
            "list_archive_url",
            "date",
            "name",
            "commit_ref",
            "pull_url",
            "state",
            "archived",
            "hash",
            "submitter",
            "delegate",
            "mbox",
            "series",
            "comments",
            "check",
            "checks",
            "tags",
            "related",
        )
        read_only_fields: tuple[str, ...] = ("msgid", "name", "hash")
        fields_since = {
            "1.1": ("web_url", "comments"),
            "1.2": ("list_archive_url", "related"),
        }


class PatchDetailSerializer(PatchSerializer):
    headers = ComputedField(lambda patch: headers_object(patch.headers), HEADERS)
    prefixes = ComputedField(lambda patch: prefixes_of(patch.name), STRINGS)

    class Meta(PatchSerializer.Meta):
        fields = (
            *PatchSerializer.Meta.fields,
            "headers",
            "content",
            "diff",
            "prefixes",
        )
        read_only_fields = (*PatchSerializer.Meta.read_only_fields, "content", "diff")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A PUT replaces the whole writable state: state and delegate must
        # be given (delegate may be null).
        if self.instance is not None and not self.partial and "data" in kwargs:
            self.fields["state"].required = True
            self.fields["delegate"].required = True
