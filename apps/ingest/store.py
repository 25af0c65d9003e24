"""The writes for one mail once its project is known, inside its transaction.

``apps.ingest.services`` finds the project, takes its lock and calls
``MailStore.store``; a reply released from waiting (``apps.ingest.pending``)
comes back through ``MailStore.comment``.
"""

import logging
from dataclasses import dataclass
from fnmatch import fnmatchcase

from django.core.exceptions import ValidationError
from django.db.models import Model

from apps.ingest import parsing
from apps.ingest.context import IngestContext
from apps.ingest.dependencies import resolve_dependencies
from apps.ingest.parents import Parent, first_unknown, reply_parent
from apps.ingest.parsing import (
    Author,
    Kind,
    MalformedMail,
    ParsedMail,
    SubjectInfo,
)
from apps.ingest.pending import (
    keep_waiting,
)
from apps.ingest.results import IngestResult, Outcome, dropped
from apps.patches import fixed_sql
from apps.patches.models import (
    Cover,
    CoverComment,
    Patch,
    PatchComment,
    Series,
    State,
    Tag,
)
from apps.patches.services.series import (
    series_add_dependencies,
    series_patch_added,
    series_slot_for_patch,
)
from apps.patches.services.series_covers import (
    series_attach_cover,
    series_for_cover,
)
from apps.patches.services.series_updates import (
    series_supersede,
    series_supersede_if_newer,
)
from apps.patches.services.submissions import (
    cover_comment_create,
    cover_create,
    patch_comment_create,
    patch_create,
)
from apps.patches.services.versions import series_record_head
from apps.people.models import Person, User
from apps.projects.models import Project
from apps.stored_urls import validate_pull_url

logger = logging.getLogger(__name__)

MAX_MSGID = 255
MAX_PULL_URL = 255


def _storable_pull_url(url: str | None) -> str | None:
    """Return a pull request's URL as it can be stored, or None if it cannot."""
    if url is not None and len(url) > MAX_PULL_URL:
        # Upstream fails on the database limit and loses the mail; the
        # full URL stays readable in the content.
        logger.warning("Pull URL longer than %d characters, cut", MAX_PULL_URL)
        url = url[:MAX_PULL_URL].rstrip(" \\")
    try:
        validate_pull_url(url)
    except ValidationError:
        # A script scheme in the URL's place: the mail is kept, the link not.
        logger.warning("Pull URL %r refused, not stored", url)
        return None
    return url


def author_or_error(parsed: ParsedMail, list_email: str) -> Author | MalformedMail:
    # An invalid From fails the mail only once it is known to be stored (a
    # duplicate or a reply to an unknown mail is not an error): kept for then.
    try:
        return parsing.resolve_author(parsed, list_email)
    except MalformedMail as exc:
        return exc


@dataclass
class MailStore:
    """The writes for one mail of a known project (inside the transaction)."""

    parsed: ParsedMail
    project: Project
    info: SubjectInfo
    context: IngestContext
    author: Author | MalformedMail
    diff_hash: str | None
    files: list[str]
    raw: bytes | None = None
    list_id: str = ""

    def store(self, kind: Kind) -> IngestResult:
        if kind is Kind.PATCH:
            return self.patch()
        if kind is Kind.COVER:
            result = self.cover()
            if result is not None:
                return result
        return self.comment()

    @property
    def msgid(self) -> str:
        return self.parsed.msgid or ""

    def _taken(self, model: type[Model], parent_column: str, parent_id: int) -> bool:
        """Return whether this mail's Message-Id is stored under that parent."""
        return fixed_sql.msgid_taken(
            model, parent_column=parent_column, parent_id=parent_id, msgid=self.msgid
        )

    def _duplicate(self) -> IngestResult:
        if self.context.archive:
            # Upstream's parsearchive updates the sender's name before it
            # finds the duplicate, and keeps the update (parsemail does not).
            self._author()
        logger.warning("Duplicate mail for message ID %s", self.msgid)
        return IngestResult(Outcome.DUPLICATE, msgid=self.msgid)

    def _author(self) -> Person:
        if isinstance(self.author, MalformedMail):
            raise self.author
        return self.context.person(self.author.email, self.author.name)

    def _tags(self) -> list[Tag]:
        return self.context.tags() if self.project.use_tags else []

    # --- patches -------------------------------------------------------------

    def patch(self) -> IngestResult:
        parsed = self.parsed
        if self._taken(Patch, "project_id", self.project.pk):
            return self._duplicate()
        submitter = self._author()
        slot = series_slot_for_patch(
            project=self.project,
            msgid=self.msgid,
            name=self.info.name,
            submitter=submitter,
            date=parsed.date,
            number=self.info.number,
            total=self.info.total,
            version=self.info.version,
            references=parsed.references,
            versioned=self.info.versioned,
        )
        patch = patch_create(
            project=self.project,
            msgid=self.msgid,
            name=self.info.name,
            date=parsed.date,
            headers=parsed.headers,
            submitter=submitter,
            content=parsed.content,
            diff=parsed.diff,
            diff_hash=self.diff_hash,
            pull_url=_storable_pull_url(parsed.pull_url),
            state=self._state(),
            delegate=self._delegate(),
            series=slot.series if slot.number else None,
            number=slot.number,
            tags=self._tags(),
        )
        series_patch_added(slot=slot, patch=patch)
        if slot.number == 1:
            self._versions(slot.series)
        elif slot.number and self.project.supersede_old_versions:
            series_supersede_if_newer(series=slot.series)
        self._add_dependencies(slot.series)
        return IngestResult(Outcome.PATCH, msgid=self.msgid, obj=patch)

    def _state(self) -> State:
        wanted = self.parsed.hints.state
        if wanted:
            state = self.context.state_named(wanted)
            if state is not None:
                return state
        return self.context.default_state()

    def _delegate(self) -> User | None:
        wanted = self.parsed.hints.delegate
        if wanted:
            users = list(User.objects.filter(email__iexact=wanted)[:2])
            if len(users) == 1:
                return users[0]
            if users:
                logger.warning("X-Patchwork-Delegate %s names several users", wanted)
        if not self.parsed.diff:
            return None
        user_id = self._delegate_by_rules(self.files)
        return User.objects.filter(pk=user_id).first() if user_id else None

    def _delegate_by_rules(self, files: list[str]) -> int | None:
        """Return the one user the delegation rules give every changed file, if any."""
        if not files:
            return None
        rules = self.context.delegation_rules(self.project)
        delegate = None
        for name in files:
            user_id = next(
                (uid for glob, uid in rules if fnmatchcase(name, glob)), None
            )
            if user_id is None or (delegate is not None and user_id != delegate):
                return None
            delegate = user_id
        return delegate

    def _versions(self, series: Series) -> None:
        """Link the versions around a series that got its cover or first patch.

        With the project's ``supersede_old_versions``, the patches of a
        series that just became an older version move to Superseded.
        """
        changes = series_record_head(
            series=series,
            msgid=self.msgid,
            references=self.parsed.references,
            content=self.parsed.content,
            name=self.info.name,
        )
        if not self.project.supersede_old_versions:
            return
        older = [previous for _, previous in changes if previous is not None]
        if older:
            series_supersede(series_ids=older)
        else:
            series_supersede_if_newer(series=series)

    def _add_dependencies(self, series: Series | None) -> None:
        if series is not None and self.parsed.depends_on:
            series_add_dependencies(
                series=series,
                dependencies=resolve_dependencies(self.parsed.depends_on, self.project),
            )

    # --- cover letters -------------------------------------------------------

    def cover(self) -> IngestResult | None:
        """Store a cover letter; None when it is to be handled as a reply."""
        if self._taken(Cover, "project_id", self.project.pk):
            # Checked first: upstream's name test below would otherwise turn
            # a re-delivered threaded cover into a comment (its bug B3).
            return self._duplicate()
        if (
            self.parsed.references
            and Cover.objects.filter(name=self.info.name).exists()
        ):
            # Upstream's rule: a threaded 0/n mail whose name a cover letter
            # (of any project) already has is a reply, not a new cover.
            return None
        submitter = self._author()
        series = series_for_cover(
            project=self.project,
            msgid=self.msgid,
            date=self.parsed.date,
            submitter=submitter,
            version=self.info.version,
            total=self.info.total or 0,
        )
        cover = cover_create(
            project=self.project,
            msgid=self.msgid,
            name=self.info.name,
            date=self.parsed.date,
            headers=self.parsed.headers,
            submitter=submitter,
            content=self.parsed.content,
        )
        if series_attach_cover(series=series, cover=cover):
            self._versions(series)
        self._add_dependencies(series)
        return IngestResult(Outcome.COVER, msgid=self.msgid, obj=cover)

    # --- comments ------------------------------------------------------------

    def comment(self) -> IngestResult:
        refs = list(dict.fromkeys(ref[:MAX_MSGID] for ref in self.parsed.references))
        if not refs:
            return dropped("not a patch and not a reply", self.msgid)
        parent = reply_parent(self.project.pk, refs)
        awaited = self._must_wait(refs, parent)
        if awaited is not None:
            return self._wait(awaited)
        if parent is None:
            return dropped("reply to a mail that is not stored", self.msgid)
        # action required unless addressed; upstream ignores the header on
        # cover comments (its bug B5), which we do not.
        addressed = False if self.parsed.hints.action_required else None
        if isinstance(parent.obj, Patch):
            if self._taken(PatchComment, "patch_id", parent.obj.pk):
                return self._duplicate()
            comment: PatchComment | CoverComment = patch_comment_create(
                patch=parent.obj,
                msgid=self.msgid,
                date=self.parsed.date,
                headers=self.parsed.headers,
                submitter=self._author(),
                content=self.parsed.content,
                addressed=addressed,
                tags=self._tags(),
            )
            return IngestResult(Outcome.PATCH_COMMENT, msgid=self.msgid, obj=comment)
        if self._taken(CoverComment, "cover_id", parent.obj.pk):
            return self._duplicate()
        comment = cover_comment_create(
            cover=parent.obj,
            msgid=self.msgid,
            date=self.parsed.date,
            headers=self.parsed.headers,
            submitter=self._author(),
            content=self.parsed.content,
            addressed=addressed,
            tags=self._tags() if self.project.cover_tags else [],
        )
        return IngestResult(Outcome.COVER_COMMENT, msgid=self.msgid, obj=comment)

    def _must_wait(self, refs: list[str], parent: Parent | None) -> str | None:
        """Return the Message-Id this reply must wait for, if any.

        Delivered in order, a reply finds the mail it answers (its nearest
        reference) stored, and every older one: found through an older
        ancestor only, or not at all, it may have come first, so it waits
        for the mail it answers. Found on a cover letter, it also waits for
        what that cover letter answered, if not stored yet: a patch there
        takes the reply, in upstream's search, once stored. An expiring
        reply (``context.expiring``) waits no longer.
        """
        if self.context.expiring or self.raw is None:
            return None
        project_id = self.project.pk
        if parent is None or (
            parent.ref != refs[0] and reply_parent(project_id, refs[:1]) is None
        ):
            return refs[0]
        cover = parent.obj.msgid if isinstance(parent.obj, Cover) else None
        if cover in refs:
            # What the cover letter itself answered (an earlier version):
            # a patch there takes the reply. Replies in between cannot.
            beyond = refs[refs.index(cover) + 1 :]
            return first_unknown(project_id, beyond) if beyond else None
        return None

    def _wait(self, awaits: str) -> IngestResult:
        assert self.raw is not None  # _must_wait asks for none without it
        self.context.nothing_waiting.discard(self.project.pk)
        kept = keep_waiting(
            project=self.project,
            msgid=self.msgid,
            awaits=awaits,
            list_id=self.list_id,
            raw=self.raw,
        )
        if not kept:
            return self._duplicate()
        logger.info("Reply %s kept until %s is stored", self.msgid, awaits)
        return IngestResult(
            Outcome.WAITING, msgid=self.msgid, reason=f"waiting for {awaits}"
        )
