"""Test settings: the real settings plus only what tests need to differ."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-used-anywhere-else")

from patchserver.settings import *  # noqa: F403

# The test client speaks plain HTTP.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Test modules make many anonymous list requests from one address; the
# limit's own tests turn it on.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"failed_auth": "10/minute", "anon_list": None},
}

# Tests never run collectstatic; serve static files straight from the apps.
WHITENOISE_AUTOREFRESH = True

# Lets the live-server tests check what real API clients were sent
# (tests/api/recording.py); inert unless a test switches it on.
MIDDLEWARE = [*MIDDLEWARE, "tests.api.recording.record_api_responses"]  # noqa: F405

# Background jobs run where they are queued; the worker's own tests switch
# to the database queue.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# A read replica that is the test database itself, for the router's tests
# (tests/config/test_replicas.py turns the router on); no other test reads
# from it.
DATABASES = {
    **DATABASES,  # noqa: F405
    "replica1": {**DATABASES["default"], "TEST": {"MIRROR": "default"}},  # noqa: F405
}
DATABASE_ROUTERS = []
