"""Which upstream Patchwork schema a source database has.

Read from the source's ``django_migrations`` rows of the ``patchwork`` app:
the importer knows upstream's migrations from 2.2 (``0039``) to the newest
one on upstream's main branch, and refuses anything else by name, so a
database changed by a fork or by a newer upstream release is never read
with the wrong column list.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

# Upstream's migrations of the ``patchwork`` app, in order.
MAIN_LINE: tuple[str, ...] = (
    "0001_initial",
    "0002_fix_patch_state_default_values",
    "0003_add_check_model",
    "0004_add_delegation_rule_model",
    "0005_unselectable_maintainer_projects",
    "0006_add_patch_diff",
    "0007_move_comment_content_to_patch_content",
    "0008_add_email_mixin",
    "0009_add_submission_model",
    "0010_migrate_data_from_submission_to_patch",
    "0011_remove_temp_fields",
    "0012_add_coverletter_model",
    "0013_slug_check_context",
    "0014_remove_userprofile_primary_project",
    "0015_add_series_models",
    "0016_series_project",
    "0017_improved_delegation_rule_docs",
    "0018_add_event_model",
    "0019_userprofile_show_ids",
    "0020_tag_show_column",
    "0021_django_1_10_fixes",
    "0022_add_subject_match_to_project",
    "0023_timezone_unify",
    "0024_patch_patch_project",
    "0025_add_regex_validators",
    "0026_add_user_bundles_backref",
    "0027_remove_series_ordering",
    "0028_add_comment_date_index",
    "0029_add_list_covering_index",
    "0030_add_submission_covering_index",
    "0031_add_patch_series_fields",
    "0032_migrate_data_from_series_patch_to_patch",
    "0033_remove_patch_series_model",
    "0034_project_list_archive_url",
    "0035_project_list_archive_url_format",
    "0036_project_commit_url_format",
    "0037_event_actor",
    "0038_state_slug",
    "0039_unique_series_references",
    "0040_add_related_patches",
    "0041_python3",
    "0042_add_cover_model",
    "0043_merge_patch_submission",
    "0044_add_project_linkname_validation",
    "0045_addressed_fields",
    "0046_patch_comment_events",
    "0047_add_database_indexes",
    "0048_series_dependencies",
)

# Upstream 3.0 squashed 0001-0040; a database created from the squashed
# migration may record only its name.
SQUASHED = {"0001_squashed_0040_add_related_patches": MAIN_LINE[:40]}

OLDEST = "0039_unique_series_references"  # Patchwork 2.2

# 0043 is not atomic: a database that records 0042 but not 0043 may be half
# way through merging patches into submissions.
UNSUPPORTED_LEVELS = {"0042_add_cover_model": "0043_merge_patch_submission"}


class Feature(StrEnum):
    """A difference between upstream schemas that changes what is read."""

    RELATIONS = "relations"  # patchwork_patchrelation, patch.related_id
    MERGED_SUBMISSIONS = "merged-submissions"  # patch table, cover table
    ADDRESSED = "addressed"  # comment.addressed
    COMMENT_EVENTS = "comment-events"  # event.patch_comment_id, cover_comment_id
    DEPENDENCIES = "dependencies"  # series dependencies, show_dependencies


FEATURE_SINCE = {
    Feature.RELATIONS: "0040_add_related_patches",
    Feature.MERGED_SUBMISSIONS: "0043_merge_patch_submission",
    Feature.ADDRESSED: "0045_addressed_fields",
    Feature.COMMENT_EVENTS: "0046_patch_comment_events",
    Feature.DEPENDENCIES: "0048_series_dependencies",
}


class UnsupportedSource(Exception):
    """The source database is not a Patchwork schema this importer reads."""


@dataclass(frozen=True)
class SourceSchema:
    migration: str  # the newest applied migration of the patchwork app
    features: frozenset[Feature]
    has_tokens: bool  # the REST API's token table exists (optional upstream)

    def has(self, feature: Feature) -> bool:
        return feature in self.features


def recognise(rows: Iterable[tuple[str, str]]) -> SourceSchema:
    """Return the schema described by ``django_migrations`` (app, name) rows."""
    rows = list(rows)
    applied = {name for app, name in rows if app == "patchwork"}
    if not applied:
        raise UnsupportedSource(
            "the source has no migrations of the 'patchwork' app: "
            "not a Patchwork database"
        )
    for squashed, replaced in SQUASHED.items():
        if squashed in applied:
            applied = (applied - {squashed}) | set(replaced)
    unknown = sorted(applied - set(MAIN_LINE))
    if unknown:
        raise UnsupportedSource(
            "the source has Patchwork migrations this importer does not know: "
            + ", ".join(unknown)
            + f" (known: up to {MAIN_LINE[-1]})"
        )
    level = max(MAIN_LINE.index(name) for name in applied)
    missing = [name for name in MAIN_LINE[:level] if name not in applied]
    if missing:
        raise UnsupportedSource(
            f"the source records {MAIN_LINE[level]} but not "
            + ", ".join(missing)
            + ": its schema is not one of upstream's"
        )
    return _schema_at(MAIN_LINE[level], rows)


def _schema_at(migration: str, rows: list[tuple[str, str]]) -> SourceSchema:
    if MAIN_LINE.index(migration) < MAIN_LINE.index(OLDEST):
        raise UnsupportedSource(
            f"the source's schema is at {migration}, older than Patchwork 2.2 "
            f"({OLDEST}): upgrade it to 2.2 or later with upstream's "
            "`manage.py migrate` first"
        )
    if migration in UNSUPPORTED_LEVELS:
        raise UnsupportedSource(
            f"the source's schema stops at {migration}: "
            f"{UNSUPPORTED_LEVELS[migration]} has not completed; finish "
            "upstream's `manage.py migrate` first"
        )
    level = MAIN_LINE.index(migration)
    features = frozenset(
        feature
        for feature, since in FEATURE_SINCE.items()
        if MAIN_LINE.index(since) <= level
    )
    has_tokens = any(app == "authtoken" for app, _ in rows)
    return SourceSchema(migration=migration, features=features, has_tokens=has_tokens)
