"""The real app as ``perf/bench_pages.py`` serves it under gunicorn.

Production settings (``ASSETS_AUTO_BUILD=False``, rate limits on) with the synthetic data
pool and the database in ``PERF_DATABASE_URL``.  ``PERF_CSRF=off`` turns CSRF protection
off so that the load generator can POST a page without a form token: **benchmark only**,
never in a deployment, and the results say so.
"""

from __future__ import annotations

import os

from benchmark.app import create_app
from perf.common import bench_config

app = create_app(
    bench_config(
        os.environ["PERF_DATABASE_URL"],
        WTF_CSRF_ENABLED=os.environ.get("PERF_CSRF", "on") != "off",
        RATELIMIT_ENABLED=True,
    )
)
