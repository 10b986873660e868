"""gunicorn settings for the HNDZA website (used by deploy/systemd/hnda.service and `make deploy-check`).

Every value can be overridden from the environment (GUNICORN_*), so one file serves a small
VM and a bigger one. Read by gunicorn: ``gunicorn -c deploy/gunicorn.conf.py hnda_site.wsgi``.
"""

import multiprocessing
import os

# Where nginx connects (a Unix socket works too: unix:/run/hnda/gunicorn.sock).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers, (2 × cores) + 1 as gunicorn's docs suggest, capped at 8: a page is served from the
# in-process page cache in well under a millisecond, and each worker holds its own copy of that cache
# (≤ 120 MB RSS), so more workers buy little but memory.
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 8)))
worker_class = "sync"

# Recycle workers now and then (any slow leak stays bounded); the jitter keeps them from all
# restarting at the same moment.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 200))

# A request may take at most 30 s (the member import's limits are set to finish well inside it);
# on reload (SIGHUP) or stop (SIGTERM) workers get 30 s to finish what they are serving.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = 5

# Only the reverse proxy may say which scheme the visitor used (BEHIND_PROXY=true in Django).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Load the application once in the master: workers share its memory and start fast.
preload_app = True
