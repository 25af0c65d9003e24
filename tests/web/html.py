"""Small readers for the HTML the pages return (no parser dependency)."""

import re
from html.parser import HTMLParser

# Elements whose edges separate words, as a browser's rendering would.
_BLOCKS = {
    "br",
    "dd",
    "div",
    "dt",
    "h1",
    "h2",
    "h3",
    "li",
    "p",
    "section",
    "td",
    "th",
    "tr",
    "option",
    "summary",
    "legend",
}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.row_ids: list[int] = []
        self.elements: list[tuple[str, dict]] = []
        self.text_parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if tag == "tr" and "data-patch-id" in attributes:
            self.row_ids.append(int(attributes["data-patch-id"]))
        if tag in ("script", "style", "title"):
            self._skip += 1
        if tag in _BLOCKS:
            self.text_parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self._skip -= 1
        if tag in _BLOCKS:
            self.text_parts.append(" ")

    def handle_data(self, data):
        if not self._skip:
            self.text_parts.append(data)


def parse(response) -> _Collector:
    collector = _Collector()
    collector.feed(response.content.decode())
    return collector


def row_ids(response) -> list[int]:
    """Return the patch ids of the list's rows, top to bottom."""
    return parse(response).row_ids


def text(response) -> str:
    """Return the page's visible text with runs of whitespace collapsed."""
    return re.sub(r"\s+", " ", "".join(parse(response).text_parts)).strip()


def elements(response, tag: str, **attrs) -> list[dict]:
    """Return the attributes of every ``tag`` element having ``attrs``."""
    found = []
    for name, attributes in parse(response).elements:
        if name != tag:
            continue
        if all(attributes.get(k.rstrip("_")) == v for k, v in attrs.items()):
            found.append(attributes)
    return found


def hrefs(response) -> list[str]:
    return [a["href"] for a in elements(response, "a") if "href" in a]
