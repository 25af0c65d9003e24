import re

from django.db.models import Q
from django.http import Http404
from rest_framework import generics

from apps.api.base import ApiViewMixin
from apps.api.permissions import CanEditCoverComment, CanEditPatchComment
from apps.api.serializers.comments import CoverCommentSerializer, PatchCommentSerializer
from apps.patches.models import Cover, Patch
from apps.patches.selectors import (
    cover_comment_list,
    cover_id_exists,
    patch_comment_list,
    patch_id_exists,
)
from apps.patches.services.comments import comment_set_addressed


def subject_contains(term: str) -> Q:
    """Match comments whose Subject: header (folded lines included) has ``term``.

    Comments keep their subject only in the stored header block; upstream
    searches a column that does not exist and crashes (§6.3 Deviation).
    """
    pattern = r"(^|\n)subject:([^\n]|\n[ \t])*" + re.escape(term.lower())
    return Q(headers__iregex=pattern)


class CommentViewMixin(ApiViewMixin):
    # Comment lists arrived in API 1.1 (their routes do not exist before).
    available_since = "1.1"
    parent_model: type[Patch | Cover] = Patch
    parent_kwarg = "patch_id"
    ordering_map = {"id": "id", "date": "date", "submitter": "submitter_id"}

    def parent_id(self) -> int:
        """Check that the parent exists (404 naming it otherwise)."""
        if getattr(self, "swagger_fake_view", False):
            return 0  # describing the route for the OpenAPI document
        parent_id = self.kwargs[self.parent_kwarg]
        exists = patch_id_exists if self.parent_model is Patch else cover_id_exists
        if not exists(parent_id):
            name = self.parent_model._meta.object_name
            raise Http404(f"No {name} matches the given query.")
        return parent_id

    def search_q(self, term: str) -> Q:
        return subject_contains(term)


class PatchCommentList(CommentViewMixin, generics.ListAPIView):
    """List patch comments"""  # noqa: D400 (upstream's text, no full stop)

    serializer_class = PatchCommentSerializer
    permission_classes = (CanEditPatchComment,)

    def get_queryset(self):
        return patch_comment_list(patch_id=self.parent_id())


class CoverCommentList(CommentViewMixin, generics.ListAPIView):
    """List cover comments"""  # noqa: D400 (upstream's text, no full stop)

    serializer_class = CoverCommentSerializer
    permission_classes = (CanEditCoverComment,)
    parent_model = Cover
    parent_kwarg = "cover_id"

    def get_queryset(self):
        return cover_comment_list(cover_id=self.parent_id())


class CommentDetailMixin(CommentViewMixin):
    # Comment detail routes (and ``addressed``) arrived in API 1.3.
    available_since = "1.3"
    lookup_url_kwarg = "comment_id"

    def perform_update(self, serializer):
        if "addressed" in serializer.validated_data:
            comment_set_addressed(
                comment=serializer.instance,
                addressed=serializer.validated_data["addressed"],
            )


class PatchCommentDetail(CommentDetailMixin, generics.RetrieveUpdateAPIView):
    """
    get:
    Show a patch comment.

    patch:
    Update a patch comment.

    put:
    Update a patch comment.
    """  # noqa: D205 (upstream's text: the browsable API shows it)

    serializer_class = PatchCommentSerializer
    permission_classes = (CanEditPatchComment,)

    def get_queryset(self):
        return patch_comment_list(patch_id=self.parent_id()).select_related(
            "patch__submitter"
        )


class CoverCommentDetail(CommentDetailMixin, generics.RetrieveUpdateAPIView):
    """
    get:
    Show a cover comment.

    patch:
    Update a cover comment.

    put:
    Update a cover comment.
    """  # noqa: D205 (upstream's text: the browsable API shows it)

    serializer_class = CoverCommentSerializer
    permission_classes = (CanEditCoverComment,)
    parent_model = Cover
    parent_kwarg = "cover_id"

    def get_queryset(self):
        return cover_comment_list(cover_id=self.parent_id()).select_related(
            "cover__submitter"
        )
