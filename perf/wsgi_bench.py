"""The real app as ``perf/bench_pages.py`` serves it under gunicorn.

Production settings (``ASSETS_AUTO_BUILD=False``, CSRF protection on, rate limits on) with the
synthetic data pool and the database in ``PERF_DATABASE_URL``: the load generator posts the
page's own CSRF token with the session cookie, as a browser does.
"""

from __future__ import annotations

import os

from benchmark.app import create_app
from perf.common import bench_config

app = create_app(bench_config(os.environ["PERF_DATABASE_URL"], WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=True))
