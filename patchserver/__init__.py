"""patchserver: patch tracking for mailing-list projects."""

__version__ = "0.1.0"
