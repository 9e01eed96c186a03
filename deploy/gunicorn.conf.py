"""gunicorn settings for each app server behind the proxy (README, "Running several servers").

    gunicorn -c deploy/gunicorn.conf.py wsgi:app

BIND, WORKERS and THREADS come from the environment (``make cluster`` sets BIND per server).
Every server needs the same SECRET_KEY, DATABASE_URL (PostgreSQL) and RATELIMIT_STORAGE_URI
(redis://…), and TRUSTED_PROXIES=1 behind one proxy.  Run ``flask db upgrade`` once before
starting any server.
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8001")
workers = int(os.environ.get("WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("THREADS", "4"))
# Load the app before the listening socket opens: a restarting server then refuses connections
# (nginx tries the other) instead of accepting them while its workers are still importing the app.
preload_app = True
# A request longer than this is stuck: the worker is restarted.
timeout = 30
# On SIGTERM, finish the requests in hand for up to this long.
graceful_timeout = 10
# Idle connections from the proxy are closed after this many seconds.
keepalive = 5
accesslog = os.environ.get("ACCESS_LOG") or None
control_socket_disable = True
