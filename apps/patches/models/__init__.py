from apps.patches.models.comment import CoverComment, PatchComment
from apps.patches.models.cover import Cover
from apps.patches.models.patch import Patch
from apps.patches.models.relation import PatchRelation
from apps.patches.models.search import PatchDiffText, PatchFile
from apps.patches.models.series import Series, SeriesReference, SeriesThreadReference
from apps.patches.models.state import State
from apps.patches.models.tag import PatchTag, Tag

__all__ = [
    "Cover",
    "CoverComment",
    "Patch",
    "PatchComment",
    "PatchDiffText",
    "PatchFile",
    "PatchRelation",
    "PatchTag",
    "Series",
    "SeriesReference",
    "SeriesThreadReference",
    "State",
    "Tag",
]
