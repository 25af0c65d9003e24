"""gunicorn's settings for patchserver: ``gunicorn -c gunicorn.conf.py``.

The container image, docker-compose.yml and the systemd unit all serve the
site with this file, so they agree; each value can be changed through the
environment variable named beside it.
"""

import os
import tempfile

wsgi_app = "patchserver.wsgi"

# Loopback by default: the server trusts the proxy's X-Forwarded-* headers
# (when configured to), so only the TLS proxy in front may reach it. The
# container binds 0.0.0.0 and is published on the host's loopback.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")

# Synchronous workers, one request each: a page's work is database queries
# and rendering, and each worker keeps one warm database connection
# (CONN_MAX_AGE). Every worker of every web host holds a connection, so
# workers x hosts must stay below PostgreSQL's max_connections.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)
worker_class = "sync"

# A request still running after this many seconds is killed with its worker
# (a mbox of a huge series takes a few seconds, nothing takes a minute).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30

# Workers are replaced now and then, so a slow leak in a library cannot
# grow for ever; the jitter keeps them from restarting together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10

# No control socket (gunicornc): its default path is one per user, which
# several servers of one user (web hosts, benchmarks, tests) would share;
# systemd or compose manage the server, and HUP reloads it.
control_socket_disable = True

# Access log to standard output (journald or `docker compose logs`); an
# empty GUNICORN_ACCESS_LOG turns it off.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# /metrics (METRICS_TOKEN set): every worker records its request latencies
# in files of one folder, summed by whichever worker answers the scrape
# (prometheus_client's multiprocess mode). A fresh folder per start, unless
# PROMETHEUS_MULTIPROC_DIR names one shared with the LMTP server.
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)
elif os.environ.get("METRICS_TOKEN"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(
        prefix="patchserver-metrics-"
    )


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
