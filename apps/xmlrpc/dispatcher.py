"""Marshalling, dispatch and authentication of XML-RPC calls."""

import base64
import binascii
from xmlrpc.server import SimpleXMLRPCDispatcher

from django.contrib.auth import authenticate

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

    def dispatch(self, body: bytes, authorization: str) -> bytes:
        def call(method, params):
            if method in self.authenticated:
                params = (_user_from_basic_auth(authorization), *params)
            return self._dispatch(method, params)

        # The stubs say str; the standard library encodes the response.
        return self._marshaled_dispatch(body, call)  # type: ignore[return-value]


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
        raise Exception("Invalid username/password")
    return user


dispatcher = Dispatcher()
