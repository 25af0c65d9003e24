"""``manage.py worker``: run the background jobs of the configured queue.

A thin front for the queue package's own worker, so that a deployment
starts the same command whichever ``TASKS_BACKEND`` it chose.
"""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.tasks import task_backends

from apps.job_queue import uses_database_queue

_RQ = "django_tasks_rq.backend.RQBackend"


def _backend_path() -> str:
    backend = task_backends["default"]
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


class Command(BaseCommand):
    help = (
        "Run background jobs (notification digests, webhook deliveries) as "
        "they are queued; --batch runs what is due and exits."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--batch", action="store_true", help="Run the jobs due now, then exit."
        )
        parser.add_argument(
            "--max-tasks",
            type=int,
            default=None,
            help="Exit after running this many jobs.",
        )

    def handle(
        self, *args: Any, batch: bool, max_tasks: int | None, verbosity: int, **_: Any
    ) -> None:
        path = _backend_path()
        if uses_database_queue():
            options: dict[str, Any] = {
                "batch": batch,
                "reload": False,
                "startup_delay": not batch,
                "verbosity": verbosity,
            }
            if max_tasks is not None:
                options["max_tasks"] = max_tasks
            call_command("db_worker", **options)
        elif path == _RQ:
            call_command(
                "rqworker",
                "default",
                job_class="django_tasks_rq.Job",
                with_scheduler=True,
                burst=batch,
                max_jobs=max_tasks,
            )
        else:
            raise CommandError(
                f"The {path} queue needs no worker: its jobs run where they "
                "are queued (TASKS_BACKEND)."
            )
