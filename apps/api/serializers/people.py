from rest_framework import serializers

from apps.api.fields import ApiLinkField
from apps.api.serializers.base import ApiSerializer
from apps.api.serializers.embedded import EmbeddedUserSerializer
from apps.api.versioning import at_least
from apps.people.models import MAX_ITEMS_PER_PAGE, Person, User


class PersonSerializer(ApiSerializer):
    url = ApiLinkField("api-person-detail")
    user = EmbeddedUserSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Person
        fields = ("id", "url", "name", "email", "user")
        read_only_fields = fields


class UserSettingsSerializer(serializers.ModelSerializer):
    """The profile settings of one's own account (stored on the user row)."""

    # The web form's bound, so no client can ask for a page of any size.
    items_per_page = serializers.IntegerField(
        min_value=1, max_value=MAX_ITEMS_PER_PAGE, required=False
    )

    class Meta:
        model = User
        fields = ("send_email", "items_per_page", "show_ids")


class UserSerializer(ApiSerializer):
    url = ApiLinkField("api-user-detail")

    class Meta:
        model = User
        fields: tuple[str, ...] = (
            "id",
            "url",
            "username",
            "first_name",
            "last_name",
            "email",
        )
        read_only_fields = ("username", "email")


class UserDetailSerializer(UserSerializer):
    """A user as ``users/{id}/`` shows it: with ``settings`` for one's own account.

    ``settings`` must be present in a PUT in every version (as upstream), but
    it is shown and applied only from 1.2 on.
    """

    settings = UserSettingsSerializer(source="*")

    class Meta(UserSerializer.Meta):
        fields = (*UserSerializer.Meta.fields, "settings")

    def _shows_settings(self, user) -> bool:
        request = self.context.get("request")
        return (
            request is not None
            and at_least(request, "1.2")
            and request.user.is_authenticated
            and request.user.pk == user.pk
        )

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self._shows_settings(instance):
            data.pop("settings", None)
        return data

    def validate(self, attrs):
        if not at_least(self.context.get("request"), "1.2"):
            for name in UserSettingsSerializer.Meta.fields:
                attrs.pop(name, None)
        return attrs
