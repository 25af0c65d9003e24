"""Webhooks (API 1.5, patchserver's own): the fields a hook is registered with."""

from rest_framework import serializers

from apps.api.serializers.base import ApiSerializer
from apps.events.models import Event
from apps.projects.models import Project
from apps.webhooks.models import Webhook


class WebhookSerializer(ApiSerializer):
    """A hook; ``project`` null is a hook for the caller's own patches and series."""

    project = serializers.PrimaryKeyRelatedField(
        queryset=Project.objects.all(), allow_null=True, required=False
    )
    # Write-only: it keys the signatures and is never shown again.
    secret = serializers.CharField(
        write_only=True, max_length=255, style={"input_type": "password"}
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=Event.Category.values),
        max_length=len(Event.Category.values),
    )
    owner = serializers.IntegerField(source="owner_id", read_only=True)

    class Meta:
        model = Webhook
        fields = (
            "id",
            "project",
            "url",
            "secret",
            "events",
            "active",
            "owner",
            "created",
            "failing_since",
        )
        read_only_fields = ("id", "owner", "created", "failing_since")
        extra_kwargs = {"url": {"max_length": 500}}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance is not None and isinstance(self.instance, Webhook):
            # An update: no secret keeps the current one; a hook stays with
            # the project it was registered for.
            self.fields["secret"].required = False
            self.fields["project"].read_only = True
