#!/usr/bin/env python3
"""Run administrative tasks for patchserver."""

import os
import sys


def main() -> None:
    if sys.argv[1:2] == ["parsemail"] and os.environ.get("PATCHSERVER_LMTP_SERVER"):
        # A delivery from the MTA: hand the mail to the running LMTP server
        # before loading Django, which is most of a delivery's time.
        from apps.ingest.cli import from_manage_py

        from_manage_py(sys.argv[2:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "patchserver.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
