"""Two app servers behind nginx, with Redis and PostgreSQL (perf/cluster.py, `make cluster`).

One small cluster for the module, on its own throwaway PostgreSQL (several servers cannot share
SQLite; the cluster kills servers, so it gets a server of its own rather than the suite's):

* a session and a CSRF token made by one server are good on the other (a form from server 2
  saved through server 1);
* the sign-in limit (10 a minute) holds across both servers: the count is in Redis;
* with one server killed (SIGKILL), saves through nginx go to the other and none is lost.

It needs nginx, redis-server and PostgreSQL (`make test` installs them: `system-deps`); it runs
in the SQLite pass only (it is not a ``db`` test: it brings its own database).
"""

from __future__ import annotations

import http.client
import random
import re
from collections.abc import Iterator
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

import pytest

from benchmark.app import create_app
from benchmark.core.questionnaire import load_questionnaire
from benchmark.extensions import db
from benchmark.store import assessments as services
from perf.cluster import SECRET_KEY, Cluster
from perf.common import build_assets, compile_catalogues
from perf.soak import draw_page

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TOKEN_IN_URL = re.compile(r"/assessment/([A-Za-z0-9_-]{43})/")


class Browser:
    """Cookies kept across requests to any port, as one browser behind one address would."""

    def __init__(self, forwarded_for: str | None = None) -> None:
        self.cookies: dict[str, str] = {}
        self.forwarded_for = forwarded_for

    def request(self, port: int, method: str, path: str, fields: list[tuple[str, str]] | None = None) -> Any:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if self.forwarded_for:
            headers["X-Forwarded-For"] = self.forwarded_for
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(header)
            self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
        return response


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    compile_catalogues()
    build_assets()
    with Cluster(servers=2) as running:
        yield running


@pytest.fixture(scope="module")
def pages() -> list[tuple[str, list[Any]]]:
    q = load_questionnaire()
    return [(page.id, list(q.page_items(page))) for page in q.pages]


def stored_answers(cluster: Cluster, token: str) -> dict[str, Any]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": cluster.database_url, "SECRET_KEY": SECRET_KEY})
    with app.app_context():
        assessment = services.find_by_token(token)
        assert assessment is not None
        answers = assessment.answer_map()
        db.session.remove()
        db.engine.dispose()
        return answers


def start_draft(browser: Browser, form_port: int, post_port: int) -> tuple[str, str]:
    form = browser.request(form_port, "GET", "/en/assessment/")
    csrf = CSRF_INPUT.search(form.text).group(1)
    started = browser.request(post_port, "POST", "/en/assessment/", [("csrf_token", csrf), ("label", "cluster")])
    assert started.status == 302, started.text[:300]
    return TOKEN_IN_URL.search(started.getheader("Location")).group(1), csrf


def test_a_form_from_one_server_saves_through_the_other(cluster: Cluster, pages: list[tuple[str, list[Any]]]) -> None:
    one, two = (app.port for app in cluster.apps)
    browser = Browser()
    token, _ = start_draft(browser, form_port=two, post_port=one)
    page_id, items = pages[0]
    form = browser.request(two, "GET", f"/en/assessment/{token}/{page_id}")
    assert form.status == 200
    csrf = CSRF_INPUT.search(form.text).group(1)  # the token server 2 put in its form
    fields, values = draw_page(items, random.Random(1))
    saved = browser.request(one, "POST", f"/en/assessment/{token}/{page_id}", [*fields, ("csrf_token", csrf)])
    assert saved.status == 302, saved.text[:300]
    stored = stored_answers(cluster, token)
    assert {key: stored.get(key) for key in values} == values
    forged = browser.request(one, "POST", f"/en/assessment/{token}/{page_id}", [*fields, ("csrf_token", "x" + csrf)])
    assert forged.status == 400  # the check is real on both servers


def test_the_sign_in_limit_holds_across_both_servers(cluster: Cluster) -> None:
    # Both servers trust one proxy hop, so they key the limit on the address nginx would forward.
    browser = Browser(forwarded_for="198.51.100.23")
    ports = [app.port for app in cluster.apps]
    csrf = CSRF_INPUT.search(browser.request(ports[0], "GET", "/en/account/sign-in").text).group(1)
    statuses = []
    for attempt in range(24):
        answer = browser.request(
            ports[attempt % 2],
            "POST",
            "/en/account/sign-in",
            [("csrf_token", csrf), ("email", f"nobody{attempt}@example.org"), ("password", "wrong password")],
        )
        statuses.append(answer.status)
    allowed = [status for status in statuses if status != 429]
    assert len(allowed) == 10, statuses  # one count for both servers (each alone would allow 10)
    assert 500 not in statuses


def test_a_killed_server_loses_no_save_through_nginx(cluster: Cluster, pages: list[tuple[str, list[Any]]]) -> None:
    proxy = cluster.proxy_port
    browser = Browser()
    token, csrf = start_draft(browser, form_port=proxy, post_port=proxy)
    victim = cluster.apps[0]
    victim.kill()
    try:
        rng = random.Random(7)
        expected: dict[str, Any] = {}
        for page_id, items in pages[:4] * 2:
            fields, values = draw_page(items, rng)
            answer = browser.request(
                proxy, "POST", f"/en/assessment/{token}/{page_id}", [*fields, ("csrf_token", csrf)]
            )
            assert answer.status == 302, (answer.status, answer.text[:300])  # nginx skipped the dead server
            expected.update(values)
        stored = stored_answers(cluster, token)
        assert {key: stored.get(key) for key in expected} == expected
    finally:
        victim.start()
        victim.wait_ready()
    assert all(app.healthy() for app in cluster.apps)
