"""Rows for the objects a mirrored API shows, with the source's ids where free.

``MirroredObject`` records which row each source object became, so a later
run knows what it has; an object that matches a row the target already
holds (a user by name, a person by address, a patch by Message-ID in the
project) is linked to it rather than copied twice.
"""

import re
from collections import Counter
from typing import Any

from django.db import models
from django.db.models.functions import Lower

from apps.importer.api_client import MirrorFailed
from apps.importer.api_values import Obj
from apps.importer.models import MirroredObject
from apps.patches.models import State
from apps.people.models import Person, User

_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")


class Store:
    def __init__(self, source: str) -> None:
        self.source = source
        self.created: Counter[str] = Counter()
        self.updated: Counter[str] = Counter()
        self.models: set[type[models.Model]] = set()

    # --- The map of source ids -------------------------------------------

    def target(self, kind: str, source_id: int) -> int | None:
        return (
            MirroredObject.objects.filter(
                source=self.source, kind=kind, source_id=source_id
            )
            .values_list("target_id", flat=True)
            .first()
        )

    def has_any(self, kind: str) -> bool:
        return MirroredObject.objects.filter(source=self.source, kind=kind).exists()

    def remember(self, kind: str, source_id: int, target_id: int) -> int:
        MirroredObject.objects.create(
            source=self.source, kind=kind, source_id=source_id, target_id=target_id
        )
        return target_id

    def create(
        self, kind: str, model: type[models.Model], source_id: int, **values: Any
    ) -> int:
        """Create a row, with the source's id if the target has it free."""
        if not model._default_manager.filter(pk=source_id).exists():
            values["id"] = source_id
        row = model._default_manager.create(**values)
        self.models.add(model)
        self.created[kind] += 1
        return self.remember(kind, source_id, row.pk)

    # --- Who: users, people, states ----------------------------------------

    def user(self, user: Obj | None) -> int | None:
        """Return the row of an embedded user (delegate, check reporter, actor)."""
        if user is None:
            return None
        source_id = user.integer("id")
        if (known := self.target("user", source_id)) is not None:
            return known
        username = user.string("username")
        existing = User.objects.filter(username=username).values_list("id", flat=True)
        if existing:
            return self.remember("user", source_id, existing[0])
        return self.create(
            "user",
            User,
            source_id,
            username=username,
            first_name=user.string("first_name"),
            last_name=user.string("last_name"),
            email=user.string_or_none("email") or "",
            password="!",  # noqa: S106 - unusable: they log in at the source
        )

    def person(self, person: Obj) -> int:
        source_id = person.integer("id")
        if (known := self.target("person", source_id)) is not None:
            return known
        email = person.string("email")
        existing = (
            Person.objects.alias(address=Lower("email"))
            .filter(address=email.lower())
            .values_list("id", flat=True)
        )
        if existing:
            return self.remember("person", source_id, existing[0])
        return self.create(
            "person", Person, source_id, email=email, name=person.string_or_none("name")
        )

    def state(self, slug: str | None) -> int | None:
        """Return the state of a slug, adding one the target lacks after the others."""
        if slug is None:
            return None
        if not _SLUG.fullmatch(slug):
            raise MirrorFailed(f"not a state slug: {slug!r:.40}")
        found = State.objects.filter(slug=slug).values_list("id", flat=True).first()
        if found is not None:
            return found
        last = (
            State.objects.order_by("-ordering")
            .values_list("ordering", flat=True)
            .first()
        )
        self.created["state"] += 1
        return State.objects.create(
            name=slug.replace("-", " ").capitalize()[:100],
            slug=slug[:100],
            ordering=(last or 0) + 1,
        ).pk
