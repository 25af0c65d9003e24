"""Which queue the background jobs go to (``TASKS_BACKEND``).

A helper rather than part of ``apps.jobs`` because the periodic ``cron``
command, which sits below the interfaces, asks too.
"""

from django.tasks import task_backends
from django_tasks_db.backend import DatabaseBackend


def uses_database_queue() -> bool:
    """Return whether jobs wait in a table of the site's own database."""
    return isinstance(task_backends["default"], DatabaseBackend)
