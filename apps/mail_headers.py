"""Header values of the mail we write: mboxes and notification mail.

A header ends at a line break, so a value holding CR or LF (a name, a
subject, a stored header of the original mail) could end the header block
early or add headers and, in an mbox, start another mail that ``git am``
applies. Every value passes through ``header_value`` before it is written.
"""

import re

# The line breaks of mail parsers (Python's email package splits on all
# three; git on LF, keeping a CR in the line).
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def header_value(value: str, *, fold: bool = True) -> str:
    """Return ``value`` safe to write as a header's value.

    With ``fold``, a line break followed by whitespace and text (a folded
    line of the original mail) is kept as one LF and that whitespace, so
    the mail reads as it was sent. Every other line break (a bare one, or
    one starting a blank line, which could end the headers) becomes a space.
    """
    first, *rest = _LINE_BREAK.split(value)
    parts = [first]
    for line in rest:
        text = line.lstrip(" \t")
        if fold and text and line[0] in " \t":
            parts.append("\n" + line)
        elif text:
            parts.append(" " + text)
        else:
            parts.append(" ")
    return "".join(parts)
