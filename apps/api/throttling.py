"""Rate limits on what costs the server most: failed sign-ins, anonymous lists.

Every password check runs the password hasher (hundreds of milliseconds of
CPU by design), whether or not the password is right, so unlimited wrong
guesses are a cheap way to load the server. One limiter counts the failed
HTTP Basic checks of a client address, wherever credentials are accepted:
the REST API, XML-RPC and the bundle mbox download. Once the limit is
reached the address gets no password check at all until the window moves.

Counts live in Django's default cache (per process unless ``CACHES`` names
a shared one). Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``;
a rate of ``None`` turns a limit off.
"""

from collections.abc import Callable

from rest_framework.authentication import BasicAuthentication
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle


class _RateFromSettings:
    """Read the rate when the throttle is made, not once at import time."""

    scope: str

    def get_rate(self) -> str | None:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        return rate if isinstance(rate, str) else None


class FailedSignInThrottle(_RateFromSettings, SimpleRateThrottle):
    """Failed credential checks per client address.

    Unlike the framework's throttles, which count every request, this one
    counts only failures: ``wait_before_check`` is asked before a password
    is checked, ``record_failure`` after a wrong one.
    """

    scope = "failed_auth"
    # Set from the rate by SimpleRateThrottle.__init__.
    num_requests: int
    duration: int

    def get_cache_key(self, request, view=None) -> str:
        return self.cache_format % {
            "scope": self.scope,
            "ident": self.get_ident(request),
        }

    def _load(self, request) -> None:
        self.key = self.get_cache_key(request)
        self.now = self.timer()
        self.history = [
            moment
            for moment in self.cache.get(self.key, [])
            if moment > self.now - self.duration
        ]

    def wait_before_check(self, request) -> float | None:
        """Return the seconds the address must wait, or None if it may try."""
        if self.rate is None:
            return None
        self._load(request)
        if len(self.history) < self.num_requests:
            return None
        return self.wait() or 1.0

    def record_failure(self, request) -> None:
        if self.rate is None:
            return
        self._load(request)
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)


def check_credentials[T](request, check: Callable[[], T], failed: type[Exception]) -> T:
    """Run ``check()`` (a password check) unless the caller's address is blocked.

    Raises ``Throttled`` (with the wait) for a blocked address; counts a
    ``failed`` exception out of ``check()`` against the address and re-raises it.
    ``request`` is a Django or REST framework request.
    """
    throttle = FailedSignInThrottle()
    wait = throttle.wait_before_check(request)
    if wait is not None:
        raise Throttled(wait)
    try:
        return check()
    except failed:
        throttle.record_failure(request)
        raise


class ThrottledBasicAuthentication(BasicAuthentication):
    """HTTP Basic authentication that stops checking after too many failures."""

    def authenticate_credentials(self, userid, password, request=None):
        parent = super().authenticate_credentials
        return check_credentials(
            request,
            lambda: parent(userid, password, request),
            AuthenticationFailed,
        )


class AnonymousListThrottle(_RateFromSettings, AnonRateThrottle):
    """Anonymous reads of list endpoints per client address.

    Lists are the expensive reads (a page of up to 250 rows with everything
    they embed); details and signed-in callers are not limited here.
    """

    scope = "anon_list"

    def allow_request(self, request, view) -> bool:
        if request.method not in ("GET", "HEAD") or not _is_list(view):
            return True
        return super().allow_request(request, view)


def _is_list(view) -> bool:
    # Duck-typed: the generic views import the settings that import this
    # module (as an authentication class).
    if not hasattr(view, "list"):
        return False
    lookup = getattr(view, "lookup_url_kwarg", None) or view.lookup_field
    return lookup not in view.kwargs
