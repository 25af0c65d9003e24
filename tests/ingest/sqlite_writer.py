"""One of several processes storing mails in one SQLite file at the same time.

``python -m tests.ingest.sqlite_writer LIST_ID START MAIL...`` sets Django up (the
database is the environment's ``DATABASE_URL``), waits until the wall
clock reaches START so that every process begins together, then delivers
each mail file as ``parsemail --list-id LIST_ID`` does, and prints the
exit statuses as JSON.
"""

import json
import os
import sys
import time
from pathlib import Path


def main() -> None:
    list_id, start, *mails = sys.argv[1:]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from apps.ingest.delivery import deliver

    raws = [Path(mail).read_bytes() for mail in mails]
    time.sleep(max(0.0, float(start) - time.time()))
    statuses = [deliver(raw, list_id=list_id) for raw in raws]
    sys.stdout.write(json.dumps(statuses) + "\n")


if __name__ == "__main__":
    main()
