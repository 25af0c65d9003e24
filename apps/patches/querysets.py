"""Chainable query pieces for patches and series; selectors combine them."""

from typing import Self

from django.db import connection, models
from django.db.models import Count, IntegerField, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

# Aggregate check state: the worst state among the newest check of every
# (reporting user, context) pair. Ranks order "worst"; codes are Check.State.
_PENDING, _SUCCESS, _WARNING, _FAIL = 0, 1, 2, 3
_RANK_OF_CODE = {_SUCCESS: 1, _PENDING: 2, _WARNING: 3, _FAIL: 4}


def _check_state_sql() -> RawSQL:
    """Return the aggregate check state of the row's patch as raw SQL.

    Written as SQL rather than ORM expressions because list pages compile
    it on every request, and the equivalent Case/Exists/Max expression tree
    took Django several milliseconds to compile each time; the statement is
    the same on PostgreSQL and SQLite. Without checks the state is pending.
    """
    from apps.checks.models import Check  # checks depends on patches
    from apps.patches.models import Patch

    quote = connection.ops.quote_name
    checks = quote(Check._meta.db_table)
    patch_id = f"{quote(Patch._meta.db_table)}.{quote('id')}"
    rank = " ".join(f"WHEN {code} THEN {rank}" for code, rank in _RANK_OF_CODE.items())
    code = " ".join(f"WHEN {rank} THEN {code}" for code, rank in _RANK_OF_CODE.items())
    sql = f"""COALESCE((
        SELECT CASE MAX(CASE c.state {rank} END) {code} END
        FROM {checks} c
        WHERE c.patch_id = {patch_id}
          AND NOT EXISTS (
            SELECT 1 FROM {checks} n
            WHERE n.patch_id = c.patch_id AND n.user_id = c.user_id
              AND n.context = c.context
              AND (n.date > c.date OR (n.date = c.date AND n.id > c.id))
          )
    ), {_PENDING})"""  # noqa: S608 (no user input: table names and constants)
    return RawSQL(sql, (), output_field=IntegerField())  # noqa: S611 (no input)


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
        return self.annotate(check_state=_check_state_sql())


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
