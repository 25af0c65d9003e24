"""Errors of the services become the REST API's own error responses.

Services check what they store (URLs, names) and raise Django's
``ValidationError`` naming the field; a client gets the same 400 body as
for a serializer error, ``{"field": ["message"]}``.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(detail)
    return drf_exception_handler(exc, context)
