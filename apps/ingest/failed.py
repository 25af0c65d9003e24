"""Keep mail that could not be stored, so nothing is silently lost.

The folder (``settings.FAILED_MAIL_DIR``) is a Maildir: each mail is written
under ``tmp/`` and renamed into ``new/``, so a crash never leaves half a mail
behind, and ``manage.py parsearchive`` can replay the folder once the cause is
fixed (move it aside first, so mails failing again land in a fresh folder).
"""

import os
import secrets
import socket
import time
from pathlib import Path

from django.conf import settings


def save_failed_mail(raw: bytes) -> Path:
    """Store ``raw`` in the failed-mail Maildir and return the file's path."""
    root = Path(settings.FAILED_MAIL_DIR)
    for sub in ("tmp", "new", "cur"):
        (root / sub).mkdir(parents=True, exist_ok=True, mode=0o750)
    host = socket.gethostname().replace("/", "\\057").replace(":", "\\072")
    name = f"{time.time_ns()}.P{os.getpid()}R{secrets.token_hex(6)}.{host}"
    temporary = root / "tmp" / name
    with temporary.open("xb") as out:
        out.write(raw)
        out.flush()
        os.fsync(out.fileno())
    final = root / "new" / name
    temporary.rename(final)
    return final
