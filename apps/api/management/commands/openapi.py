"""Write the OpenAPI documents of every API version into ``docs/api/``.

``manage.py openapi`` (or ``make openapi``) after changing a view, a
serializer or a filter; a test fails while the committed documents differ
from what the code generates. ``--check`` only reports stale documents.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.api.schema import build_document, render_yaml
from apps.api.versioning import API_VERSIONS


def documents() -> dict[str, bytes]:
    """Return {file name: YAML} for each version and the unversioned routes."""
    files = {
        f"v{version}.yaml": render_yaml(build_document(version))
        for version in API_VERSIONS
    }
    files["latest.yaml"] = render_yaml(build_document(None))
    return files


class Command(BaseCommand):
    help = "Write the API's OpenAPI documents (one per version) into docs/api/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            default=Path(settings.BASE_DIR) / "docs" / "api",
            help="folder to write into (default: docs/api)",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="write nothing; fail when a document differs from the code",
        )

    def handle(self, *args, output: Path, check: bool, **options) -> None:
        stale = []
        for name, content in documents().items():
            path = output / name
            if path.is_file() and path.read_bytes() == content:
                continue
            stale.append(name)
            if not check:
                output.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)
        if check and stale:
            raise CommandError(
                f"stale OpenAPI documents in {output}: {', '.join(stale)}"
                " (run manage.py openapi)"
            )
        verb = "stale" if check else "written"
        self.stdout.write(f"{len(stale)} document(s) {verb}")
