"""Gzip compression of text responses (pages, CSS, JS, JSON, SVG, CSV) for slow connections.

Flask-Compress does the work, with three adjustments:

* Static files (the hashed ``/static/gen/…`` bundles included) are sent by Flask as *streamed*
  file responses. Flask-Compress's streaming path leaves gzip out and, when it does compress a
  stream, never closes the underlying file. Text static files are small (Chart.js, the largest,
  is about 210 KB), so we read them into memory first (Werkzeug then closes the file) and
  compress them in one piece, with a correct ``Content-Length``.
* Other streamed responses are left uncompressed (``COMPRESS_STREAMS = False``): none exists
  today, and a future one keeps streaming.
* Partial responses (206, ``Range`` requests) are left alone: the range refers to the
  uncompressed file, so compressing it would corrupt resumed downloads.
* A response that carries ``Content-Encoding`` already (a page kept compressed by
  :mod:`benchmark.web.page_cache`, which sets its own ``Vary``) is returned as it is, before
  Flask-Compress parses ``Accept-Encoding`` for nothing.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_compress import Compress

COMPRESSED_MIMETYPES = [
    "text/html",
    "text/css",
    "text/javascript",  # what Python's mimetypes gives .js files
    "application/javascript",
    "application/json",
    "image/svg+xml",
    "text/csv",
]
MIN_SIZE = 500  # bytes: below this, gzip's header costs more than it saves
#: gzip level, chosen by measurement (perf/README.md, issue 18): on the results page (60 KB of HTML)
#: level 6 took 0.80 ms of CPU for 10.9 KB, level 3 0.29 ms for 12.4 KB, level 1 0.25 ms for 13.3 KB;
#: on small pages every level costs under 0.03 ms.  Level 3 keeps most of the saving at a third of the CPU.
COMPRESS_LEVEL = 3
MAX_BUFFERED_STATIC = 2 * 1024 * 1024  # never read a larger static file into memory


class _Compress(Compress):
    """Flask-Compress, buffering static text files and skipping partial responses."""

    def after_request(self, response: Response | None) -> Response:
        if response is None:
            return super().after_request(response)
        if response.status_code == 206 or "Content-Encoding" in response.headers:
            return response  # a range of the file, or a body sent already compressed (web/page_cache.py)
        if (
            response.is_streamed
            and request.endpoint == "static"
            and response.mimetype in self.compress_mimetypes_set
            and response.content_length is not None
            and MIN_SIZE <= response.content_length <= MAX_BUFFERED_STATIC
        ):
            response.direct_passthrough = False
            response.make_sequence()  # reads the file and registers its close()
        return super().after_request(response)


def init_app(app: Flask) -> None:
    """Compress text responses with gzip (only when the client sends ``Accept-Encoding: gzip``)."""
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_MIMETYPES)
    app.config.setdefault("COMPRESS_MIN_SIZE", MIN_SIZE)
    app.config.setdefault("COMPRESS_LEVEL", COMPRESS_LEVEL)
    app.config.setdefault("COMPRESS_ALGORITHM", ["gzip"])
    app.config.setdefault("COMPRESS_STREAMS", False)
    app.extensions["compress"] = _Compress(app)
