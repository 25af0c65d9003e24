"""Chainable query pieces for patches and series; selectors combine them."""

from typing import Self

from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Q
from django.db.models.functions import Coalesce


class PatchQuerySet(models.QuerySet):
    def defer_bodies(self) -> Self:
        """Leave the large text columns unloaded (lists never show them)."""
        return self.defer("diff", "content", "headers")

    def with_list_related(self) -> Self:
        return self.select_related(
            "project", "state", "submitter", "delegate", "series"
        ).defer_bodies()

    def with_check_state(self) -> Self:
        """Annotate ``check_state``: the patch's aggregate check as a Check.State code.

        Per (user, context) only the newest check counts (the later-created
        one on equal dates); then fail beats warning beats pending beats
        success. Without checks the state is pending.
        """
        from apps.patches.fixed_sql import check_state_sql  # reads the models

        return self.annotate(check_state=check_state_sql())


class SeriesQuerySet(models.QuerySet):
    def with_received_total(self) -> Self:
        """Annotate ``received_total`` (patches linked to the series)."""
        return self.annotate(
            received_total=Coalesce(Count("patches", distinct=True), 0)
        )

    def with_received_counts(self) -> Self:
        """Annotate ``received_total`` and ``received_all`` with a subquery.

        Unlike ``with_received_total()`` (an aggregate), a correlated
        subquery lets ``count()`` drop the annotation, so paginating a long
        series list does not count every series' patches.
        """
        from apps.patches.models import Patch  # querysets load before models

        counts = (
            Patch.objects.filter(series=OuterRef("pk"))
            .order_by()
            .values("series")
            .annotate(n=Count("*"))
            .values("n")
        )
        received = Coalesce(models.Subquery(counts, output_field=IntegerField()), 0)
        return self.annotate(received_total=received).annotate(
            received_all=models.ExpressionWrapper(
                Q(total__lte=models.F("received_total")),
                output_field=models.BooleanField(),
            )
        )
