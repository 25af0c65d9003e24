"""Shell commands the pages offer to copy (``curl ... | git am``, ``git-pw ...``).

A maintainer pastes these into a shell, and their URLs carry text from mail
(a Message-ID may hold ``$``, ``(``, ``;`` or quotes), so every argument is
quoted with ``shlex.quote``: the shell then sees exactly the argv built here.
"""

import shlex

from apps.patches import links


def apply_mbox(url: str) -> str:
    """Return the command that downloads the mbox at ``url`` and applies it."""
    return shlex.join(["curl", "-s", url]) + " | git am"


def git_pw_apply(kind: str, pk: int) -> str:
    """Return the git-pw command applying the patch or series ``pk``."""
    return shlex.join(["git-pw", kind, "apply", str(pk)])


def b4_am(msgid: str) -> str:
    """Return the b4 command fetching the thread of ``msgid`` as an mbox to apply."""
    bare = msgid.strip().removeprefix("<").removesuffix(">")
    return shlex.join(["b4", "am", bare])


def page_commands(
    base: str, *, patch=None, series=None, series_msgid: str | None = None
) -> dict[str, str]:
    """Return a page's copyable commands, keyed by their template names.

    ``patch`` and ``series`` each add their mbox and git-pw commands;
    ``series_msgid`` (the message b4 starts the series' thread from) adds
    the series' b4 command. ``base`` is the site's address the URLs start with.
    """
    found = {}
    if patch is not None:
        found["patch_apply_command"] = apply_mbox(base + links.patch_mbox_path(patch))
        found["patch_git_pw_command"] = git_pw_apply("patch", patch.pk)
    if series is not None:
        found["series_apply_command"] = apply_mbox(
            base + links.series_mbox_path(series)
        )
        found["series_git_pw_command"] = git_pw_apply("series", series.pk)
    if series_msgid:
        found["series_b4_command"] = b4_am(series_msgid)
    return found
