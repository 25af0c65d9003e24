"""Where each kind of row is in the source's release of upstream's schema.

Up to Patchwork 3.0, patches and cover letters were rows of
``patchwork_submission`` with a child row each, and the comments of both
lived in ``patchwork_comment``; 3.0 split them into tables of their own,
keeping the ids.
"""

from collections.abc import Callable
from typing import Any

from apps.events.models import Event
from apps.importer.schema import Feature, SourceSchema
from apps.importer.table import PERSON, Table
from apps.patches.models import Cover, CoverComment, Patch, PatchComment, Series
from apps.people.models import User
from apps.projects.models import Project

MAIL = "msgid date headers submitter_id content"
SUBMISSION = f"{MAIL} project_id name"
PATCH_ONLY = "diff pull_url commit_ref hash archived delegate_id series_id number"
EVENT = (
    "id project_id category actor_id date patch_id series_id cover_id "
    "previous_state_id current_state_id previous_delegate_id current_delegate_id "
    "created_check_id"
)


class Layout:
    """Where each kind of row is in the source's release of upstream's schema."""

    def __init__(self, schema: SourceSchema, quote: Callable[[str], str]) -> None:
        self.schema = schema
        self.quote = quote
        self.merged = schema.has(Feature.MERGED_SUBMISSIONS)

    def same(self, names: str, alias: str = "t") -> dict[str, str]:
        """Columns that have the same name upstream."""
        return {name: f"{alias}.{self.quote(name)}" for name in names.split()}

    def plain(
        self,
        kind: str,
        model: Any,
        table: str,
        names: str,
        key: str = "id",
        **options: Any,
    ) -> Table:
        """Return a table read as it is, its columns named as patchserver's."""
        return Table(
            kind,
            model,
            f"{table} t",
            f"t.{self.quote(key)}",
            self.same(names),
            **options,
        )

    def users(self) -> Table:
        # Upstream keeps the settings on a profile row; a user may lack one.
        # A page size below 1 (possible upstream) would break the web lists.
        columns = self.same(
            "id password last_login is_superuser username first_name last_name email "
            "is_staff is_active date_joined"
        )
        columns["items_per_page"] = (
            "CASE WHEN p.items_per_page >= 1 THEN p.items_per_page ELSE 100 END"
        )
        columns["show_ids"] = "COALESCE(p.show_ids, FALSE)"
        columns["send_email"] = "COALESCE(p.send_email, FALSE)"
        source = "auth_user t LEFT JOIN patchwork_userprofile p ON p.user_id = t.id"
        return Table("users", User, source, "t.id", columns)

    def projects(self) -> Table:
        names = (
            "id linkname name listid listemail subject_match web_url scm_url "
            "webscm_url list_archive_url list_archive_url_format commit_url_format "
            "send_notifications use_tags"
        )
        if self.schema.has(Feature.DEPENDENCIES):
            names += " show_dependencies"
        return self.plain("projects", Project, "patchwork_project", names)

    def maintainers(self) -> Table:
        # Upstream lists maintained projects on the user's profile.
        source = (
            "patchwork_userprofile_maintainer_projects t "
            "JOIN patchwork_userprofile p ON p.id = t.userprofile_id"
        )
        columns = {**self.same("id project_id"), "user_id": "p.user_id"}
        return Table(
            "project maintainers", Project.maintainers.through, source, "t.id", columns
        )

    def covers(self) -> Table:
        remap = {"submitter_id": PERSON}
        columns = self.same(f"id {SUBMISSION}")
        if self.merged:
            return Table(
                "covers",
                Cover,
                "patchwork_cover t",
                "t.id",
                columns,
                wide=True,
                remap=remap,
            )
        # Up to 3.0 a cover letter is a submission with a child row.
        source = (
            "patchwork_coverletter c JOIN patchwork_submission t "
            "ON t.id = c.submission_ptr_id"
        )
        return Table(
            "covers",
            Cover,
            source,
            "c.submission_ptr_id",
            columns,
            wide=True,
            remap=remap,
        )

    def series(self) -> Table:
        if self.merged:
            of_patches = "SELECT MIN(x.project_id) FROM patchwork_patch x "
            of_patches += "WHERE x.series_id = t.id"
            of_cover = "SELECT x.project_id FROM patchwork_cover x "
        else:
            of_patches = "SELECT MIN(x.project_id) FROM patchwork_patch y "
            of_patches += "JOIN patchwork_submission x ON x.id = y.submission_ptr_id "
            of_patches += "WHERE y.series_id = t.id"
            of_cover = "SELECT x.project_id FROM patchwork_submission x "
        of_cover += "WHERE x.id = t.cover_letter_id"
        # Series from before upstream's 2.0 data migration may lack a project:
        # they belong to the project of their patches or cover letter.
        columns = self.same("id cover_letter_id name date submitter_id version total")
        columns["project_id"] = f"COALESCE(t.project_id, ({of_patches}), ({of_cover}))"
        note = ("t.project_id IS NULL", "had no project: given their patches' project")
        return Table(
            "series",
            Series,
            "patchwork_series t",
            "t.id",
            columns,
            remap={"submitter_id": PERSON},
            notes=(note,),
        )

    def patches(self, default_state: int | None) -> Table:
        child = "t" if self.merged else "p"
        columns = {**self.same(f"id {SUBMISSION}"), **self.same(PATCH_ONLY, child)}
        columns["state_id"] = f"{child}.state_id"
        if self.schema.has(Feature.RELATIONS):
            columns.update(self.same("related_id", child))
        notes: tuple[tuple[str, str], ...] = ()
        if default_state is not None:
            # Upstream allows a patch without a state (3.0's migration left
            # the old cover letter rows so); patchserver gives every patch one.
            columns["state_id"] = f"COALESCE({child}.state_id, {int(default_state)})"
            notes = (
                (
                    f"{child}.state_id IS NULL",
                    "had no state: given the state with the lowest ordering",
                ),
            )
        source, key = "patchwork_patch t", "t.id"
        if not self.merged:
            source = "patchwork_patch p JOIN patchwork_submission t "
            source += "ON t.id = p.submission_ptr_id"
            key = "p.submission_ptr_id"
        return Table(
            "patches",
            Patch,
            source,
            key,
            columns,
            wide=True,
            remap={"submitter_id": PERSON},
            notes=notes,
        )

    def comments(self) -> list[Table]:
        options: dict[str, Any] = {"wide": True, "remap": {"submitter_id": PERSON}}
        if not self.merged:
            # Up to 3.0 both kinds live in one table, pointing at submissions.
            on_patch = "JOIN patchwork_patch p ON p.submission_ptr_id = t.submission_id"
            on_cover = (
                "JOIN patchwork_coverletter c ON c.submission_ptr_id = t.submission_id"
            )
            mail = self.same(f"id {MAIL}")
            return [
                Table(
                    "patch comments",
                    PatchComment,
                    f"patchwork_comment t {on_patch}",
                    "t.id",
                    {**mail, "patch_id": "t.submission_id"},
                    **options,
                ),
                Table(
                    "cover comments",
                    CoverComment,
                    f"patchwork_comment t {on_cover}",
                    "t.id",
                    {**mail, "cover_id": "t.submission_id"},
                    **options,
                ),
            ]
        addressed = " addressed" if self.schema.has(Feature.ADDRESSED) else ""
        return [
            self.plain(
                "patch comments",
                PatchComment,
                "patchwork_patchcomment",
                f"id {MAIL} patch_id{addressed}",
                **options,
            ),
            self.plain(
                "cover comments",
                CoverComment,
                "patchwork_covercomment",
                f"id {MAIL} cover_id{addressed}",
                **options,
            ),
        ]

    def events(self) -> Table:
        names = EVENT
        if self.schema.has(Feature.RELATIONS):
            names += " previous_relation_id current_relation_id"
        if self.schema.has(Feature.COMMENT_EVENTS):
            names += " patch_comment_id cover_comment_id"
        return self.plain("events", Event, "patchwork_event", names)
