"""Store one mail: resolve what the parser found, then write it in one transaction.

``ingest_message`` reads as the list of steps upstream Patchwork takes (see
the ingest spec, section 2): ignore hint, project, Message-Id and Subject,
body, then classify and store a patch, a cover letter or a comment. Every
write of one mail happens in one transaction, after taking the project's
ingest lock (``apps.ingest.locking``).
"""

import dataclasses
import datetime as dt
import logging

from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from apps.events.services import events_batched
from apps.ingest import parsing
from apps.ingest.context import IngestContext
from apps.ingest.exceptions import (
    MailRefused,
    TemporaryFailure,
    Unparseable,
    is_permanent,
)
from apps.ingest.locking import lock_project
from apps.ingest.parsing import (
    Kind,
    MalformedMail,
    ParsedMail,
)
from apps.ingest.parsing.content import changed_files
from apps.ingest.parsing.hashing import hash_diff
from apps.ingest.pending import (
    StoreReply,
    any_waiting,
    release_waiting,
)
from apps.ingest.results import IngestResult, dropped
from apps.ingest.store import MailStore, author_or_error
from apps.projects.models import Project

logger = logging.getLogger(__name__)


def ingest_message(
    raw: bytes,
    *,
    list_id: str | None = None,
    context: IngestContext | None = None,
    received_at: dt.datetime | None = None,
) -> IngestResult:
    """Parse one mail and store what it carries.

    ``list_id`` (when not empty) names the project's list instead of the
    mail's List-Id headers. ``context`` keeps lookups between mails of one
    archive. Raises ``Unparseable`` for a mail that cannot be stored (missing
    or invalid From, Subject or Message-Id), ``MailRefused`` when the
    database refuses what the mail holds, and ``TemporaryFailure`` when the
    database is unreachable or the project lock is not granted in time;
    other database errors propagate. Nothing is stored when it raises.
    """
    try:
        parsed = parsing.parse_bytes(raw, received_at=received_at or timezone.now())
    except MalformedMail as exc:
        raise Unparseable(str(exc)) from exc
    return ingest_parsed(parsed, list_id=list_id, context=context, raw=raw)


def ingest_parsed(
    parsed: ParsedMail,
    *,
    list_id: str | None = None,
    context: IngestContext | None = None,
    raw: bytes | None = None,
) -> IngestResult:
    """Store a parsed mail; see ``ingest_message``.

    ``raw`` is the mail as received: a reply that comes before the mail it
    answers is kept with it until then (without it, it is dropped).
    """
    try:
        return _ingest(
            parsed, list_id=list_id, context=context or IngestContext(), raw=raw
        )
    except MalformedMail as exc:
        raise Unparseable(str(exc)) from exc
    except (OperationalError, InterfaceError) as exc:
        if is_permanent(exc):
            raise MailRefused(f"the database refused the mail: {exc}") from exc
        # Connection refused or lost, lock or busy timeout: worth retrying.
        raise TemporaryFailure(f"database unavailable: {exc}".strip()) from exc


def _find_project(
    parsed: ParsedMail, list_id: str | None, context: IngestContext
) -> Project | None:
    if list_id:
        return context.project(list_id, parsed.subject)
    for candidate in parsed.list_ids:
        project = context.project(candidate, parsed.subject)
        if project is not None:
            return project
    return None


def _lock(project: Project, context: IngestContext) -> None:
    held = context.locks_held
    if held is not None and project.pk in held:
        return  # this transaction locked the project for an earlier mail
    lock_project(project.pk, session_timeout=context.session_lock_timeout)
    if held is not None:
        held.add(project.pk)
        # Probed once per batch instead of once per stored mail.
        if not any_waiting(project):
            context.nothing_waiting.add(project.pk)


def _ingest(
    parsed: ParsedMail,
    *,
    list_id: str | None,
    context: IngestContext,
    raw: bytes | None = None,
) -> IngestResult:
    if parsed.hints.ignore:
        logger.info("Ignoring email due to 'ignore' hint")
        return dropped("X-Patchwork-Hint: ignore")
    project = _find_project(parsed, list_id, context)
    if project is None:
        logger.error("Failed to find a project for email")
        return dropped("no project for this list")
    if not parsed.msgid:
        raise MalformedMail("Broken 'Message-Id' header")
    info = parsing.subject_info(parsed, project.linkname)
    kind = parsed.kind
    if kind is Kind.NOTHING:
        return dropped("no diff and no text", parsed.msgid)
    # Everything the mail alone decides is worked out before the transaction
    # and the project lock, so other deliveries never wait on it.
    store = MailStore(
        parsed=parsed,
        project=project,
        info=info,
        context=context,
        author=author_or_error(parsed, project.listemail),
        diff_hash=hash_diff(parsed.diff) if parsed.diff else None,
        files=changed_files(parsed.diff) if parsed.diff else [],
        raw=raw,
        list_id=list_id or "",
    )
    # No savepoint when an archive run stores several mails in one
    # transaction (``context.locks_held`` is set then): any failure there
    # rolls the whole batch back and the run stores those mails one by one,
    # so a savepoint per mail would only add two round trips.
    batched = context.locks_held is not None
    if not batched:
        context.begin()
    with transaction.atomic(savepoint=not batched), events_batched():
        _lock(project, context)
        result = store.store(kind)
        if not result.outcome.stored:
            return result
        if project.pk in context.nothing_waiting:
            return result
        released = release_waiting(project, store.msgid, _store_released(context))
        return dataclasses.replace(result, released=tuple(released))


def _store_released(context: IngestContext) -> StoreReply:
    def store(
        parsed: ParsedMail, raw: bytes, project: Project, list_id: str
    ) -> IngestResult:
        return MailStore(
            parsed=parsed,
            project=project,
            info=parsing.subject_info(parsed, project.linkname),
            context=context,
            author=author_or_error(parsed, project.listemail),
            diff_hash=None,
            files=[],
            raw=raw,
            list_id=list_id,
        ).comment()

    return store
