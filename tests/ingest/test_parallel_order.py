"""Shuffled mail through eight parallel ``parsemail`` processes (PostgreSQL).

Each mail is its own process (``python -m apps.ingest.cli``, what the MTA
wrapper runs), eight at a time, in an order that ignores threading: replies
often come before the mail they answer, revisions before the version they
answer. The stored result must equal in-order delivery's, and nothing may
fail or be left waiting.
"""

import random
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from apps.ingest.models import PendingMail
from apps.patches.models import CoverComment, Patch, PatchComment, Series
from tests.factories import ProjectFactory
from tests.ingest.archives import forty_series_archive, generated_archive
from tests.ingest.test_order_independence import (
    EXAMPLES,
    deliver_all,
    stored_result,
)
from tests.ingest.test_parallel_delivery import WORKERS, delivery_env, parsemail

pytestmark = [
    pytest.mark.requires_postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]


def deliver_shuffled(mails: list[bytes], list_id: str, env: dict) -> None:
    with ThreadPoolExecutor(WORKERS) as pool:
        runs = list(pool.map(lambda raw: parsemail(raw, list_id, env), mails))
    for run in runs:
        stderr = run.stderr.decode()
        assert run.returncode == 0, stderr
        assert "Traceback" not in stderr, stderr


def test_forty_series_from_eight_processes(tmp_path):
    archive = forty_series_archive()
    mails = list(archive.mails)
    random.Random(11).shuffle(mails)  # noqa: S311 - a reproducible order
    project = ProjectFactory()
    deliver_shuffled(mails, project.listid, delivery_env(tmp_path))
    series = Series.objects.filter(project=project)
    assert series.count() == 40
    assert all(one.total <= one.patches.count() for one in series)
    assert Patch.objects.filter(project=project, series__isnull=False).count() == 195
    assert series.exclude(cover_letter=None).count() == 25
    comments = (
        PatchComment.objects.filter(patch__project=project).count()
        + CoverComment.objects.filter(cover__project=project).count()
    )
    assert comments == 146
    assert not PendingMail.objects.exists()
    assert not (tmp_path / "failed").exists()


@settings(
    max_examples=2,
    deadline=None,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seed=st.integers(0, 10**6), data=st.data())
def test_parallel_shuffled_delivery_stores_what_list_order_stores(tmp_path, seed, data):
    run = next(EXAMPLES)
    archive = generated_archive(seed, families=3, prefix=f"p{run}x")
    again = generated_archive(seed, families=3, prefix=f"q{run}x")
    order = data.draw(st.permutations(range(len(archive.mails))))
    in_order, shuffled = ProjectFactory(), ProjectFactory()
    deliver_all(archive.mails, in_order)
    env = delivery_env(tmp_path / str(run))
    deliver_shuffled([again.mails[i] for i in order], shuffled.listid, env)
    assert stored_result(shuffled) == stored_result(in_order)
    assert not PendingMail.objects.exists()
