"""Marshalling, dispatch and authentication of XML-RPC calls."""

import base64
import binascii
from xmlrpc.server import SimpleXMLRPCDispatcher

from django.contrib.auth import authenticate
from django.http import HttpRequest
from rest_framework.exceptions import Throttled

from apps.api.throttling import check_credentials
from apps.xmlrpc import methods


class Dispatcher(SimpleXMLRPCDispatcher):
    """Upstream's dispatcher semantics on the standard library's marshaller.

    Any exception becomes ``Fault(1, "<exception class>:<message>")``, which
    the standard library already does; ``None`` is not allowed in results
    (upstream's behaviour, which clients are written against).
    """

    def __init__(self) -> None:
        super().__init__(allow_none=False, encoding="utf-8", use_builtin_types=True)
        self.authenticated = set()
        for function in methods.PUBLIC:
            self.register_function(function)
        for function in methods.AUTHENTICATED:
            self.register_function(function)
            self.authenticated.add(function.__name__)

    def dispatch(self, body: bytes, request: HttpRequest) -> bytes:
        def call(method, params):
            if method in self.authenticated:
                params = (_signed_in_user(request), *params)
            return self._dispatch(method, params)

        # The stubs say str; the standard library encodes the response.
        return self._marshaled_dispatch(body, call)  # type: ignore[return-value]


class BadCredentials(Exception):
    """The HTTP Basic credentials do not name an active account."""


def _signed_in_user(request: HttpRequest):
    """Return the account of the call's HTTP Basic credentials.

    Wrong passwords count towards the caller's limit (apps.api.throttling);
    over it, the call faults without checking the password.
    """
    header = request.META.get("HTTP_AUTHORIZATION", "")
    try:
        return check_credentials(
            request, lambda: _user_from_basic_auth(header), BadCredentials
        )
    except Throttled as exc:
        raise Exception(f"Too many failed logins: {exc.detail}") from None
    except BadCredentials as exc:
        # Clients see upstream's fault text, "<class 'Exception'>:...".
        raise Exception(str(exc)) from None


def _user_from_basic_auth(header: str):
    if not header:
        raise Exception("No authentication credentials given")
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic":
        raise Exception("Authentication scheme not supported")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise Exception("Invalid authentication credentials") from None
    username, sep, password = decoded.partition(":")
    if not sep:
        raise Exception("Invalid authentication credentials")
    user = authenticate(username=username, password=password)
    if user is None or not user.is_active:
        raise BadCredentials("Invalid username/password")
    return user


dispatcher = Dispatcher()
