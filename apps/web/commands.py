"""Shell commands the pages offer to copy (``curl ... | git am``, ``git-pw ...``).

A maintainer pastes these into a shell, and their URLs carry text from mail
(a Message-ID may hold ``$``, ``(``, ``;`` or quotes), so every argument is
quoted with ``shlex.quote``: the shell then sees exactly the argv built here.
"""

import shlex


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
