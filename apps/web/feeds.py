"""Atom feeds of a project's patch list, its series, and one series' activity.

Built with Django's syndication framework (``Atom1Feed``). Every feed is a
``FeedSource``: the views below gather it through selectors, and one
``Feed`` class writes it. Entry ids are tag URIs (RFC 4151) made from the
site's host name, the object's date and its kind and id, so they stay the
same whatever address the feed was read from. Text from mail goes in as
text: the XML writer escapes it, summaries are escaped HTML, and the
control characters XML 1.0 cannot carry are replaced.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from apps.site_url import site_base_url

# What XML 1.0 forbids in text (mail may carry any of it).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
SUMMARY_LENGTH = 2000


def xml_text(text: str | None) -> str:
    return _NOT_XML.sub("\ufffd", text or "")


def tag_uri(date: dt.datetime, specific: str) -> str:
    """Return a stable entry id: ``tag:<site host>,<date>:<specific>``."""
    host = urlsplit(site_base_url()).hostname or "localhost"
    return f"tag:{host},{date:%Y-%m-%d}:{specific}"


def html_summary(lines: list[str], body: str = "") -> str:
    """Return the escaped HTML of a summary: short lines, then ``body`` as is."""
    parts = [f"<p>{escape(xml_text(line))}</p>" for line in lines if line]
    if body:
        parts.append(f"<pre>{escape(xml_text(body[:SUMMARY_LENGTH]))}</pre>")
    return "".join(parts)


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    link: str
    updated: dt.datetime
    author: str
    summary: str
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class FeedSource:
    title: str
    # Site path of the page the feed follows.
    link: str
    author: str
    entries: list[Entry] = field(default_factory=list)


class AtomFeed(Feed):
    """Writes a ``FeedSource`` as Atom 1.0."""

    feed_type = Atom1Feed
    _feed_url = ""

    def get_object(self, request, source: FeedSource) -> FeedSource:
        return source

    def title(self, source: FeedSource) -> str:
        return xml_text(source.title)

    def link(self, source: FeedSource) -> str:
        return source.link

    def feed_guid(self, source: FeedSource) -> str:
        # The feed's own address (with its filters): stable for its readers.
        return self._feed_url

    def feed_url(self, source: FeedSource) -> str:
        return self._feed_url

    def author_name(self, source: FeedSource) -> str:
        return xml_text(source.author)

    def items(self, source: FeedSource) -> list[Entry]:
        return source.entries

    def item_title(self, entry: Entry) -> str:
        return xml_text(entry.title)

    def item_link(self, entry: Entry) -> str:
        return entry.link

    def item_guid(self, entry: Entry) -> str:
        return entry.id

    item_guid_is_permalink = False

    def item_updateddate(self, entry: Entry) -> dt.datetime:
        return entry.updated

    def item_pubdate(self, entry: Entry) -> dt.datetime:
        return entry.updated

    def item_author_name(self, entry: Entry) -> str:
        return xml_text(entry.author) or "unknown"

    def item_description(self, entry: Entry) -> str:
        return entry.summary

    def item_categories(self, entry: Entry) -> tuple[str, ...]:
        return tuple(xml_text(category) for category in entry.categories)

    def __call__(self, request, *args, **kwargs):
        # The feed's URL is per request; a copy keeps the shared instance clean.
        feed = type(self)()
        feed._feed_url = request.build_absolute_uri()
        response = Feed.__call__(feed, request, *args, **kwargs)
        response["Content-Type"] = "application/atom+xml; charset=utf-8"
        return response


atom_feed = AtomFeed()
