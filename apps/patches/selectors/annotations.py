"""Annotations that read other tables, added to patch and series queries."""

from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from apps.patches.fixed_sql import check_state_sql
from apps.patches.models import Patch, Series


def with_check_state[Q: QuerySet[Patch]](patches: Q) -> Q:
    """Annotate ``check_state``: the patch's aggregate check as a Check.State code.

    Per (user, context) only the newest check counts (the later-created one
    on equal dates); then fail beats warning beats pending beats success.
    Without checks the state is pending.
    """
    # Patch declares ``check_state`` for the rows this annotates; passed by
    # name, the type checker would see it defined twice.
    annotation = {"check_state": check_state_sql()}
    return patches.annotate(**annotation)


def with_received_counts(series: QuerySet[Series]) -> QuerySet[Series]:
    """Annotate ``received_total`` and ``received_all`` with a subquery.

    A correlated subquery rather than an aggregate lets ``count()`` drop the
    annotation, so paginating a long series list does not count every
    series' patches.
    """
    counts = (
        Patch.objects.filter(series=OuterRef("pk"))
        .order_by()
        .values("series")
        .annotate(n=Count("*"))
        .values("n")
    )
    received = Coalesce(models.Subquery(counts, output_field=IntegerField()), 0)
    return series.annotate(received_total=received).annotate(
        received_all=models.ExpressionWrapper(
            Q(total__lte=models.F("received_total")),
            output_field=models.BooleanField(),
        )
    )
