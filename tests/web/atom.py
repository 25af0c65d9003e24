"""Checks of the Atom 1.0 rules (RFC 4287) a feed reader relies on."""

import datetime as dt
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

ATOM = "{http://www.w3.org/2005/Atom}"
# RFC 3339 date-time, as section 3.3 requires.
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
# RFC 4151: tag:<DNS name or e-mail>,<date>:<specific>
_TAG = re.compile(r"^tag:[A-Za-z0-9.-]+,\d{4}(-\d{2}(-\d{2})?)?:\S+$")


def _one(parent: ET.Element, name: str, where: str) -> ET.Element:
    found = parent.findall(ATOM + name)
    assert len(found) == 1, f"{where}: {len(found)} atom:{name} elements, need 1"
    return found[0]


def _iri(text: str | None, where: str) -> str:
    assert text, f"{where}: empty atom:id"
    scheme = urlsplit(text).scheme
    assert scheme, f"{where}: atom:id {text!r} is not an absolute IRI"
    if scheme == "tag":
        assert _TAG.match(text), f"{where}: {text!r} is not a tag URI"
    return text


def _date(element: ET.Element, where: str) -> dt.datetime:
    text = element.text or ""
    assert _DATE.match(text), f"{where}: {text!r} is not an RFC 3339 date"
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _has_author(element: ET.Element) -> bool:
    authors = element.findall(ATOM + "author")
    return bool(authors) and all(
        (a.findtext(ATOM + "name") or "").strip() for a in authors
    )


def _links(element: ET.Element, where: str) -> dict[str, str]:
    links = {}
    for link in element.findall(ATOM + "link"):
        href = link.get("href")
        assert href, f"{where}: atom:link without href"
        rel = link.get("rel", "alternate")
        assert rel not in links or rel != "alternate", f"{where}: two alternates"
        links[rel] = href
    return links


def parse_atom(body: bytes) -> ET.Element:
    """Return the feed element of ``body``, failing on any rule it breaks."""
    # The server's own output, not untrusted input.
    feed = ET.fromstring(body)  # noqa: S314 - well-formed XML, or ParseError
    assert feed.tag == ATOM + "feed", feed.tag
    _iri(_one(feed, "id", "feed").text, "feed")
    assert (_one(feed, "title", "feed").text or "").strip(), "feed: empty title"
    _date(_one(feed, "updated", "feed"), "feed")
    links = _links(feed, "feed")
    assert "self" in links, links
    assert "alternate" in links, links
    feed_has_author = _has_author(feed)
    ids = []
    for number, entry in enumerate(feed.findall(ATOM + "entry")):
        where = f"entry {number}"
        ids.append(_iri(_one(entry, "id", where).text, where))
        _one(entry, "title", where)
        _date(_one(entry, "updated", where), where)
        assert "alternate" in _links(entry, where), f"{where}: no alternate link"
        assert feed_has_author or _has_author(entry), f"{where}: no author"
        for summary in entry.findall(ATOM + "summary"):
            assert summary.get("type", "text") in ("text", "html", "xhtml")
    assert len(ids) == len(set(ids)), "entry ids repeat"
    return feed


def entries(feed: ET.Element) -> list[dict[str, str]]:
    return [
        {
            "id": entry.findtext(ATOM + "id") or "",
            "title": entry.findtext(ATOM + "title") or "",
            "link": entry.find(ATOM + "link").get("href"),  # type: ignore[union-attr]
            "author": entry.findtext(f"{ATOM}author/{ATOM}name") or "",
            "summary": entry.findtext(ATOM + "summary") or "",
        }
        for entry in feed.findall(ATOM + "entry")
    ]
