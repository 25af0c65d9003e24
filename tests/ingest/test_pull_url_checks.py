"""A pull request's URL is stored only when it names a repository.

Pages link to it; a mail placing a script URL where git request-pull
prints the repository is kept (as a patch, without the link).
"""

import pytest

from apps.patches.models import Patch
from tests.ingest.helpers import LIST_ID, deliver, make_mail

pytestmark = pytest.mark.django_db


def pull_request(repository: str) -> bytes:
    body = (
        "Please pull.\n\n"
        "The following changes since commit 0123456789abcdef:\n\n"
        "  base (2024-01-01)\n\n"
        "are available in the git repository at:\n\n"
        f"  {repository}\n\n"
        "for you to fetch changes up to fedcba9876543210:\n"
    )
    return make_mail(body, subject="[GIT PULL] fixes")


@pytest.mark.parametrize(
    ("repository", "stored"),
    [
        (
            "git://git.example.org/repo.git tags/fixes",
            "git://git.example.org/repo.git tags/fixes",
        ),
        ("javascript://example.org/x", None),
    ],
)
def test_pull_request_urls(test_project, repository, stored):
    deliver(pull_request(repository), list_id=LIST_ID)
    patch = Patch.objects.get()
    assert patch.pull_url == stored
    assert repository in patch.content
