"""The ``django_migrations`` rows an upstream instance of each release holds."""

from apps.importer.schema import MAIN_LINE

DJANGO = [
    ("contenttypes", "0001_initial"),
    ("auth", "0001_initial"),
    ("auth", "0012_alter_user_first_name_max_length"),
    ("authtoken", "0001_initial"),
    ("authtoken", "0002_auto_20160226_1747"),
    ("sessions", "0001_initial"),
]

# 2.2, upgraded release by release: every migration recorded by name.
MIGRATIONS_2_2 = DJANGO + [
    ("patchwork", name)
    for name in MAIN_LINE[: MAIN_LINE.index("0039_unique_series_references") + 1]
]

# A 3.x instance installed from scratch records the squashed migration.
MIGRATIONS_MAIN = [
    *DJANGO,
    ("patchwork", "0001_squashed_0040_add_related_patches"),
    *[("patchwork", name) for name in MAIN_LINE[MAIN_LINE.index("0041_python3") :]],
]
