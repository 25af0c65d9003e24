"""What the patch services report to the project's history.

The history (``apps.events``) is a layer above patches: it reads patches,
covers and series, so patches may not import it. The services call the
implementation that the events app provides at start-up (``apps.ports``).
"""

from typing import Protocol

from apps.patches.models import (
    Cover,
    CoverComment,
    Patch,
    PatchComment,
    PatchRelation,
    Series,
    State,
)
from apps.people.models import User
from apps.ports import Port


class PatchHistory(Protocol):
    """One method per event category the patch services cause."""

    def record_cover_created(self, *, cover: Cover) -> object: ...

    def record_patch_created(self, *, patch: Patch) -> object: ...

    def record_patch_completed(self, *, patch: Patch, series: Series) -> object: ...

    def record_patch_state_changed(
        self, *, patch: Patch, previous: State, current: State, actor: User | None
    ) -> object: ...

    def record_patch_delegated(
        self,
        *,
        patch: Patch,
        previous: User | None,
        current: User | None,
        actor: User | None,
    ) -> object: ...

    def record_patch_relation_changed(
        self,
        *,
        patch: Patch,
        previous: PatchRelation | None,
        current: PatchRelation | None,
        actor: User | None,
    ) -> object: ...

    def record_series_created(self, *, series: Series) -> object: ...

    def record_series_completed(self, *, series: Series) -> object: ...

    def record_series_merged(self, *, series: Series, merged: Series) -> object: ...

    def record_patch_comment_created(self, *, comment: PatchComment) -> object: ...

    def record_cover_comment_created(self, *, comment: CoverComment) -> object: ...


history: Port[PatchHistory] = Port("the patch history (apps.events)")
