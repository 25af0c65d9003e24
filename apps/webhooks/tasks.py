"""Background jobs of the webhooks app (Django's Tasks framework)."""

from django.tasks import task

from apps.webhooks.delivery import delivery_abandon, delivery_attempt


@task
def deliver(delivery_id: int) -> None:
    """Attempt a delivery; queue its retry for later when it should be retried."""
    retry_at = delivery_attempt(delivery_id)
    if retry_at is None:
        return
    if deliver.get_backend().supports_defer:
        deliver.using(run_after=retry_at).enqueue(delivery_id)
    else:
        delivery_abandon(
            delivery_id, "Not retried: this task queue cannot schedule jobs."
        )
