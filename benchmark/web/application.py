"""The Flask class the app is made of: Flask with each hook's sync/async check made once, and request and
response classes that skip work Werkzeug repeats on every request (issue 18)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import Flask, Request, Response
from werkzeug.datastructures import Headers, ImmutableMultiDict
from werkzeug.sansio.http import parse_cookie
from werkzeug.utils import cached_property

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

#: At most this many callables remembered per app (the app has about a hundred hooks, views and handlers).
SYNC_CALLABLES = 1024


class BenchmarkRequest(Request):
    """Flask's request, reading the ``Cookie`` header straight from the WSGI environment."""

    @cached_property
    def cookies(self) -> ImmutableMultiDict[str, str]:
        """The request's cookies, exactly as Werkzeug parses them.

        Werkzeug joins ``headers.getlist("Cookie")``, which walks the whole environment and title-cases
        every ``HTTP_`` key (about a tenth of a kept page's cost); the only entry that can name that
        header is ``HTTP_COOKIE``, so its value is the same string.
        """
        return parse_cookie(self.environ.get("HTTP_COOKIE", ""), cls=self.dict_storage_class)  # type: ignore[return-value]


class BenchmarkResponse(Response):
    """Flask's response, whose headers are copied for the WSGI server without being checked again."""

    def get_wsgi_headers(self, environ: WSGIEnvironment) -> Headers:
        """Werkzeug's headers for the server; the usual response (no location header) takes a plain copy.

        Werkzeug copies the headers with ``Headers(self.headers)``, which checks each value for
        newlines again although every value was checked when it was set.  A response with a
        ``Location`` or ``Content-Location`` header, or a status whose length Werkzeug removes or
        leaves alone (1xx, 204, 304), takes Werkzeug's own path; ``tests/web/test_response_headers.py``
        compares both paths.
        """
        status = self.status_code
        if 100 <= status < 200 or status in (204, 304):
            return super().get_wsgi_headers(environ)
        content_length = None
        for key, value in self.headers:
            lowered = key.lower()
            if lowered in ("location", "content-location"):
                return super().get_wsgi_headers(environ)
            if lowered == "content-length":
                content_length = value
        headers = Headers()
        headers._list = list(self.headers._list)  # values checked when they were set
        if content_length is None and self.automatically_set_content_length and self.is_sequence:
            headers._list.append(("Content-Length", str(sum(len(x) for x in self.iter_encoded()))))
        return headers


class BenchmarkFlask(Flask):
    """Flask whose ``ensure_sync`` remembers its answer per function, with the request and response above.

    Flask calls ``ensure_sync`` on every hook and view of every request (about ten per request),
    and each call asks :func:`inspect.iscoroutinefunction` again, which unwraps the function each
    time.  The answer cannot change for a given function, so it is kept: one entry per hook, view
    and error handler, and never more than :data:`SYNC_CALLABLES` (a callable made per request
    would be decided every time, never kept).
    """

    request_class = BenchmarkRequest
    response_class = BenchmarkResponse

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sync_callables: dict[Callable[..., Any], Callable[..., Any]] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """``func`` as Flask would call it (wrapped when it is a coroutine function), decided once."""
        try:
            return self._sync_callables[func]
        except KeyError:
            sync = super().ensure_sync(func)
            if len(self._sync_callables) < SYNC_CALLABLES:
                self._sync_callables[func] = sync
            return sync
        except TypeError:  # an unhashable callable: decide every time, as Flask does
            return super().ensure_sync(func)
