from rest_framework import serializers

from apps.api.fields import ApiLinkField, UtcDateTimeField
from apps.api.serializers.base import ApiSerializer
from apps.api.serializers.embedded import EmbeddedUserSerializer
from apps.checks.models import Check


class CheckStateField(serializers.Field):
    """A check state written as its name (or numeric code) and shown as its name."""

    default_error_messages = {
        "required": "A check must have a state.",
        "invalid_choice": '"{input}" is not a valid choice.',
    }

    def validate_empty_values(self, data):
        if data == "" or data is None:
            self.fail("required")
        return super().validate_empty_values(data)

    def to_internal_value(self, data):
        names = {label: code for code, label in Check.State.choices}
        text = str(data)
        if isinstance(data, str) and data in names:
            code = names[data]
        elif not isinstance(data, bool) and text.isascii() and text.isdigit():
            code = int(text)
        else:
            code = None
        if code not in names.values():
            self.fail("invalid_choice", input=data)
        return code

    def to_representation(self, value) -> str:
        return Check.State(value).label


class CheckSerializer(ApiSerializer):
    url = ApiLinkField(
        "api-check-detail", (("patch_id", "patch_id"), ("check_id", "pk"))
    )
    user = EmbeddedUserSerializer(read_only=True)
    date = UtcDateTimeField()
    state = CheckStateField()
    target_url = serializers.URLField(
        max_length=200, required=False, allow_blank=True, allow_null=True
    )
    # The field shadows Field.context only on paper: DRF's metaclass moves
    # declared fields off the class.
    context = serializers.SlugField(  # type: ignore[assignment]
        max_length=255, required=False, default="default"
    )
    description = serializers.CharField(
        required=False, allow_blank=True, allow_null=True
    )

    class Meta:
        model = Check
        fields = (
            "id",
            "url",
            "user",
            "date",
            "state",
            "target_url",
            "context",
            "description",
        )
