"""The reference for page throughput: a hello-world Flask app, served like the real one.

``perf/bench_pages.py`` runs it under the same gunicorn settings as the app (2 sync
workers, loopback), so the real pages' figures can be read as a share of what this
stack (Python, Flask, gunicorn, the load generator on the same cores) can do at most.
"""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)

PAGE = "<!doctype html><html lang=en><meta charset=utf-8><title>Hello</title><p>Hello, world</p></html>"


@app.get("/")
def hello() -> str:
    """A constant small HTML page."""
    return PAGE
