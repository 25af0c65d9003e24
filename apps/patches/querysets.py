"""Chainable query pieces for patches and series; selectors combine them."""

from typing import Self

from django.db import models
from django.db.models import Case, Count, Exists, IntegerField, Max, OuterRef, Q, When
from django.db.models.functions import Coalesce

# Aggregate check state: the worst state among the newest check of every
# (reporting user, context) pair. Ranks order "worst"; codes are Check.State.
_PENDING, _SUCCESS, _WARNING, _FAIL = 0, 1, 2, 3
_RANK_OF_CODE = {_SUCCESS: 1, _PENDING: 2, _WARNING: 3, _FAIL: 4}


def _check_state_subquery() -> models.Subquery:
    from apps.checks.models import Check  # checks depends on patches

    newer = Check.objects.filter(
        patch=OuterRef("patch"), user=OuterRef("user"), context=OuterRef("context")
    ).filter(
        Q(date__gt=OuterRef("date")) | Q(date=OuterRef("date"), pk__gt=OuterRef("pk"))
    )
    rank = Case(
        *(When(state=code, then=rank) for code, rank in _RANK_OF_CODE.items()),
        output_field=IntegerField(),
    )
    worst = (
        Check.objects.filter(patch=OuterRef("pk"))
        .exclude(Exists(newer))
        .values("patch")
        .annotate(worst=Max(rank))
        .values("worst")
    )
    return models.Subquery(worst, output_field=IntegerField())


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
        code = Case(
            *(
                When(_check_rank=rank, then=code)
                for code, rank in _RANK_OF_CODE.items()
            ),
            default=_PENDING,
            output_field=IntegerField(),
        )
        return self.annotate(_check_rank=_check_state_subquery()).annotate(
            check_state=code
        )


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
