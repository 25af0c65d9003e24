"""Webhooks (API 1.5, patchserver's own): register, list, change, delete."""

from rest_framework import exceptions, generics

from apps.api.base import ApiViewMixin, signed_in_user
from apps.api.permissions import IsAuthenticated
from apps.api.serializers.webhooks import WebhookSerializer
from apps.webhooks import rules
from apps.webhooks.selectors import manageable_hooks
from apps.webhooks.services import (
    InvalidWebhook,
    webhook_create,
    webhook_delete,
    webhook_update,
)


def _as_validation_error(error: InvalidWebhook) -> exceptions.ValidationError:
    return exceptions.ValidationError({error.field: [str(error)]})


class WebhookViewMixin(ApiViewMixin):
    serializer_class = WebhookSerializer
    permission_classes = (IsAuthenticated,)
    available_since = "1.5"
    filter_backends = ()

    def get_queryset(self):
        # Hooks the caller may not manage do not exist for them (404).
        return manageable_hooks(signed_in_user(self.request))


class WebhookList(WebhookViewMixin, generics.ListCreateAPIView):
    """List the webhooks you manage, or register one.

    ``project`` (an id) registers a hook for that project's events, which
    its maintainers may do; without it the hook gets the events of your own
    patches, cover letters and series. ``events`` lists categories of
    ``/api/events/``. Each delivery is signed: ``X-Patchserver-Signature:
    sha256=`` the HMAC-SHA256 of the body keyed with ``secret``.
    """

    def perform_create(self, serializer):
        data = serializer.validated_data
        user = signed_in_user(self.request)
        project = data.get("project")
        allowed = (
            rules.can_add_personal_hook(user)
            if project is None
            else rules.can_add_project_hook(user, project.pk)
        )
        if not allowed:
            raise exceptions.PermissionDenied(
                "Only the project's maintainers register its webhooks."
            )
        try:
            serializer.instance = webhook_create(
                owner=user,
                project=project,
                url=data["url"],
                secret=data["secret"],
                events=data["events"],
                active=data.get("active", True),
            )
        except InvalidWebhook as error:
            raise _as_validation_error(error) from None


class WebhookDetail(WebhookViewMixin, generics.RetrieveUpdateDestroyAPIView):
    """Show, change or delete a webhook you manage.

    An update without ``secret`` keeps the current one; the project of a
    hook does not change.
    """

    def perform_update(self, serializer):
        hook = serializer.instance
        data = serializer.validated_data
        try:
            webhook_update(
                hook=hook,
                url=data.get("url", hook.url),
                events=data.get("events", hook.events),
                active=data.get("active", hook.active),
                secret=data.get("secret", ""),
            )
        except InvalidWebhook as error:
            raise _as_validation_error(error) from None

    def perform_destroy(self, instance):
        webhook_delete(hook=instance)
