"""Create the things mail brings: patches, cover letters and comments.

Each function writes one row and records the event upstream records for it.
Callers (mail ingest) run them inside their own transaction and have already
checked for duplicates.
"""

import datetime as dt
from collections.abc import Sequence

from apps.patches.history import history
from apps.patches.models import (
    Cover,
    CoverComment,
    Patch,
    PatchComment,
    Series,
    State,
    Tag,
)
from apps.patches.services.search_index import patch_index_diff
from apps.patches.services.tags import (
    cover_replies,
    patch_add_tag_counts,
    patch_tags_init,
    patches_add_tag_counts,
    tag_counts,
)
from apps.people.models import Person, User
from apps.projects.models import Project
from apps.stored_urls import validate_pull_url


def patch_create(
    *,
    project: Project,
    msgid: str,
    name: str,
    date: dt.datetime,
    headers: str,
    submitter: Person,
    content: str,
    diff: str | None,
    diff_hash: str | None,
    pull_url: str | None,
    state: State,
    delegate: User | None = None,
    series: Series | None = None,
    number: int | None = None,
    tags: Sequence[Tag] = (),
) -> Patch:
    """Store a new patch and record patch-created.

    ``series`` and ``number`` place it (see
    ``apps.patches.services.series.series_slot_for_patch``). ``tags`` are
    the tag definitions to count in the content (pass none for a project
    with tags turned off). Raises ``ValidationError`` for a ``pull_url``
    that is not a repository URL (``apps.stored_urls``).
    """
    validate_pull_url(pull_url)
    patch = Patch.objects.create(
        project=project,
        msgid=msgid,
        name=name,
        date=date,
        headers=headers,
        submitter=submitter,
        content=content,
        diff=diff,
        hash=diff_hash,
        pull_url=pull_url,
        state=state,
        delegate=delegate,
        series=series,
        number=number,
    )
    patch_index_diff(patch_id=patch.pk, diff=diff)
    if tags:
        replies = (
            cover_replies(cover_id=series.cover_letter_id)
            if series is not None and series.cover_letter_id and project.cover_tags
            else []
        )
        patch_tags_init(
            patch_id=patch.pk, content=content, tags=tags, cover_replies=replies
        )
    history().record_patch_created(patch=patch)
    return patch


def cover_create(
    *,
    project: Project,
    msgid: str,
    name: str,
    date: dt.datetime,
    headers: str,
    submitter: Person,
    content: str,
) -> Cover:
    """Store a new cover letter and record cover-created."""
    cover = Cover.objects.create(
        project=project,
        msgid=msgid,
        name=name,
        date=date,
        headers=headers,
        submitter=submitter,
        content=content,
    )
    history().record_cover_created(cover=cover)
    return cover


def patch_comment_create(
    *,
    patch: Patch,
    msgid: str,
    date: dt.datetime,
    headers: str,
    submitter: Person,
    content: str,
    addressed: bool | None,
    tags: Sequence[Tag] = (),
) -> PatchComment:
    """Store a reply to ``patch``, add its tags, record patch-comment-created.

    ``tags`` as for ``patch_create``.
    """
    comment = PatchComment.objects.create(
        patch=patch,
        msgid=msgid,
        date=date,
        headers=headers,
        submitter=submitter,
        content=content,
        addressed=addressed,
    )
    if tags:
        patch_add_tag_counts(patch_id=patch.pk, counts=tag_counts([content], tags))
    history().record_patch_comment_created(comment=comment)
    return comment


def cover_comment_create(
    *,
    cover: Cover,
    msgid: str,
    date: dt.datetime,
    headers: str,
    submitter: Person,
    content: str,
    addressed: bool | None,
    tags: Sequence[Tag] = (),
) -> CoverComment:
    """Store a reply to ``cover`` and record cover-comment-created.

    ``tags`` are counted in the reply and added to every patch of the
    cover's series (pass none where the project does not count cover tags).
    """
    comment = CoverComment.objects.create(
        cover=cover,
        msgid=msgid,
        date=date,
        headers=headers,
        submitter=submitter,
        content=content,
        addressed=addressed,
    )
    counts = tag_counts([content], tags) if tags else {}
    if counts:
        patch_ids = Patch.objects.filter(series__cover_letter=cover).values_list(
            "pk", flat=True
        )
        patches_add_tag_counts(patch_ids=list(patch_ids), counts=counts)
    history().record_cover_comment_created(comment=comment)
    return comment
