"""Where tests find the shared reference data (corpus, schemas, seeds, specs).

The data lives beside the repository in ``../shared``; ``PATCHSERVER_SHARED``
points elsewhere.
"""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("PATCHSERVER_SHARED") or REPO.parent / "shared")
CORPUS = SHARED / "corpus"
SCHEMAS = SHARED / "patchwork-api"
SEEDS = SHARED / "seeds"
SPEC = SHARED / "spec"


def require_shared() -> None:
    """Skip the calling test when the shared data folder is absent.

    A clone used outside the development setup may not have it. CI sets
    ``PATCHSERVER_REQUIRE_SHARED=1`` so a missing folder fails instead.
    """
    if SHARED.is_dir():
        return
    if os.environ.get("PATCHSERVER_REQUIRE_SHARED") == "1":
        raise FileNotFoundError(f"reference data folder not found: {SHARED}")
    pytest.skip(f"reference data folder not found: {SHARED}")
