"""Lookups ingest repeats for every mail, remembered for one run.

``parsemail`` makes a fresh context per mail; ``parsearchive`` keeps one for
the whole archive, so an archive of 50,000 mails reads the project, states,
tags and delegation rules once instead of per mail. (Changes made to those in
the admin while an archive is being read apply from the next run.)
"""

from dataclasses import dataclass, field

from django.db import transaction

from apps.patches import selectors as patch_selectors
from apps.patches.models import State, Tag
from apps.people.models import Person
from apps.people.services import person_get_or_create, person_name_seen
from apps.projects.models import Project
from apps.projects.selectors import (
    delegation_rules,
    project_matching_subject,
    projects_for_list,
)


@dataclass
class IngestContext:
    _projects: dict[str, list[Project]] = field(default_factory=dict)
    _rules: dict[int, list[tuple[str, int]]] = field(default_factory=dict)
    _states: dict[str, State | None] = field(default_factory=dict)
    _default_state: State | None = None
    _tags: list[Tag] | None = None
    # People whose row is committed: address as written -> id, id -> name.
    # Names are kept per id so that every spelling of an address (any case)
    # sees the latest name, as a fresh read would.
    _people: dict[str, int] = field(default_factory=dict)
    _names: dict[int, str | None] = field(default_factory=dict)
    # The same, written by the open transaction: trusted only until it ends.
    _fresh_people: dict[str, int] = field(default_factory=dict)
    _fresh_names: dict[int, str | None] = field(default_factory=dict)
    # An archive run (parsearchive): duplicates still update the sender's name.
    archive: bool = False
    # Storing replies whose wait expired: upstream's search, no more waiting.
    expiring: bool = False
    # Projects locked by the open (batch) transaction that have no reply
    # waiting: none can be added by others while the lock is held.
    nothing_waiting: set[int] = field(default_factory=set)
    # The database session already has ingest's lock timeout (archive runs).
    session_lock_timeout: bool = False
    # Projects whose ingest lock the current transaction holds, when one
    # transaction stores several mails (archive runs); None otherwise.
    locks_held: set[int] | None = None

    def project(self, list_id: str, subject: str | None) -> Project | None:
        """Return the project for a mail of list ``list_id`` with ``subject``."""
        if list_id not in self._projects:
            self._projects[list_id] = projects_for_list(list_id)
        return project_matching_subject(self._projects[list_id], subject)

    def default_state(self) -> State:
        """Return the state new patches get (the lowest ``ordering``)."""
        if self._default_state is None:
            self._default_state = patch_selectors.states().first()
            if self._default_state is None:
                raise State.DoesNotExist("no patch states are defined")
        return self._default_state

    def state_named(self, name: str) -> State | None:
        """Return the state called ``name`` (any case), or None."""
        key = name.lower()
        if key not in self._states:
            self._states[key] = patch_selectors.state_named(name)
        return self._states[key]

    def tags(self) -> list[Tag]:
        if self._tags is None:
            self._tags = patch_selectors.tag_list()
        return self._tags

    def delegation_rules(self, project: Project) -> list[tuple[str, int]]:
        """Return (path glob, user id) of the project's rules, in the order tried."""
        if project.pk not in self._rules:
            self._rules[project.pk] = delegation_rules(project)
        return self._rules[project.pk]

    def begin(self) -> None:
        """Start a transaction: forget what an unfinished earlier one wrote."""
        self._fresh_people.clear()
        self._fresh_names.clear()
        self.nothing_waiting.clear()

    def person(self, email: str, name: str | None) -> Person:
        """Return the person for a sender, as ``person_get_or_create`` does.

        The latest non-empty name wins, whichever spelling of the address
        carried it. Remembers people once the transaction that read or wrote
        them has committed, so a rolled-back mail never leaves a stale entry
        (callers call ``begin`` when a transaction starts).
        """
        pk = self._fresh_people.get(email, self._people.get(email))
        if pk is None:
            person = person_get_or_create(email=email, name=name)
        else:
            stored = self._fresh_names.get(pk, self._names.get(pk))
            known = Person(pk=pk, email=email, name=stored)
            person = person_name_seen(person=known, name=name)
        self._fresh_people[email] = person.pk
        self._fresh_names[person.pk] = person.name
        transaction.on_commit(self._keep_fresh)
        return person

    def _keep_fresh(self) -> None:
        self._people.update(self._fresh_people)
        self._names.update(self._fresh_names)
        self._fresh_people.clear()
        self._fresh_names.clear()
