"""Where tests find the repository (scripts, settings, docs beside the code)."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
