"""While the database or Redis is unreachable: a bilingual 503 that keeps what was typed; /healthz.

The outage is made on the test database's own engine: every new connection is refused with the
driver's ``OperationalError`` (SQLite here, psycopg in the PostgreSQL pass), as when the server is
down or restarting.  The cluster test (tests/web/test_cluster.py) and ``make soak-cluster`` restart
a real PostgreSQL and Redis.
"""

from __future__ import annotations

import html
import re
import socket
from collections.abc import Iterator

import pytest
from flask import Flask

from benchmark.config import ratelimit_storage_options
from benchmark.store import assessments as services
from tests.factories import database_down, make_app, page_answers, page_ids, reset

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
TOKEN_IN_URL = re.compile(r"/assessment/([A-Za-z0-9_-]{43})/")


@pytest.fixture
def csrf_app(database_url: str, _schema: None) -> Iterator[Flask]:
    """The app with CSRF protection on, as in production."""
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    yield app
    reset(app)


def stored(app: Flask, token: str) -> dict[str, object]:
    with app.app_context():
        assessment = services.find_by_token(token)
        assert assessment is not None
        return assessment.answer_map()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_save_while_the_database_is_down_is_a_503_that_keeps_the_answers(csrf_app: Flask, lang: str) -> None:
    client = csrf_app.test_client()
    form = client.get(f"/{lang}/assessment/").get_data(as_text=True)
    csrf = CSRF_INPUT.search(form).group(1)
    started = client.post(f"/{lang}/assessment/", data={"csrf_token": csrf, "label": "outage"})
    token = TOKEN_IN_URL.search(started.headers["Location"]).group(1)
    page_id = page_ids(csrf_app)[0]
    typed = {**page_answers(csrf_app, page_id), "csrf_token": csrf, "action": "save"}
    url = f"/{lang}/assessment/{token}/{page_id}"

    with database_down(csrf_app):
        response = client.post(url, data=typed)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert "Traceback" not in page and "OperationalError" not in page and "connection refused" not in page
    assert f'<html lang="{lang}">' in page
    assert "Try again in a moment" in page and "Réessayez dans un instant" in page
    first, second = ("Réessayez", "Try again") if lang == "fr" else ("Try again", "Réessayez")
    assert page.index(f"<h1>{first}") < page.index(f"<h2>{second}")
    assert f'action="{url}"' in page
    kept: dict[str, list[str]] = {}
    for name, value in HIDDEN.findall(page):
        kept.setdefault(html.unescape(name), []).append(html.unescape(value))
    for name, value in typed.items():
        assert kept[name] == (value if isinstance(value, list) else [value]), name
    assert stored(csrf_app, token) == {}  # nothing was saved …

    again = client.post(url, data=kept)  # … until the person presses "Send again"
    assert again.status_code == 302, again.get_data(as_text=True)[:300]
    assert stored(csrf_app, token)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_page_while_the_database_is_down_is_a_bilingual_503_with_a_retry_link(app: Flask, lang: str) -> None:
    client = app.test_client()
    with database_down(app):
        response = client.get(f"/{lang}/assessment/{'A' * 43}/?from=mail")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    page = response.get_data(as_text=True)
    assert "Try again in a moment" in page and "Réessayez dans un instant" in page
    assert f'href="/{lang}/assessment/{"A" * 43}/?from=mail"' in page
    assert '<form method="post" action=' not in page.split("<main", 1)[1].split("</main>", 1)[0]
    assert "Traceback" not in page


def test_the_api_answers_a_json_503_while_the_database_is_down(app: Flask) -> None:
    with database_down(app):
        response = app.test_client().get("/api/v1/baselines")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.get_json()["error"]["code"] == "unavailable"


def test_healthz_says_whether_the_database_answers(app: Flask) -> None:
    client = app.test_client()
    up = client.get("/healthz")
    assert up.status_code == 200
    assert up.get_json() == {"status": "ok", "database": "ok", "ratelimit_store": "memory"}
    assert up.headers["Cache-Control"] == "no-store"
    with database_down(app):
        down = client.get("/healthz")
    assert down.status_code == 503
    assert down.get_json() == {"status": "unavailable", "database": "down", "ratelimit_store": "memory"}
    assert set(down.get_data(as_text=True)) <= set(up.get_data(as_text=True)) | set("unavailabledown")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed when the block ends: nothing listens there


def test_with_redis_down_limits_fall_back_to_each_process_and_nothing_fails(database_url: str, _schema: None) -> None:
    """A Redis outage is not a 500: sign-ins are still limited, by this process's own count."""
    app = make_app(
        database_url,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{closed_port()}/0",
        RATELIMIT_STORAGE_OPTIONS=ratelimit_storage_options("redis://"),
    )
    try:
        client = app.test_client()
        statuses = [
            client.post(
                "/en/account/sign-in", data={"email": f"nobody{n}@example.org", "password": "wrong password"}
            ).status_code
            for n in range(12)
        ]
        assert 500 not in statuses and 503 not in statuses, statuses
        assert statuses[10:] == [429, 429], statuses
        health = app.test_client().get("/healthz")
        assert health.status_code == 200  # Redis alone does not take a server out …
        assert health.get_json()["ratelimit_store"] == "down"  # … but it is reported
    finally:
        reset(app)


def test_redis_gets_short_timeouts_and_memory_none() -> None:
    assert ratelimit_storage_options("redis://cache:6379/0") == {"socket_connect_timeout": 1, "socket_timeout": 1}
    assert ratelimit_storage_options("memory://") == {}


def test_a_sign_in_while_the_database_is_down_never_writes_the_password_into_the_page(app: Flask) -> None:
    client = app.test_client()
    typed = {"email": "analyst@example.org", "password": "correct horse battery staple"}
    with database_down(app):
        response = client.post("/en/account/sign-in", data=typed)
    assert response.status_code == 503
    page = html.unescape(response.get_data(as_text=True))
    assert "correct horse battery staple" not in page
    assert ("email", "analyst@example.org") in HIDDEN.findall(page)  # the rest is kept to send again
