"""Ports: how a lower layer calls code that lives in a higher one.

The domain apps are layered (see ``docs/architecture.md``): a lower app may
not import a higher one. Where a lower app's service must still tell a
higher one something (the patch services record events, and events sit
above patches), the lower app declares what it needs as a ``Protocol`` and a
``Port`` for it; the higher app provides the implementation once, from its
``AppConfig.ready()``. Unlike a signal there is exactly one receiver, it is
typed, and a missing one is an error rather than silence.
"""

from django.core.exceptions import ImproperlyConfigured


class Port[T]:
    """One implementation of ``T``, provided at start-up."""

    def __init__(self, needs: str) -> None:
        self._needs = needs
        self._provided: T | None = None

    def provide(self, implementation: T) -> None:
        self._provided = implementation

    def __call__(self) -> T:
        if self._provided is None:
            raise ImproperlyConfigured(f"nothing provides {self._needs}")
        return self._provided
