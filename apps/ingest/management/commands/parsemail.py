"""``manage.py parsemail``: store the mail an MTA pipes in (or a file).

The exit status is the delivery contract's (``apps.ingest.delivery``).
"""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.ingest.delivery import deliver, fast_exit


class Command(BaseCommand):
    help = "Store the patch, cover letter or comment contained in one mail."
    # Mail delivery starts a process per mail: skip the system checks, which
    # import every URLconf and admin module (see docs/architecture.md).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "infile",
            nargs="?",
            help="file holding one mail (default: read the mail from stdin)",
        )
        parser.add_argument(
            "--list-id",
            help="store the mail in the project of this list, whatever its headers say",
        )

    def run_from_argv(self, argv: list[str]) -> None:
        """Run from the command line, then leave without interpreter teardown.

        Tearing down ~700 imported modules takes longer than storing the mail
        (a fifth of a second on a small server); an MTA starts one process
        per mail, so once the transaction is committed, connections closed
        and output flushed, exit at once.
        """
        try:
            super().run_from_argv(argv)
            status = 0
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else 1
        fast_exit(status)

    def handle(
        self, *args: Any, infile: str | None, list_id: str | None, **options: Any
    ) -> None:
        if infile:
            try:
                raw = Path(infile).read_bytes()
            except OSError as exc:
                raise CommandError(f"cannot read {infile}: {exc.strerror}") from exc
        else:
            raw = sys.stdin.buffer.read()
        sys.exit(deliver(raw, list_id=list_id))
