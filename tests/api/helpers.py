"""Small helpers shared by the API tests."""

from apps.patches.models import State


def url(path: str, version: str | None = None) -> str:
    """Return ``/api/[version/]path``."""
    return f"/api/{version}/{path}" if version else f"/api/{path}"


def state(slug: str) -> State:
    return State.objects.get(slug=slug)


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()]


# Who tries a write in the permission tests (rest-api.md §3.2).
ROLES = ("anonymous", "other", "submitter", "delegate", "maintainer", "superuser")

CREDENTIALS = {"detail": "Authentication credentials were not provided."}
NO_PERMISSION = {"detail": "You do not have permission to perform this action."}
