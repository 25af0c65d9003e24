"""The running version, shown in the footer and on the about page."""

from importlib.metadata import PackageNotFoundError, version

try:
    VERSION = version("patchserver")
except PackageNotFoundError:  # running from a checkout that was never installed
    VERSION = "unknown"
