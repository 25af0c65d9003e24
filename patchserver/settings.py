"""Settings for patchserver, read from the environment.

One module serves every deployment: development, tests, CI and production
differ only by environment variables (see README.md, "Configuration").
"""

from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from patchserver.database import databases
from patchserver.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# --- Core -------------------------------------------------------------------

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set (or DEBUG=1 for a development run)."
        )
    # Development only: a fixed key so sessions survive restarts.
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Everything the server writes by itself (SQLite database, saved mails) lives
# in one folder, so a deployment has a single place to back up.
DATA_DIR = Path(env_str("PATCHSERVER_DATA_DIR") or BASE_DIR / "data")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    # The database queue of background jobs (see TASKS below).
    "django_tasks_db",
    # Domain apps, from the root of the dependency graph upwards.
    "apps.people",
    "apps.projects",
    "apps.patches",
    "apps.checks",
    "apps.bundles",
    "apps.events",
    "apps.notifications",
    # Edge apps.
    "apps.ingest",
    "apps.importer",
    "apps.api",
    "apps.web",
    "apps.xmlrpc",
    "apps.demo",
    "apps.jobs",
    "apps.webhooks",
]

MIDDLEWARE = [
    # /metrics (with METRICS_TOKEN) and the request latency it reports.
    "patchserver.metrics.metrics_endpoint",
    # /healthz and /readyz: answered before the HTTPS redirect and host check.
    "patchserver.health.health_endpoints",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "patchserver.middleware.absolute_form_request_target",
    "patchserver.middleware.refuse_nul_in_query",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous GET/HEAD reads to a read replica, when there are any.
    "patchserver.replicas.replica_reads",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "patchserver.urls"
WSGI_APPLICATION = "patchserver.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.web.context_processors.site_chrome",
            ],
        },
    },
]

LANGUAGE_CODE = "en-us"
# Every stored time is aware UTC (upstream mixes local and UTC clocks).
TIME_ZONE = "UTC"
USE_TZ = True
USE_I18N = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Bare domains in mail text become https:// links (Django 7's default).
URLIZE_ASSUME_HTTPS = True

# --- Database ---------------------------------------------------------------

# Persistent, health-checked connections; DATABASE_POOLER=transaction behind
# PgBouncer (patchserver/database.py).
DATABASES = databases(DATA_DIR)
DATABASE_ROUTERS = ["patchserver.replicas.ReplicaRouter"] if len(DATABASES) > 1 else []

# --- Auth -------------------------------------------------------------------

AUTH_USER_MODEL = "people.User"

# Upstream's account URLs (web UI): login page, and the profile after login.
LOGIN_URL = "auth_login"
LOGIN_REDIRECT_URL = "user-profile"
LOGOUT_REDIRECT_URL = "project-list"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

# --- Security ---------------------------------------------------------------
# Secure by default once DEBUG is off; each switch can be turned off for a
# deployment behind a TLS-terminating proxy or a plain-HTTP run on loopback.

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
# Preload lists are an irreversible commitment for the domain (and, with
# includeSubDomains, for every subdomain): a deployment opts in.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # check --deploy's reminder that preloading is off (security.W021).
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    # The proxy in front sets X-Forwarded-Proto; only enable behind one.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy of every response: scripts, styles and images come
# from the site's own files only (no inline script or style, no eval), so
# text that escaped its escaping still could not run. The browsable API
# allows inline styles as well (apps/api/renderers.py).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# --- Static files -----------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- E-mail -----------------------------------------------------------------

# Configured through Django's MAILERS; the environment keeps the familiar
# EMAIL_* names.
MAILERS: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": env_str(
            "EMAIL_BACKEND",
            "django.core.mail.backends.console.EmailBackend"
            if DEBUG
            else "django.core.mail.backends.smtp.EmailBackend",
        ),
        "OPTIONS": {},
    }
}
if MAILERS["default"]["BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "use_ssl": env_bool("EMAIL_USE_SSL", False),
        "timeout": env_int("EMAIL_TIMEOUT", 30),
    }
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Patchwork <patchwork@patchwork.example.com>"
)
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
ADMINS = env_list("ADMINS")

# --- REST framework ---------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "apps.api.throttling.ThrottledBasicAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    # How many proxies in front append to X-Forwarded-For: the client's address
    # is the one the nearest proxy saw. 0 (no proxy) ignores the header,
    # which anyone can write, so a client cannot pose as another address.
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
    # Per client address; "" turns a limit off (apps/api/throttling.py).
    "DEFAULT_THROTTLE_RATES": {
        # Wrong passwords (HTTP Basic: REST API, XML-RPC, bundle mbox).
        "failed_auth": env_str("THROTTLE_FAILED_AUTH", "10/minute") or None,
        # Anonymous reads of REST list endpoints.
        "anon_list": env_str("THROTTLE_ANON_LISTS", "300/minute") or None,
    },
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "apps.api.renderers.BrowsableAPIRenderer",
    ],
    "SEARCH_PARAM": "q",
    "ORDERING_PARAM": "order",
    # Validation errors raised by the services answer 400, as serializers' do.
    "EXCEPTION_HANDLER": "apps.api.errors.exception_handler",
}

# --- Logging ----------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        "apps": {"level": env_str("LOG_LEVEL", "INFO"), "propagate": True},
        "django.request": {
            "handlers": ["mail_admins"],
            "level": "ERROR",
            "propagate": True,
        },
    },
}

# --- Monitoring -------------------------------------------------------------

# Bearer token a Prometheus scrape of /metrics must send; empty: no /metrics.
METRICS_TOKEN = env_str("METRICS_TOKEN")

# --- patchserver (upstream Patchwork's names and defaults) ------------------

DEFAULT_ITEMS_PER_PAGE = env_int("DEFAULT_ITEMS_PER_PAGE", 100)
REST_RESULTS_PER_PAGE = env_int("REST_RESULTS_PER_PAGE", 30)
MAX_REST_RESULTS_PER_PAGE = env_int("MAX_REST_RESULTS_PER_PAGE", 250)
# Lists count their matching rows exactly up to this many. Past it the count
# (the API's last page, the web's total) is PostgreSQL's estimate, so a list of
# millions costs what a list of thousands does. 0: always exact (upstream).
PAGINATION_EXACT_COUNT = env_int("PAGINATION_EXACT_COUNT", 10000)
ENABLE_REST_API = env_bool("ENABLE_REST_API", True)
ENABLE_XMLRPC = env_bool("ENABLE_XMLRPC", False)
# Most rows an XML-RPC list call returns, whatever its max_count (upstream:
# no bound).
XMLRPC_MAX_COUNT = env_int("XMLRPC_MAX_COUNT", 1000)
COMPAT_REDIR = env_bool("COMPAT_REDIR", True)
FORCE_HTTPS_LINKS = env_bool("FORCE_HTTPS_LINKS", False)
# scheme://host of the site as its users reach it, for links in mail. Mail
# sent while serving a request can use the request's host; notification
# digests are sent by a command and need this (else the first served host).
SITE_BASE_URL = env_str("SITE_BASE_URL", "").rstrip("/")
CONFIRMATION_VALIDITY_DAYS = env_int("CONFIRMATION_VALIDITY_DAYS", 7)
NOTIFICATION_DELAY_MINUTES = env_int("NOTIFICATION_DELAY_MINUTES", 10)
NOTIFICATION_FROM_EMAIL = env_str("NOTIFICATION_FROM_EMAIL", DEFAULT_FROM_EMAIL)
ADMINS_HIDE = env_bool("ADMINS_HIDE", False)

# --- Mail ingest ------------------------------------------------------------

# Mail that parsemail/parsearchive could not store (a broken mail, a bug) is
# kept here, as a Maildir, for inspection and replay with parsearchive.
FAILED_MAIL_DIR = Path(
    env_str("PATCHSERVER_FAILED_MAIL_DIR") or DATA_DIR / "failed-mail"
)
# Mail larger than this (bytes) is not read: it goes to the failed-mail
# folder (parsemail exits 1, so the MTA does not retry). 0: no limit.
INGEST_MAX_MAIL_SIZE = env_int("PATCHSERVER_INGEST_MAX_MAIL_SIZE", 32 * 1024 * 1024)
# Processor seconds one mail may take to be read and stored (parsemail, the
# ingest server, parsearchive); a mail taking longer goes to the failed-mail
# folder. Waiting for the database does not count. 0: no limit.
INGEST_MAIL_TIME_LIMIT = env_int("PATCHSERVER_INGEST_MAIL_TIME_LIMIT", 30)
# Longest wait, in seconds, for another delivery to the same project to
# finish; parsemail then exits with EX_TEMPFAIL and the MTA retries later.
INGEST_LOCK_TIMEOUT = env_int("PATCHSERVER_INGEST_LOCK_TIMEOUT", 60)
# Days a reply waits for the mail it answers before it expires: stored on an
# older known ancestor (upstream's rule), else saved to FAILED_MAIL_DIR.
INGEST_PENDING_DAYS = env_int("PATCHSERVER_INGEST_PENDING_DAYS", 30)
# manage.py lmtpserver: the reply to a mail that cannot be stored and was
# kept in the failed-mail folder, "accept" (250: the MTA does not bounce a
# list's mail to its sender) or "reject" (554); and address=List-Id items
# filing the mail of a recipient under that list's project.
LMTP_FAILED_REPLY = env_str("PATCHSERVER_LMTP_FAILED_REPLY", "accept")
LMTP_RECIPIENTS = env_list("PATCHSERVER_LMTP_RECIPIENTS")

# --- Background jobs --------------------------------------------------------
# Django's Tasks framework runs notification digests and webhook deliveries
# in `manage.py worker`. TASKS_BACKEND picks the queue:
#   database  (default) rows in this site's own database; no other service.
#   rq        Redis through RQ, for large sites (pip install 'patchserver[rq]',
#             REDIS_URL=redis://host:6379/0).
#   immediate each job runs at once, inside the process that enqueued it
#             (no worker; retries of failed webhook deliveries are dropped).
TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, "
        f"not {TASKS_BACKEND!r}."
    )
TASKS: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}
}
if TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": env_str("REDIS_URL", "redis://localhost:6379/0")}}

# --- Webhooks ---------------------------------------------------------------
# Deliveries go only to public addresses unless this is on (receivers on the
# site's own network, or tests on loopback); see apps/webhooks/targets.py.
WEBHOOK_ALLOW_PRIVATE_TARGETS = env_bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", False)
# Seconds one delivery may take, connection to last byte read.
WEBHOOK_TIMEOUT = env_int("WEBHOOK_TIMEOUT", 10)
# Seconds before the first retry of a failed delivery; each later wait
# doubles, up to an hour.
WEBHOOK_RETRY_DELAY = env_int("WEBHOOK_RETRY_DELAY", 30)
# Seconds a delivery is retried; a hook whose deliveries have all failed
# for as long is switched off and its owner mailed.
WEBHOOK_GIVE_UP_AFTER = env_int("WEBHOOK_GIVE_UP_AFTER", 24 * 60 * 60)
# Days finished deliveries stay in the hooks' logs (`manage.py cron` prunes).
WEBHOOK_LOG_DAYS = env_int("WEBHOOK_LOG_DAYS", 30)
# Days the database queue keeps finished jobs (`manage.py cron` prunes).
TASKS_RESULT_DAYS = env_int("TASKS_RESULT_DAYS", 7)
