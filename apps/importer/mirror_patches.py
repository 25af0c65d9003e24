"""Copying a project's objects from the API: covers, series, patches, events."""

from typing import Any

from apps.checks.models import Check
from apps.events.models import Event
from apps.importer.api_client import ApiClient, MirrorFailed
from apps.importer.api_values import Obj, header_block
from apps.importer.mirror_store import Store
from apps.importer.models import MirroredObject
from apps.ingest.parsing.subject import series_marker
from apps.patches.models import (
    Cover,
    CoverComment,
    Patch,
    PatchComment,
    PatchRelation,
    Series,
    SeriesReference,
)
from apps.projects.models import Project

PROJECT_FIELDS = {  # API key -> column, for the keys a version shows
    "name": "name",
    "link_name": "linkname",
    "list_id": "listid",
    "list_email": "listemail",
    "web_url": "web_url",
    "scm_url": "scm_url",
    "webscm_url": "webscm_url",
    "subject_match": "subject_match",
    "list_archive_url": "list_archive_url",
    "list_archive_url_format": "list_archive_url_format",
    "commit_url_format": "commit_url_format",
}


class MirrorPatches:
    def __init__(self, client: ApiClient) -> None:
        self.client = client
        self.store = Store(client.root)
        self.project_id = 0
        self.fresh: set[int] = set()  # source patch ids read in this run
        self.retag: set[int] = set()  # target patch ids whose texts changed
        self.relations: dict[int, list[int]] = {}  # target patch -> source related
        self.dependencies: dict[int, list[int]] = {}  # target series -> source ids

    def _mail(self, obj: Obj) -> dict[str, Any]:
        return {
            "msgid": obj.string("msgid"),
            "date": obj.date("date"),
            "headers": header_block(obj.data.get("headers") or {}, obj.where),
            "content": obj.string_or_none("content"),
            "submitter_id": self.store.person(obj.obj("submitter")),
        }

    # --- Project ----------------------------------------------------------

    def project(self, linkname: str) -> None:
        data = Obj(self.client.get(f"projects/{linkname}/"), f"project {linkname}")
        values: dict[str, Any] = {
            column: data.string(key)
            for key, column in PROJECT_FIELDS.items()
            if data.has(key)
        }
        if data.has("show_dependencies"):
            values["show_dependencies"] = data.flag("show_dependencies")
        source_id = data.integer("id")
        target = self.store.target("project", source_id)
        if target is None:
            existing = Project.objects.filter(linkname=values["linkname"]).first()
            if existing is not None:
                target = self.store.remember("project", source_id, existing.pk)
            else:
                target = self.store.create("project", Project, source_id, **values)
        Project.objects.filter(pk=target).update(**values)
        maintainers = [
            user
            for item in data.objs("maintainers")
            if (user := self.store.user(item)) is not None
        ]
        Project.objects.get(pk=target).maintainers.add(*maintainers)
        self.project_id = target

    def ensure(self, kind: str, source_id: int) -> int:
        return {"cover": self.cover, "series": self.series, "patch": self.patch}[kind](
            source_id
        )

    # --- Covers and series --------------------------------------------------

    def cover(self, source_id: int) -> int:
        if (known := self.store.target("cover", source_id)) is not None:
            return known
        data = Obj(self.client.get(f"covers/{source_id}/"), f"cover {source_id}")
        target = self._existing(Cover, data)
        if target is not None:
            self.store.remember("cover", source_id, target)
        else:
            target = self.store.create(
                "cover",
                Cover,
                source_id,
                project_id=self.project_id,
                name=data.string("name"),
                **self._mail(data),
            )
        self._comments("cover", source_id, target)
        return target

    def series(self, source_id: int) -> int:
        if (known := self.store.target("series", source_id)) is not None:
            return known
        data = Obj(self.client.get(f"series/{source_id}/"), f"series {source_id}")
        cover = data.obj_or_none("cover_letter")
        target = self.store.create(
            "series",
            Series,
            source_id,
            project_id=self.project_id,
            name=data.string_or_none("name"),
            date=data.date("date"),
            submitter_id=self.store.person(data.obj("submitter")),
            version=data.integer("version"),
            total=data.integer("total"),
            cover_letter_id=self.cover(cover.integer("id")) if cover else None,
        )
        if data.has("dependencies"):
            self.dependencies[target] = data.series_ids("dependencies")
        if cover is not None:
            self._reference(cover.string("msgid"), target)
        return target

    def _reference(self, msgid: str, series: int) -> None:
        """Let mail the target ingests itself find the series, as ingest would."""
        SeriesReference.objects.get_or_create(
            project_id=self.project_id, msgid=msgid, defaults={"series_id": series}
        )

    # --- Patches ------------------------------------------------------------

    def patch(self, source_id: int) -> int:
        if (known := self.store.target("patch", source_id)) is not None:
            return known
        data = Obj(self.client.get(f"patches/{source_id}/"), f"patch {source_id}")
        target = self._existing(Patch, data)
        if target is not None:
            self.store.remember("patch", source_id, target)
        else:
            target = self.store.create(
                "patch",
                Patch,
                source_id,
                project_id=self.project_id,
                name=data.string("name"),
                diff=data.string_or_none("diff"),
                hash=data.string_or_none("hash"),
                **self._mail(data),
                **self._patch_state(data),
            )
            self._place_in_series(target, data)
        self._patch_children(source_id, target, data)
        return target

    def refresh_patch(self, source_id: int) -> None:
        """Read a patch again after events named it: state, comments, checks."""
        target = self.store.target("patch", source_id)
        if target is None:
            self.patch(source_id)
            return
        data = Obj(self.client.get(f"patches/{source_id}/"), f"patch {source_id}")
        Patch.objects.filter(pk=target).update(**self._patch_state(data))
        self.store.updated["patch"] += 1
        self._patch_children(source_id, target, data)

    def _patch_state(self, data: Obj) -> dict[str, Any]:
        state = self.store.state(data.string("state"))
        if state is None:
            raise MirrorFailed(f"{data.where}: no state")
        return {
            "state_id": state,
            "archived": data.flag("archived"),
            "commit_ref": data.string_or_none("commit_ref"),
            "pull_url": data.string_or_none("pull_url"),
            "delegate_id": self.store.user(data.obj_or_none("delegate")),
        }

    def _place_in_series(self, target: int, data: Obj) -> None:
        memberships = data.objs("series")
        if not memberships:
            return
        series = self.series(memberships[0].integer("id"))
        prefixes = [
            item for item in data.data.get("prefixes") or [] if isinstance(item, str)
        ]
        number: int | None = series_marker(prefixes)[0] or 1
        if Patch.objects.filter(series_id=series, number=number).exists():
            number = None
        Patch.objects.filter(pk=target).update(series_id=series, number=number)
        self._reference(data.string("msgid"), series)

    def _patch_children(self, source_id: int, target: int, data: Obj) -> None:
        self.fresh.add(source_id)
        self.retag.add(target)
        if data.has("related"):
            self.relations[target] = [
                item.integer("id") for item in data.objs("related")
            ]
        self._comments("patch", source_id, target)
        for page in self.client.pages(f"patches/{source_id}/checks/"):
            for item in page:
                self._check(Obj(item, f"checks of patch {source_id}"), target)

    def _check(self, check: Obj, patch: int) -> None:
        if self.store.target("check", check.integer("id")) is not None:
            return
        self.store.create(
            "check",
            Check,
            check.integer("id"),
            patch_id=patch,
            user_id=self.store.user(check.obj("user")),
            date=check.date("date"),
            state=check.check_state(),
            target_url=check.string_or_none("target_url"),
            context=check.string("context"),
            description=check.string_or_none("description"),
        )

    def _comments(self, parent: str, source_id: int, target: int) -> None:
        if not self.client.at_least("1.1"):
            return  # API 1.0 has no comment lists
        kind, model = (
            ("patch-comment", PatchComment)
            if parent == "patch"
            else ("cover-comment", CoverComment)
        )
        path = f"{'patches' if parent == 'patch' else 'covers'}/{source_id}/comments/"
        for page in self.client.pages(path):
            for item in page:
                comment = Obj(item, path)
                addressed = comment.flag_or_none("addressed")
                known = self.store.target(kind, comment.integer("id"))
                if known is not None:
                    model.objects.filter(pk=known).update(addressed=addressed)
                    continue
                self.store.create(
                    kind,
                    model,
                    comment.integer("id"),
                    addressed=addressed,
                    **{f"{parent}_id": target},
                    **self._mail(comment),
                )

    def _existing(self, model: type[Patch] | type[Cover], data: Obj) -> int | None:
        """Return the row the target already has for this mail (say, from ingest)."""
        return (
            model.objects.filter(project_id=self.project_id, msgid=data.string("msgid"))
            .values_list("id", flat=True)
            .first()
        )

    # --- Events --------------------------------------------------------------

    def event(self, event: Obj) -> set[int]:
        """Copy one event; return the source ids of older patches it names."""
        source_id = event.integer("id")
        if self.store.target("event", source_id) is not None:
            return set()
        payload = event.obj("payload")
        patch = payload.obj_or_none("patch")
        touched = {patch.integer("id")} if patch else set()
        values = self._event_objects(event.string("category"), payload)
        self.store.create(
            "event",
            Event,
            source_id,
            project_id=self.project_id,
            category=event.string("category"),
            date=event.date("date"),
            actor_id=self.store.user(event.obj_or_none("actor")),
            **values,
        )
        return touched

    def _event_objects(self, category: str, payload: Obj) -> dict[str, Any]:
        if category not in Event.Category.values:
            raise MirrorFailed(f"{payload.where}: unknown category {category!r:.40}")
        values: dict[str, Any] = {}
        for key, kind in (("patch", "patch"), ("series", "series"), ("cover", "cover")):
            if (item := payload.obj_or_none(key)) is not None:
                values[f"{key}_id"] = self.ensure(kind, item.integer("id"))
        for when in ("previous", "current"):
            values[f"{when}_state_id"] = self.store.state(
                payload.string_or_none(f"{when}_state")
            )
            values[f"{when}_delegate_id"] = self.store.user(
                payload.obj_or_none(f"{when}_delegate")
            )
        parent = "cover" if category.startswith("cover") else "patch"
        children = (
            ("check", "created_check_id", "check"),
            ("comment", f"{parent}_comment_id", f"{parent}-comment"),
        )
        for key, column, kind in children:
            item = payload.obj_or_none(key)
            if item is not None and values.get(f"{parent}_id") is not None:
                values[column] = self._child(kind, item, values[f"{parent}_id"])
        return values

    def _child(self, kind: str, item: Obj, parent_target: int) -> int | None:
        """Return the check or comment an event names, reading its parent if new."""
        known = self.store.target(kind, item.integer("id"))
        if known is None:
            parent = "cover" if kind == "cover-comment" else "patch"
            source_parent = self._source_of(parent, parent_target)
            if kind == "cover-comment":
                self._comments("cover", source_parent, parent_target)
            else:
                self.refresh_patch(source_parent)
            known = self.store.target(kind, item.integer("id"))
        return known

    def _source_of(self, kind: str, target: int) -> int:
        return (
            MirroredObject.objects.filter(
                source=self.store.source, kind=kind, target_id=target
            )
            .values_list("source_id", flat=True)
            .get()
        )

    # --- After all objects -----------------------------------------------------

    def finish_relations(self) -> None:
        """Group patches as the source relates them (relations have no ids to keep)."""
        for target, related in self.relations.items():
            members = {target} | {
                known
                for source in related
                if (known := self.store.target("patch", source)) is not None
            }
            if len(members) < 2:
                Patch.objects.filter(pk=target).update(related=None)
                continue
            current = (
                Patch.objects.filter(pk__in=members, related__isnull=False)
                .values_list("related_id", flat=True)
                .first()
            )
            relation = current or PatchRelation.objects.create().pk
            Patch.objects.filter(pk__in=members).update(related_id=relation)

    def finish_dependencies(self) -> None:
        for target, sources in self.dependencies.items():
            known = [self.store.target("series", source) for source in sources]
            Series.objects.get(pk=target).dependencies.set([k for k in known if k])
