"""A mail backend whose server always refuses (for error-path tests)."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"no")})


MAILERS = {"default": {"BACKEND": "tests.web.failing_mail.RefusingBackend"}}
