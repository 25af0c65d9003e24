"""A polite client of a Patchwork REST API (versions 1.0 to 1.4).

Requests are spaced to a configurable rate, lists are followed through their
``Link: <...>; rel="next"`` headers, and every URL followed must stay on the
server the mirror was pointed at. Answers are untrusted: a response that is
not the JSON expected is an error naming its URL, never a crash.
"""

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from email.message import Message
from typing import Any

VERSIONS = ("1.4", "1.3", "1.2", "1.1", "1.0")
MAX_RESPONSE_BYTES = 256 * 1024 * 1024  # a patch with a huge diff, not more
MAX_TRIES = 5
USER_AGENT = "patchserver-importpatchwork/1"
_NEXT = re.compile(r'<([^>]*)>\s*;\s*rel="next"')


class MirrorFailed(Exception):
    """The source API could not be read, or answered something unexpected."""


class ApiClient:
    def __init__(
        self,
        base_url: str,
        *,
        rate: float,
        sleep: Callable[[float], None] = time.sleep,
        timeout: float = 60.0,
    ) -> None:
        parts = urllib.parse.urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise MirrorFailed(f"not an http(s) URL: {base_url!r}")
        self.root = f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
        self.origin = (parts.scheme, parts.netloc)
        self.interval = 1.0 / rate
        self.sleep = sleep
        self.timeout = timeout
        self.version = ""
        self.requests = 0
        self._last = 0.0

    # --- Versions -----------------------------------------------------------

    def negotiate(self, wanted: str | None = None) -> str:
        """Use ``wanted``, or the newest API version the server answers."""
        for version in [wanted] if wanted else VERSIONS:
            if self._get(f"{self.root}/api/{version}/", missing_ok=True) is not None:
                self.version = version
                return version
        raise MirrorFailed(
            f"{self.root}/api/ answers no REST API version "
            + (wanted or "from 1.0 to 1.4")
        )

    def at_least(self, version: str) -> bool:
        return tuple(map(int, self.version.split("."))) >= tuple(
            map(int, version.split("."))
        )

    def url(self, path: str) -> str:
        return f"{self.root}/api/{self.version}/{path.lstrip('/')}"

    # --- Reading ------------------------------------------------------------

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        url = self.url(path)
        if params:
            url += "?" + urllib.parse.urlencode(params)
        return self._get(url)[0]

    def pages(self, path: str, params: dict[str, Any] | None = None) -> Iterator[list]:
        """Yield each page of a list, following the ``Link`` header."""
        url: str | None = (
            self.url(path)
            + "?"
            + urllib.parse.urlencode({"per_page": 250, **(params or {})})
        )
        while url:
            body, headers = self._get(url)
            if not isinstance(body, list):
                raise MirrorFailed(f"{url} did not answer a JSON list")
            yield body
            url = self._next(url, headers.get("Link", ""))

    def _next(self, current: str, link: str) -> str | None:
        match = _NEXT.search(link)
        if match is None:
            return None
        url = urllib.parse.urljoin(current, match.group(1))
        parts = urllib.parse.urlsplit(url)
        if (parts.scheme, parts.netloc) != self.origin:
            raise MirrorFailed(f"{current} points its next page off the server: {url}")
        return url

    def _get(self, url: str, *, missing_ok: bool = False) -> Any:
        for attempt in range(MAX_TRIES):
            self._wait_turn()
            try:
                return self._fetch(url)
            except urllib.error.HTTPError as exc:
                if exc.code == 404 and missing_ok:
                    return None
                if (
                    exc.code not in (429, 500, 502, 503, 504)
                    or attempt == MAX_TRIES - 1
                ):
                    raise MirrorFailed(
                        f"{url} answered {exc.code} {exc.reason}"
                    ) from exc
                self.sleep(_retry_after(exc.headers, attempt))
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                if attempt == MAX_TRIES - 1:
                    raise MirrorFailed(f"cannot read {url}: {exc}") from exc
                self.sleep(_retry_after(None, attempt))
        raise AssertionError("unreachable")

    def _fetch(self, url: str) -> tuple[Any, Message]:
        request = urllib.request.Request(  # noqa: S310 - scheme checked in __init__
            url, headers={"Accept": "application/json", "User-Agent": USER_AGENT}
        )
        self.requests += 1
        with _OPENER.open(request, timeout=self.timeout) as response:
            data = response.read(MAX_RESPONSE_BYTES + 1)
            headers = response.headers
        if len(data) > MAX_RESPONSE_BYTES:
            raise MirrorFailed(f"{url} answered more than {MAX_RESPONSE_BYTES} bytes")
        try:
            return json.loads(data), headers
        except ValueError as exc:
            raise MirrorFailed(f"{url} did not answer JSON: {exc}") from exc

    def _wait_turn(self) -> None:
        wait = self._last + self.interval - time.monotonic()
        if wait > 0:
            self.sleep(wait)
        self._last = time.monotonic()


class _SameServerRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are followed only to the same server (the API's slash redirects)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        old = urllib.parse.urlsplit(req.full_url)
        new = urllib.parse.urlsplit(urllib.parse.urljoin(req.full_url, newurl))
        if (old.scheme, old.netloc) != (new.scheme, new.netloc):
            raise MirrorFailed(f"{req.full_url} redirects off the server: {newurl}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_SameServerRedirects)


def _retry_after(headers: Message | None, attempt: int) -> float:
    """Seconds to wait before trying again: the server's word, within reason."""
    value = headers.get("Retry-After", "") if headers is not None else ""
    if value.isdigit():
        return min(float(value), 300.0)
    return min(2.0**attempt, 60.0)
