"""Changes people make to comments."""

from django.db import transaction

from apps.patches.models import CoverComment, PatchComment


@transaction.atomic
def comment_set_addressed(
    *, comment: PatchComment | CoverComment, addressed: bool | None
) -> PatchComment | CoverComment:
    """Mark a comment as needing action (False), addressed (True) or neither.

    No event is recorded: upstream re-announces the comment as created on
    every save, which is a defect (rest-api.md §7.8 Deviation).
    Permission is the caller's to check (``apps.patches.rules``).
    """
    if comment.addressed != addressed:
        comment.addressed = addressed
        comment.save(update_fields=["addressed"])
    return comment
