"""The Flask class the app is made of: Flask with each hook's sync/async check made once, and request and
response classes that skip work Werkzeug repeats on every request (issue 18)."""

from __future__ import annotations

import re
from collections.abc import Callable
from io import BytesIO
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from flask import Flask, Request, Response
from flask.ctx import RequestContext
from flask.globals import _cv_app
from werkzeug import urls  # noqa: F401  (registers the "werkzeug.url_quote" codec error handler Werkzeug parses with)
from werkzeug.datastructures import Headers, ImmutableMultiDict
from werkzeug.routing import Rule
from werkzeug.sansio.http import parse_cookie
from werkzeug.utils import cached_property

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

#: At most this many callables remembered per app (the app has about a hundred hooks, views and handlers).
SYNC_CALLABLES = 1024


#: At most this many routing answers and parsed ``Cookie`` headers remembered per process (each emptied when full).
MATCHES = 1024
COOKIE_HEADERS = 1024
#: A longer ``Cookie`` header is parsed every time, never remembered.
COOKIE_HEADER_MAX = 4096

_parsed_cookies: dict[str, ImmutableMultiDict[str, str]] = {}

URLENCODED = "application/x-www-form-urlencoded"
#: A location ``iri_to_uri`` gives back unchanged (an ASCII path and query of unreserved characters).
PLAIN_URI = re.compile(r"[A-Za-z0-9/._~?=&-]*")


class BenchmarkRequest(Request):
    """Flask's request, reading the ``Cookie`` header straight from the WSGI environment."""

    @cached_property
    def cookies(self) -> ImmutableMultiDict[str, str]:
        """The request's cookies, exactly as Werkzeug parses them.

        Werkzeug joins ``headers.getlist("Cookie")``, which walks the whole environment and title-cases
        every ``HTTP_`` key (about a tenth of a kept page's cost); the only entry that can name that
        header is ``HTTP_COOKIE``, so its value is the same string.  A browser sends the same header
        with every request until a cookie changes, so its parse (an immutable mapping) is remembered.
        """
        header = self.environ.get("HTTP_COOKIE", "")
        kept = _parsed_cookies.get(header)
        if kept is not None:
            return kept
        parsed: ImmutableMultiDict[str, str] = parse_cookie(header, cls=self.dict_storage_class)  # type: ignore[assignment]
        if self.dict_storage_class is ImmutableMultiDict and len(header) <= COOKIE_HEADER_MAX:  # immutable: shareable
            if len(_parsed_cookies) >= COOKIE_HEADERS:
                _parsed_cookies.clear()
            _parsed_cookies[header] = parsed
        return parsed

    def _load_form_data(self) -> None:
        """Werkzeug's form parsing; a URL-encoded body already read (the readable-form check reads every one) is
        parsed as Werkzeug's parser parses it, without building the parser.

        Werkzeug's URL-encoded parser is ``parse_qsl`` over the decoded body, kept blanks and
        ``werkzeug.url_quote`` for undecodable bytes, into the request's parameter storage, with no
        files and the stream read to its end; building the parser around it (limits, content-type
        options, stream wrappers) cost six times the parse itself on a draft save (issue 18).
        ``tests/web/test_application.py`` compares both on the bodies of the hostile-input tests.
        """
        if "form" in self.__dict__:
            return
        body: bytes | None = getattr(self, "_cached_data", None)  # what get_data(cache=True) kept
        context = _cv_app.get(None)
        if body is None or self.mimetype != URLENCODED or context is None or context.app.debug:
            return super()._load_form_data()  # Flask's own (and its debug-mode helper)
        try:
            items = parse_qsl(body.decode(), keep_blank_values=True, errors="werkzeug.url_quote")
        except ValueError:  # a body that is not UTF-8: Werkzeug's (silent) parser gives an empty form
            items = []
        stream = BytesIO(body)
        stream.seek(0, 2)  # read to its end, as after Werkzeug's parse
        storage = self.parameter_storage_class
        self.__dict__.update(stream=stream, form=storage(items), files=storage())
        return None


class BenchmarkRequestContext(RequestContext):
    """Flask's request context, remembering what the URL map answers for a path and method (issue 18).

    Werkzeug's matcher walks its state machine and runs the converters on every request, although
    the answer for a given host part, path, method and WebSocket flag cannot change once the app
    serves (Flask refuses new rules after the first request).  A successful match is remembered per
    app (the rule and a copy of its arguments, which hold only converted path parts); anything else
    (404, 405, a redirect) asks Werkzeug every time.
    """

    app: BenchmarkFlask

    def match_request(self) -> None:
        adapter = self.url_adapter
        if adapter is None:
            return super().match_request()
        domain = adapter.server_name  # the host part Werkzeug's match() gives the matcher
        if not adapter.map.host_matching and adapter.subdomain is not None:
            domain = adapter.subdomain
        key = (domain, adapter.path_info, adapter.default_method.upper(), adapter.websocket)
        matches = self.app._matches
        found = matches.get(key)
        if found is None:
            super().match_request()
            request = self.request
            if request.routing_exception is None and request.url_rule is not None and request.view_args is not None:
                if len(matches) >= MATCHES:
                    matches.clear()
                matches[key] = (request.url_rule, dict(request.view_args))
            return None
        self.request.url_rule, view_args = found
        self.request.view_args = dict(view_args)  # the view's own copy: url_value_preprocessors pop from it
        return None


class BenchmarkResponse(Response):
    """Flask's response, whose headers are copied for the WSGI server without being checked again."""

    def get_wsgi_headers(self, environ: WSGIEnvironment) -> Headers:
        """Werkzeug's headers for the server; the usual response (no location header) takes a plain copy.

        Werkzeug copies the headers with ``Headers(self.headers)``, which checks each value for
        newlines again although every value was checked when it was set.  A ``Location`` or
        ``Content-Location`` that ``iri_to_uri`` would change (anything but unreserved characters,
        ``/``, ``?``, ``=`` and ``&``: the app's own redirects are plain paths), a location to be made
        absolute, or a status whose length Werkzeug removes or leaves alone (1xx, 204, 304), takes
        Werkzeug's own path; ``tests/web/test_response_headers.py`` compares both paths.
        """
        status = self.status_code
        if 100 <= status < 200 or status in (204, 304):
            return super().get_wsgi_headers(environ)
        content_length = None
        for key, value in self.headers:
            lowered = key.lower()
            if lowered in ("location", "content-location") and (
                self.autocorrect_location_header or not PLAIN_URI.fullmatch(value)
            ):
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
        self._matches: dict[tuple[str, str, str, bool], tuple[Rule, dict[str, Any]]] = {}

    def request_context(self, environ: WSGIEnvironment) -> RequestContext:
        """Flask's request context, with its URL matches remembered (:class:`BenchmarkRequestContext`)."""
        return BenchmarkRequestContext(self, environ)

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
