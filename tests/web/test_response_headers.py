"""Every header of every kind of response is what the plain Flask/Werkzeug path gives, in the same order (issue 18).

The fast path (``web/application.py``'s request and response classes, ``web/headers.py``'s checked
header lists in the security hook, the private pages' hooks, the session's ``Vary`` and the kept
pages' responses, ``web/csrf_hook.py``'s method check) is compared with the plain one: Flask's own
request, response and session classes, Flask-WTF's own CSRF hook, and the hooks written with
Werkzeug's public ``Headers`` calls, as they were before.  Both answer the same request of the same
client, with the clock stopped so that every signed token and cookie is the same string.
"""

from __future__ import annotations

import gzip
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

import flask
import pytest
from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from flask.testing import FlaskClient
from werkzeug.datastructures import Headers
from werkzeug.test import TestResponse

from benchmark.organisations.plan import views as plan_views
from benchmark.organisations.results import views as results_views
from benchmark.organisations.share import views as share_views
from benchmark.organisations.team import views as team_views
from benchmark.store import assessments as services
from benchmark.web import page_cache, page_skeleton, security
from benchmark.web.application import BenchmarkRequest, BenchmarkResponse
from benchmark.web.headers import CheckedHeaders, add_all, set_all, set_checked
from tests.factories import create_workshop, first_answers, seed_submission, signed_in

GZIP = {"Accept-Encoding": "gzip, deflate, br", "Accept-Language": "fr-CA,fr;q=0.9"}
TOKEN_43 = "A" * 43
CSRF_VALUE = re.compile(rb'(name="csrf_token" type="hidden" value=")[^"]+')


def plain_security_headers(response: flask.Response) -> flask.Response:
    """The security hook with Werkzeug's public calls (``setdefault`` per name)."""
    headers = response.headers
    defaults = [*security.DEFAULT_HEADERS, security.HSTS] if request.is_secure else security.DEFAULT_HEADERS
    if request.path.startswith(security.STATIC_IMMUTABLE_PREFIX):
        headers["Cache-Control"] = "public, max-age=31536000, immutable"
    elif not request.path.startswith("/static/"):
        headers.setdefault("Cache-Control", "no-store")
    for name, value in defaults:
        headers.setdefault(name, value)
    return response


def plain_keep_private(checked: CheckedHeaders) -> Callable[[flask.Response], flask.Response]:
    def keep_private(response: flask.Response) -> flask.Response:
        response.headers.update(dict(checked.pairs))
        return response

    return keep_private


def plain_html_response(size: int, gzipped: Callable[[], bytes], plain: Callable[[], bytes]) -> flask.Response:
    """A kept page's response as Werkzeug builds it from the same constants."""
    if "gzip" in request.environ.get("HTTP_ACCEPT_ENCODING", "") and size >= page_cache.MIN_SIZE:
        return flask.Response(gzipped(), headers=page_cache.GZIP_HEADERS, mimetype="text/html")
    return flask.Response(plain(), headers=page_cache.PLAIN_HEADERS, mimetype="text/html")


@contextmanager
def plain_path(app: Flask) -> Iterator[None]:
    """The app answering through Flask's, Flask-WTF's and Werkzeug's own code instead of the fast path."""
    private = {
        results_views.keep_private: results_views.PRIVATE_HEADERS,
        plan_views.keep_private: plan_views.PRIVATE_HEADERS,
        share_views.keep_private: share_views.SHARED_HEADERS,
        team_views.keep_private: team_views.PRIVATE_HEADERS,
    }

    def plain_hook(hook: Any) -> Any:
        if hook is security.set_security_headers:
            return plain_security_headers
        if hook in private:
            return plain_keep_private(private[hook])
        return getattr(hook, "__wrapped__", hook)  # Flask-WTF's own CSRF hook

    replaced = 0
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(app, "request_class", flask.Request)
        patch.setattr(app, "response_class", flask.Response)
        patch.setattr(app, "session_interface", SecureCookieSessionInterface())
        patch.setattr(page_cache, "html_response", plain_html_response)
        patch.setattr(page_skeleton, "html_response", plain_html_response)
        for name in ("before_request_funcs", "after_request_funcs"):
            hooks = {key: [plain_hook(hook) for hook in funcs] for key, funcs in getattr(app, name).items()}
            replaced += sum(
                a is not b for key, funcs in hooks.items() for a, b in zip(funcs, getattr(app, name)[key], strict=True)
            )
            patch.setattr(app, name, hooks)
        assert replaced == 6  # the security hook, the four private blueprints' hooks, the CSRF hook
        yield


@pytest.fixture
def stopped_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now)  # itsdangerous and the session cookie read time.time


@pytest.fixture
def world(csrf_app: Flask, stopped_clock: None) -> dict[str, Any]:
    """A submitted assessment, a draft, a facilitator with a workshop, a visitor who has been here before."""
    app = csrf_app
    app.config["WTF_CSRF_ENABLED"] = False  # set up through the web flow without tokens
    token = seed_submission(app, first_answers(app))
    with app.app_context():
        _draft, draft = services.start_assessment(app.extensions["content"].questionnaire, "en", None)
    facilitator = signed_in(app, "fac@example.org", "facilitator")
    workshop_id, _code = create_workshop(facilitator)
    app.config["WTF_CSRF_ENABLED"] = True
    visitor = app.test_client()
    home = visitor.get("/en/").get_data(as_text=True)
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', home)
    assert stylesheet
    return {
        "app": app,
        "visitor": visitor,
        "facilitator": facilitator,
        "results": f"/results/{token}",
        "draft": f"/assessment/{draft}/importance",
        "workshop": workshop_id,
        "stylesheet": stylesheet.group(1),
    }


def both(app: Flask, ask: Callable[[], TestResponse]) -> tuple[TestResponse, TestResponse]:
    """The response of the fast path, then of the plain path, to the same request (asked once before: a
    first request renders a page to keep, or sets the session's first CSRF token)."""
    ask().close()
    fast = ask()
    with plain_path(app):
        plain = ask()
    return fast, plain


def assert_same(fast: TestResponse, plain: TestResponse, what: str = "", new_session: bool = False) -> None:
    """Same status, headers (names, values, order) and body; a new session's cookie and CSRF token are random."""

    def listed(response: TestResponse) -> list[tuple[str, str]]:
        pairs = list(response.headers.items())
        return [(k, "…" if new_session and k == "Set-Cookie" else v) for k, v in pairs]

    def body(response: TestResponse) -> bytes:
        data = response.get_data()
        if not new_session:
            return data
        masked, tokens = CSRF_VALUE.subn(rb"\1(token)", gzip.decompress(data))
        assert tokens, what
        return masked

    assert fast.status == plain.status, what
    assert listed(fast) == listed(plain), what
    assert body(fast) == body(plain), what
    fast.close()  # a static file's body is read from a file, closed with the response
    plain.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_kind_of_page_has_the_headers_of_the_plain_path(world: dict[str, Any], lang: str) -> None:
    app, visitor, facilitator = world["app"], world["visitor"], world["facilitator"]
    asked: list[tuple[FlaskClient, str, str, dict[str, str]]] = [
        (visitor, "GET", f"/{lang}/", GZIP),  # a kept page, gzip
        (visitor, "GET", f"/{lang}/", {}),  # the same, plain
        (visitor, "HEAD", f"/{lang}/", GZIP),
        (visitor, "GET", f"/{lang}{world['results']}", GZIP),  # a kept private page
        (visitor, "GET", f"/{lang}{world['results']}", {}),
        (visitor, "GET", f"/{lang}{world['results']}/data.json", GZIP),
        (visitor, "GET", f"/{lang}{world['draft']}", GZIP),  # a questionnaire page joined from its skeleton
        (visitor, "GET", f"/{lang}/glossary?q=1", GZIP),
        (visitor, "GET", world["stylesheet"], GZIP),  # a static file (hashed: cached for a year)
        (visitor, "GET", "/static/favicon.svg", GZIP),  # a static file
        (visitor, "GET", f"/{lang}/no-such-page", GZIP),  # 404
        (visitor, "GET", "/de/", GZIP),  # bilingual 404
        (visitor, "GET", "/no-such-page", GZIP),  # 308 to /no-such-page/ (Werkzeug's routing redirect)
        (visitor, "GET", "/api/v1/no-such", GZIP),  # JSON 404
        (visitor, "GET", f"/{lang}/results/{TOKEN_43}", GZIP),  # private 404 with the private headers
        (visitor, "GET", f"/{lang}/shared/{TOKEN_43}", GZIP),  # a board link's: Referrer-Policy set by the view
        (visitor, "GET", f"/{lang}/team/join/{TOKEN_43}", GZIP),
        (visitor, "GET", "/api/v1/questionnaire", GZIP),  # JSON, compressed
        (visitor, "GET", "/api/v1/", {}),
        (visitor, "GET", "/", GZIP),  # a redirect (Location)
        (visitor, "POST", f"/{lang}/assessment/", GZIP),  # no CSRF token: 400
        (facilitator, "GET", f"/{lang}/workshops/{world['workshop']}/live", {**GZIP, "Accept": "text/html"}),
        (facilitator, "GET", f"/{lang}/workshops/", GZIP),
    ]
    statuses = set()
    for client, method, path, headers in asked:
        fast, plain = both(app, partial(client.open, path, method=method, headers=headers))
        assert_same(fast, plain, f"{method} {path} {headers}")
        statuses.add(fast.status_code)
    assert statuses == {200, 302, 308, 400, 404}


def test_conditional_static_https_and_a_first_visit_have_the_headers_of_the_plain_path(world: dict[str, Any]) -> None:
    app, visitor = world["app"], world["visitor"]
    with visitor.get("/static/favicon.svg") as first:
        etag = first.headers["ETag"]
    fast, plain = both(app, lambda: visitor.get("/static/favicon.svg", headers={"If-None-Match": etag}))
    assert fast.status_code == 304
    assert_same(fast, plain)
    secure = app.test_client()
    fast, plain = both(app, lambda: secure.get("/en/", base_url="https://localhost", headers=GZIP))
    assert "Strict-Transport-Security" in fast.headers
    assert_same(fast, plain)
    fast, plain = both(app, lambda: app.test_client().get("/fr/assessment/", headers=GZIP))  # a new session
    assert "Set-Cookie" in fast.headers and "Set-Cookie" in plain.headers
    assert_same(fast, plain, new_session=True)


def test_the_app_runs_on_its_own_request_and_response_classes(world: dict[str, Any]) -> None:
    app = world["app"]
    assert app.request_class is BenchmarkRequest and app.response_class is BenchmarkResponse
    with app.test_request_context("/", headers={"Cookie": "a=1; b=2; a=3"}):
        assert request.cookies.getlist("a") == ["1", "3"] and request.cookies["b"] == "2"
    with app.test_request_context("/"):
        assert not request.cookies


def test_checked_headers_do_what_werkzeugs_calls_do() -> None:
    with pytest.raises(ValueError, match="newline"):
        CheckedHeaders((("X-Bad", "a\r\nSet-Cookie: x=1"),))
    checked = CheckedHeaders((("Cache-Control", "private"), ("X-Robots-Tag", "noindex")))
    starts = [
        [],
        [("Content-Type", "text/html")],
        [("cache-control", "no-cache"), ("Vary", "Cookie"), ("Cache-Control", "public")],
        [("X-Robots-Tag", "all"), ("Vary", "Cookie")],
    ]
    for start in starts:
        fast, plain = Headers(start), Headers(start)
        set_all(fast, checked)
        plain.update(dict(checked.pairs))
        assert list(fast.items()) == list(plain.items())
        fast, plain = Headers(start), Headers(start)
        add_all(fast, checked)
        for name, value in checked.pairs:
            plain.add(name, value)
        assert list(fast.items()) == list(plain.items())
    for start in [*starts, [("vary", "a"), ("X", "y"), ("Vary", "b")]]:  # no Vary, one, two
        fast, plain = Headers(start), Headers(start)
        set_checked(fast, "Vary", "Accept-Encoding, Cookie")
        plain.set("Vary", "Accept-Encoding, Cookie")
        assert list(fast.items()) == list(plain.items())


LOCATIONS = [
    "/en/assessment/" + "aB3_-" * 8 + "xyz/link?saved=1",
    "/fr/assessment/" + "aB3_-" * 8 + "xyz/capacity-communication?layout=tasks&task=q4",
    "?x=1",
    "",
    "/en/café",  # not ASCII: Werkzeug quotes it
    "/en/a b?c=d e",
    "/en/x?next=/fr/y#top",
    "https://example.org/en/%C3%A9",
    "//evil.example/path",
]


@pytest.mark.parametrize("location", LOCATIONS)
@pytest.mark.parametrize("header", ["Location", "Content-Location"])
def test_a_location_is_sent_as_werkzeug_sends_it(location: str, header: str) -> None:
    """A plain path and query goes out as it is; anything iri_to_uri would change takes Werkzeug's path."""
    environ = {"wsgi.url_scheme": "http", "SERVER_NAME": "localhost", "SERVER_PORT": "80", "HTTP_HOST": "localhost"}
    for status in (302, 201):
        ours = BenchmarkResponse("moved", status=status, headers={header: location})
        plain = flask.Response("moved", status=status, headers={header: location})
        assert list(ours.get_wsgi_headers(environ).items()) == list(plain.get_wsgi_headers(environ).items())
    ours = BenchmarkResponse("moved", status=302, headers={"Location": location})
    ours.autocorrect_location_header = True  # made absolute: always Werkzeug's own path
    plain = flask.Response("moved", status=302, headers={"Location": location})
    plain.autocorrect_location_header = True
    assert list(ours.get_wsgi_headers(environ).items()) == list(plain.get_wsgi_headers(environ).items())
