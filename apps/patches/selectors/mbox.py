"""Patches and covers loaded with what their mbox rendering reads."""

from django.db.models import Prefetch, QuerySet

from apps.patches.models import Cover, CoverComment, Patch, PatchComment


def patch_mbox_queryset() -> QuerySet[Patch]:
    """Return patches with what ``mbox.patch_to_mail`` reads.

    Two queries, and a third for the replies to their series' cover letters
    when any of them has one (their tags go into every patch's mail).
    """
    comments = PatchComment.objects.only("id", "patch_id", "content").order_by("id")
    cover_replies = CoverComment.objects.only("id", "cover_id", "content").order_by(
        "id"
    )
    return (
        Patch.objects.select_related(
            "project", "submitter", "delegate", "series__cover_letter"
        )
        .defer(
            *(f"series__cover_letter__{name}" for name in ("content", "headers")),
        )
        .prefetch_related(
            Prefetch("comments", queryset=comments),
            Prefetch("series__cover_letter__comments", queryset=cover_replies),
        )
    )


def cover_mbox_queryset() -> QuerySet[Cover]:
    """Return covers with what ``mbox.cover_to_mail`` reads, in 2 queries."""
    comments = CoverComment.objects.only("id", "cover_id", "content").order_by("id")
    return Cover.objects.select_related("project", "submitter").prefetch_related(
        Prefetch("comments", queryset=comments)
    )


def series_mbox_patches(*, series_id: int, below: int | None = None) -> QuerySet[Patch]:
    """Return a series' patches by number (only those numbered below ``below``)."""
    patches = patch_mbox_queryset().filter(series_id=series_id)
    if below is not None:
        patches = patches.filter(number__lt=below)
    return patches.order_by("number", "id")
