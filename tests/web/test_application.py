"""The app's Flask class (web/application.py): each callable's sync/async check made once, never unbounded."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, Request, g, request, session
from werkzeug.datastructures import MultiDict
from werkzeug.test import EnvironBuilder

from benchmark.web import application
from benchmark.web.application import BenchmarkFlask, BenchmarkRequest


def test_the_app_decides_each_hook_once_and_still_runs_it(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(app, BenchmarkFlask)
    asked: list[Any] = []
    real = application.Flask.ensure_sync

    def counting(self: Flask, func: Any) -> Any:
        asked.append(func)
        return real(self, func)

    monkeypatch.setattr(application.Flask, "ensure_sync", counting)
    client = app.test_client()
    assert client.get("/en/privacy").status_code == 200
    first = len(asked)
    assert client.get("/en/privacy").status_code == 200
    assert len(asked) == first  # nothing asked again for the same hooks and view
    headers = client.get("/en/privacy").headers  # and every hook still ran
    assert headers["X-Frame-Options"] == "DENY"


class Unhashable:
    """A callable that cannot be a dictionary key."""

    __hash__ = None  # type: ignore[assignment]

    def __call__(self) -> str:
        return "called"


def test_an_unhashable_callable_and_callables_past_the_bound_are_decided_every_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = BenchmarkFlask(__name__)
    assert app.ensure_sync(Unhashable())() == "called"
    monkeypatch.setattr(application, "SYNC_CALLABLES", 3)
    for index in range(10):
        assert app.ensure_sync(lambda index=index: index)() == index
    assert len(app._sync_callables) == 3


def test_a_hook_registered_on_a_plain_app_behaves_as_in_flask() -> None:
    app = BenchmarkFlask(__name__)

    @app.before_request
    def remember() -> None:
        g.seen = True

    @app.get("/")
    def index() -> str:
        return "seen" if g.get("seen") else "not seen"

    assert app.test_client().get("/").get_data(as_text=True) == "seen"


ROUTED = [
    ("GET", "/en/"),
    ("GET", "/fr/"),
    ("HEAD", "/fr/glossary"),
    ("GET", "/en/results/" + "A" * 43),
    ("GET", "/fr/results/" + "A" * 43 + "/data.json"),
    ("GET", "/de/"),  # matched; the language is refused afterwards (404 from the URL preprocessor)
    ("GET", "/en/workshops/12"),
    ("GET", "/en/workshops/99999999999"),  # past an INTEGER column: 404
    ("GET", "/no-such-page"),  # 308 to /no-such-page/
    ("GET", "/en/no/such/page"),
    ("PUT", "/en/"),  # 405
    ("POST", "/en/assessment/"),
    ("GET", "/static/favicon.svg"),
    ("GET", "/api/v1/questionnaire"),
    ("GET", "/en//results/" + "A" * 43),  # merged slashes: a redirect
]


def werkzeugs_answer(app: Flask, method: str, path: str) -> tuple[Any, Any, Any]:
    """What Werkzeug's own adapter answers: the rule and its arguments, or the exception's type."""
    with app.test_request_context(path, method=method):
        adapter = app.url_map.bind_to_environ(request.environ, server_name=None, subdomain="")
        try:
            rule, args = adapter.match(return_rule=True)
        except Exception as error:  # a 404, 405 or redirect
            return None, None, type(error)
    return rule, args, None


def test_a_remembered_route_is_werkzeugs_answer_with_arguments_of_its_own(app: Flask) -> None:
    assert isinstance(app, BenchmarkFlask)
    for _ in range(2):  # asked, then remembered
        for method, path in ROUTED:
            with app.test_request_context(path, method=method):
                args = None if request.view_args is None else dict(request.view_args)
                given = (request.url_rule, args, type(request.routing_exception))
                if request.view_args is not None:
                    request.view_args.clear()  # what a URL preprocessor may do: never seen by the next request
            rule, args, error = werkzeugs_answer(app, method, path)
            assert given == (rule, args, error if error else type(None)), (method, path)
    answered = {key[1:3] for key in app._matches}
    assert ("/en/", "GET") in answered and ("/en/", "PUT") not in answered  # only successful matches are kept
    assert not any(path.startswith(("/no-such", "/en/no/", "/en//")) for path, _ in answered)
    client = app.test_client()
    for _ in range(2):
        assert 'lang="fr"' in client.get("/fr/glossary").get_data(as_text=True)
        assert client.get("/de/").status_code == 404


def test_remembered_routes_are_bounded(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(application, "MATCHES", 3)
    client = app.test_client()
    for number in range(10):
        assert client.get(f"/en/glossary?n={number}").status_code == 200
        assert client.get(f"/en/workshops/{number}").status_code in (302, 303)  # to the sign-in page
    assert 0 < len(app._matches) <= 3


def with_cookie(header: str) -> dict[str, Any]:
    """A WSGI environment whose ``Cookie`` header is ``header`` (none when empty)."""
    return EnvironBuilder(environ_overrides={"HTTP_COOKIE": header} if header else {}).get_environ()


def test_a_cookie_header_is_parsed_as_werkzeug_parses_it_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(application, "_parsed_cookies", {})
    headers = ['a=1; b="x\\"y"; a=3', "", "session=abc.def; lang=fr", "x=" + "y" * 5000]
    for header in headers:
        plain = Request(with_cookie(header))
        fast, again = BenchmarkRequest(with_cookie(header)), BenchmarkRequest(with_cookie(header))
        assert list(fast.cookies.items(multi=True)) == list(plain.cookies.items(multi=True))
        assert (again.cookies is fast.cookies) == (len(header) <= application.COOKIE_HEADER_MAX)
    assert set(application._parsed_cookies) == set(headers[:3])  # not the one past COOKIE_HEADER_MAX
    monkeypatch.setattr(application, "COOKIE_HEADERS", 2)
    for number in range(5):
        assert BenchmarkRequest(with_cookie(f"n={number}")).cookies["n"] == str(number)
    assert len(application._parsed_cookies) <= 2


def test_a_request_with_mutable_cookie_storage_gets_a_mapping_of_its_own() -> None:
    class Mutable(BenchmarkRequest):
        dict_storage_class = MultiDict

    first, second = Mutable(with_cookie("a=1")).cookies, Mutable(with_cookie("a=1")).cookies
    assert first is not second and first == second


def test_two_sessions_each_open_their_own_cookie_however_often_they_alternate(app: Flask) -> None:
    """An attacker's cookie parsed and remembered never stands in for the victim's, nor the other way round."""
    clients = {"a" * 40: app.test_client(), "b" * 40: app.test_client()}
    for raw, client in clients.items():
        with client.session_transaction() as held:
            held["csrf_token"] = raw
    for _ in range(3):
        for raw, client in clients.items():
            with client:
                assert client.get("/en/").status_code == 200
                assert session["csrf_token"] == raw and request.cookies["session"] == client.get_cookie("session").value


URLENCODED_BODIES = [
    b"",
    b"a=1",
    b"a=1&a=2&b=&c",
    b"q4=contractor&q4=volunteers&csrf_token=ImFiYyI.Zz9k.x-y_z&action=save",
    b"name=Caf%C3%A9+%C2%AB+atelier+%C2%BB&x=%26%3D%2B",
    b"a=%ZZ&b=%&c=%C3",  # malformed escapes: Werkzeug keeps them as text
    b"a=%FF%FE&b=\xff",  # not UTF-8 (the readable-form check refuses it before any view reads it)
    b"&&=&a==b&;c=d",
    ("long=" + "é" * 2000).encode("utf-8"),
]


@pytest.mark.parametrize("body", URLENCODED_BODIES)
def test_a_read_urlencoded_body_is_parsed_as_werkzeug_parses_it(
    app: Flask, body: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The form of a body already read (the readable-form check reads each one) equals Werkzeug's parse of it,
    made without building Werkzeug's parser."""
    parsed: list[tuple[Any, Any, bytes]] = []
    for request_class in (Request, BenchmarkRequest):
        if request_class is BenchmarkRequest:
            monkeypatch.setattr(Request, "make_form_data_parser", lambda self: pytest.fail("parser built"))
        environ = EnvironBuilder(
            method="POST", data=body, content_type="application/x-www-form-urlencoded; charset=utf-8"
        ).get_environ()
        with app.app_context():
            incoming = request_class(environ)
            incoming.get_data(cache=True)  # as the readable-form check does, first
            form, files = incoming.form, incoming.files
            parsed.append((list(form.items(multi=True)), list(files.items(multi=True)), incoming.stream.read()))
            assert type(form) is type(files) is request_class.parameter_storage_class
    assert parsed[0] == parsed[1]


def test_a_body_not_read_yet_or_another_type_takes_werkzeugs_path(app: Flask) -> None:
    def environs() -> list[dict[str, Any]]:
        return [
            EnvironBuilder(method="POST", data={"a": "1", "b": "é"}).get_environ(),  # multipart
            EnvironBuilder(method="POST", data=b"a=1", content_type="application/x-www-form-urlencoded").get_environ(),
        ]

    with app.app_context():
        for plain, ours in zip(environs(), environs(), strict=True):
            assert BenchmarkRequest(ours).form.to_dict() == Request(plain).form.to_dict() != {}
