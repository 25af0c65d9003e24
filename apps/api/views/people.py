from rest_framework import generics

from apps.api.base import ApiViewMixin
from apps.api.permissions import IsAuthenticated, IsSelf
from apps.api.serializers.people import (
    PersonSerializer,
    UserDetailSerializer,
    UserSerializer,
)
from apps.people.selectors import person_list, user_list
from apps.people.services import SELF_EDITABLE_FIELDS, user_update


class UserList(ApiViewMixin, generics.ListAPIView):
    """List users."""

    serializer_class = UserSerializer
    permission_classes = (IsSelf,)
    search_fields = ("username", "first_name", "last_name", "email")
    ordering_map = {"id": "id", "username": "username", "email": "email"}

    def get_queryset(self):
        return user_list()


class UserDetail(ApiViewMixin, generics.RetrieveUpdateAPIView):
    """
    get:
    Show a user.

    patch:
    Update a user.

    put:
    Update a user.
    """  # noqa: D205 (upstream's text: the browsable API shows it)

    serializer_class = UserDetailSerializer
    permission_classes = (IsSelf,)

    def get_queryset(self):
        return user_list()

    def perform_update(self, serializer):
        fields = {
            name: value
            for name, value in serializer.validated_data.items()
            if name in SELF_EDITABLE_FIELDS
        }
        user_update(user=serializer.instance, **fields)


class PersonList(ApiViewMixin, generics.ListAPIView):
    """List users."""

    serializer_class = PersonSerializer
    permission_classes = (IsAuthenticated,)
    search_fields = ("name", "email")
    ordering_map = {"id": "id", "name": "name", "email": "email"}

    def get_queryset(self):
        return person_list()


class PersonDetail(ApiViewMixin, generics.RetrieveAPIView):
    """Show a user."""

    serializer_class = PersonSerializer
    permission_classes = (IsAuthenticated,)

    def get_queryset(self):
        return person_list()
