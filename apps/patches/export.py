"""A project's patches as one mbox file (``manage.py dumparchive``)."""

from typing import TextIO

from apps.patches.mbox import patch_to_mail
from apps.patches.models import Patch
from apps.patches.selectors import patch_mbox_queryset
from apps.projects.models import Project


def project_mbox_write(project: Project, out: TextIO, *, batch_size: int = 200) -> int:
    """Write every patch of ``project``, oldest first, to ``out`` as one mbox.

    The same mails as the patch downloads, separated as a series download
    separates them; a batch of patches is read at a time, so any project
    fits in memory. Returns the number of patches written.
    """
    patches = Patch.objects.filter(project=project).order_by("id")
    ids = list(patches.values_list("id", flat=True))
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        for patch in patch_mbox_queryset().filter(pk__in=chunk).order_by("id"):
            if patch.pk != ids[0]:
                out.write("\n")
            out.write(patch_to_mail(patch))
    return len(ids)
