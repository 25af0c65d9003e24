"""Header values of the mail we write: mboxes and notification mail.

A header ends at a line break, so a value holding CR or LF (a name, a
subject, a stored header of the original mail) could end the header block
early or add headers and, in an mbox, start another mail that ``git am``
applies. Every value passes through ``header_value`` before it is written.
"""

import re

# A line break with the folding whitespace around it: unfolding (RFC 5322
# section 2.2.3) replaces it by one space. Only runs starting at CR or LF are
# tried, so the pattern stays linear in the value's length.
_LINE_BREAK = re.compile(r"[\r\n]+[ \t\r\n]*")


def header_value(value: str) -> str:
    """Return ``value`` on one line: every line break and its folding become a space."""
    return _LINE_BREAK.sub(" ", value)
