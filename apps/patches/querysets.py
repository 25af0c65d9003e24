"""Chainable query pieces for patches; selectors combine them.

Only pieces that need no other module live here: annotations that read
other tables, and those of series, are built by the selectors
(``apps.patches.selectors.annotations``), which may import the models and
the SQL that import this module.
"""

from typing import Self

from django.db import models


class PatchQuerySet(models.QuerySet):
    def defer_bodies(self) -> Self:
        """Leave the large text columns unloaded (lists never show them)."""
        return self.defer("diff", "content", "headers")

    def with_list_related(self) -> Self:
        return self.select_related(
            "project", "state", "submitter", "delegate", "series"
        ).defer_bodies()
