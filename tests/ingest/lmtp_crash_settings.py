"""Test settings for a live LMTP server whose parser fails on marked mails.

``X-Test-Crash: parser`` makes parsing raise (a bug in the parser);
``X-Test-Crash: worker`` ends the worker process at once (as the kernel's
out-of-memory killer would). Nothing else changes.
"""

import os

from apps.ingest import parsing as _parsing
from tests.settings import *  # noqa: F403

_parse_bytes = _parsing.parse_bytes


def _crashing_parse_bytes(raw: bytes, **kwargs):
    if b"\nX-Test-Crash: parser\n" in raw:
        raise RuntimeError("the parser crashed")
    if b"\nX-Test-Crash: worker\n" in raw:
        os._exit(70)
    return _parse_bytes(raw, **kwargs)


_parsing.parse_bytes = _crashing_parse_bytes
