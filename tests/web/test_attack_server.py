"""The attacks of issue 13, read over HTTP from the gunicorn server `make run` starts.

The other attack tests drive the application through Flask's test client; this one checks that
the real server (its threads, its own connections, its defaults) gives the attacker nothing more.
The server runs `make run`'s gunicorn command line, settings untouched, on the test database.
Organisations are added through the services on the same database, as any other client of it
would (the attacker knows the private links of its own); every figure is read over HTTP.

1. Differencing around one submission and one deletion (production release rules): the public
   aggregates API answers byte for byte the same before and after.
2. Padding a peer group (a release after every change, so that only the noise stands in the way):
   five fakes at 0 and four at 100 around one victim; the attacker's results JSON, read from the
   server, does not give the victim's exact scores, and reloading gives the same figures.
3. Fake workshop participants: a facilitator signs in over HTTP with two fakes below and two above
   one victim who did not consent; the cohort CSV from the server does not give its scores.
4. Complement, completion differencing with the consent complement, and a shared browser: the
   same classes as the other attack tests, over HTTP.
"""

from __future__ import annotations

import base64
import csv
import http.cookiejar
import io
import json
import os
import random
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from benchmark.extensions import db
from benchmark.intermediaries.workshops import services as workshop_services
from benchmark.store import assessments as services
from benchmark.store.deletion import delete_assessment
from benchmark.store.models import User, Workshop
from benchmark.store.scores import scores_of
from tests.factories import PASSWORD, add_user, make_app, reset, seed_participant, seed_submission
from tests.web.test_attack_padding import extreme_answers, scores, victim_answers
from tests.web.test_make_run import ROOT, _wait_for, free_port, make_run_command

pytestmark = pytest.mark.db

SECRET = "attack-server-key"
PRODUCTION_RELEASES = {"RELEASE_MIN_CHANGES": 10, "RELEASE_INTERVAL_MINUTES": 1440}
EVERY_CHANGE_RELEASED = {"RELEASE_MIN_CHANGES": 1, "RELEASE_INTERVAL_MINUTES": 0}


@pytest.fixture
def server(database_url: str, _schema: None, tmp_path: Path) -> Iterator[str]:
    """`make run`'s gunicorn with its defaults on the test database; yields its base URL."""
    port = free_port()
    prefix, command = make_run_command(port)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("RATELIMIT_", "TEST_", "RELEASE_", "DISCLOSURE_"))},
        **prefix,
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET,
        "ASSETS_AUTO_BUILD": "true",  # the test's checkout need not have built bundles
    }
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(["timeout", "300", *command], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for(_browser(), f"http://127.0.0.1:{port}/en/", process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()


def _others(database_url: str, releases: dict[str, int]) -> Flask:
    """The services on the server's database, with the server's secret and the given release rules."""
    return make_app(database_url, SECRET_KEY=SECRET, **releases)


def _browser() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def _get(browser: urllib.request.OpenerDirector, url: str) -> bytes:
    with browser.open(url, timeout=30) as response:
        return bytes(response.read())


def test_public_api_reads_the_same_around_one_submission_and_one_deletion(server: str, database_url: str) -> None:
    others = _others(database_url, PRODUCTION_RELEASES)
    try:
        for index in range(10):  # ten organisations: the pool's first release
            seed_submission(others, {**victim_answers(others, index)})
        attacker = _browser()
        urls = [f"{server}/api/v1/aggregates?lang={lang}" for lang in ("en", "fr")]
        before = [_get(attacker, url) for url in urls]
        assert json.loads(before[0])["release_id"] is not None

        victim = seed_submission(others, victim_answers(others, 99))
        after_submission = [_get(attacker, url) for url in urls]
        with others.app_context():
            found = services.find_by_token(victim)
            assert found is not None
            delete_assessment(found)
        after_deletion = [_get(attacker, url) for url in urls]

        assert after_submission == before
        assert after_deletion == before
    finally:
        reset(others)


def test_padding_a_peer_group_gives_no_exact_score_from_the_server(server: str, database_url: str) -> None:
    others = _others(database_url, EVERY_CHANGE_RELEASED)
    try:
        low, high = extreme_answers(others, high=False), extreme_answers(others, high=True)
        fakes = [seed_submission(others, low) for _ in range(5)] + [seed_submission(others, high) for _ in range(4)]
        attacker = _browser()
        hits = compared = 0
        for seed in range(6):
            answers = victim_answers(others, seed)
            truth = scores(others, answers)
            victim = seed_submission(others, answers)
            first = _get(attacker, f"{server}/en/results/{fakes[0]}/data.json")
            assert _get(attacker, f"{server}/en/results/{fakes[0]}/data.json") == first  # reloading: same noise
            data = json.loads(first)
            (group,) = [g for g in data["peers"]["groups"] if g["group"].startswith("region:")]
            for dimension, truth_score in truth.items():
                shown = group["components"][dimension]
                assert shown is not None and shown["n"] == 10 and "mean" not in shown
                compared += 1
                hits += round(2 * shown["median"]) == truth_score  # exact without noise: (0 + v) / 2
            with others.app_context():
                found = services.find_by_token(victim)
                assert found is not None
                delete_assessment(found)
        assert hits <= compared // 4, (hits, compared)
    finally:
        reset(others)


def test_fake_workshop_participants_give_no_exact_score_from_the_server(server: str, database_url: str) -> None:
    others = _others(database_url, EVERY_CHANGE_RELEASED)
    try:
        add_user(others, "facilitator@example.org", "facilitator")
        facilitator = _browser()
        form = _get(facilitator, f"{server}/en/account/sign-in").decode()
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
        assert csrf
        credentials = {"csrf_token": csrf.group(1), "email": "facilitator@example.org", "password": PASSWORD}
        facilitator.open(f"{server}/en/account/sign-in", data=urllib.parse.urlencode(credentials).encode()).close()
        workshops = _get(facilitator, f"{server}/en/workshops/").decode()
        assert "facilitator@example.org" in workshops or "Sign out" in workshops

        low, high = extreme_answers(others, high=False), extreme_answers(others, high=True)
        rng = random.Random(21)
        hits = compared = 0
        for number in range(4):
            workshop_id = _create_workshop(others, number)
            for answers in (low, low, high, high):
                seed_participant(others, workshop_id, answers, share=True)
            victim = seed_participant(others, workshop_id, victim_answers(others, rng.randrange(1000)), share=False)
            text = _get(facilitator, f"{server}/en/workshops/{workshop_id}/cohort.csv").decode("utf-8-sig")
            assert _get(facilitator, f"{server}/en/workshops/{workshop_id}/cohort.csv").decode("utf-8-sig") == text
            assert "deliberate noise" in text
            medians = _cohort_medians(others, text)
            with others.app_context():
                found = services.find_by_token(victim)
                assert found is not None
                truth = scores_of([found.id])[found.id]
            for dimension, truth_score in truth.items():
                if truth_score is None:
                    continue
                compared += 1
                hits += medians[dimension] == truth_score  # two below, two above: exact median = victim
        assert compared
        assert hits <= compared // 4, (hits, compared)
    finally:
        reset(others)


def _create_workshop(app: Flask, number: int) -> int:
    """A workshop of the facilitator created through the services (its figures are read over HTTP)."""
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == "facilitator@example.org"))
        assert user_id is not None
        return workshop_services.create_workshop(user_id, f"Padded {number}", None, "en", None, None).id


def _cohort_medians(app: Flask, text: str) -> dict[str, float]:
    names = {d.name.get("en"): d.id for d in app.extensions["content"].rubric.dimensions}
    medians: dict[str, float] = {}
    for row in list(csv.reader(io.StringIO(text)))[1:]:
        if len(row) >= 4 and row[1] == "Median" and row[0] in names and row[3]:
            medians[names[row[0]]] = float(row[3])
    assert len(medians) == len(names), text[:500]
    return medians


# --------------------------------------------------------------------------- the other classes, over HTTP


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _participant() -> tuple[urllib.request.OpenerDirector, http.cookiejar.CookieJar]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
    return opener, jar


def _post_form(
    browser: urllib.request.OpenerDirector, url: str, form_url: str, data: dict[str, str]
) -> tuple[int, str, str]:
    """GET the form for its CSRF token, POST it; (status, Location, body) without following redirects."""
    page = _get(browser, form_url).decode()
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert csrf, page[:300]
    body = urllib.parse.urlencode({"csrf_token": csrf.group(1), **data}).encode()
    try:
        with browser.open(url, data=body, timeout=30) as response:
            return response.status, "", response.read().decode()
    except urllib.error.HTTPError as redirect:
        with redirect:
            return redirect.code, redirect.headers.get("Location", ""), redirect.read().decode()


def _signed_in_facilitator(others: Flask, server: str) -> urllib.request.OpenerDirector:
    add_user(others, "facilitator@example.org", "facilitator")
    facilitator = _browser()
    status, _location, _body = _post_form(
        facilitator,
        f"{server}/en/account/sign-in",
        f"{server}/en/account/sign-in",
        {"email": "facilitator@example.org", "password": PASSWORD},
    )
    assert status in {200, 302, 303}
    return facilitator


def test_complement_hidden_by_the_server(server: str, database_url: str) -> None:
    """Eleven "yes" and one "no" to a 2017 item: no share of that item reaches the attacker."""
    others = _others(database_url, EVERY_CHANGE_RELEASED)
    try:
        base = victim_answers(others, 1)
        for _ in range(11):
            seed_submission(others, {**base, "q6": "yes"})
        seed_submission(others, {**base, "q6": "no"})
        body = json.loads(_get(_browser(), f"{server}/api/v1/aggregates?lang=en"))
        q6 = [item for item in body["items_2017"] if item["item"] == "q6"]
        assert q6 and all(item["today_pct"] is None for item in q6)
    finally:
        reset(others)


def test_completion_and_consent_complement_over_http(server: str, database_url: str) -> None:
    """The cohort CSV read before and after one completion does not give the completer's scores;
    with one participant of six declining, no individual row is served."""
    others = _others(database_url, EVERY_CHANGE_RELEASED)
    try:
        facilitator = _signed_in_facilitator(others, server)
        low, high = extreme_answers(others, high=False), extreme_answers(others, high=True)
        workshop_id = _create_workshop(others, 0)
        for answers in (low, low, low, high, high, high):
            seed_participant(others, workshop_id, answers, share=True)
        before = _get(facilitator, f"{server}/en/workshops/{workshop_id}/cohort.csv").decode("utf-8-sig")
        completer = seed_participant(others, workshop_id, victim_answers(others, 7), share=False)
        after = _get(facilitator, f"{server}/en/workshops/{workshop_id}/cohort.csv").decode("utf-8-sig")
        with others.app_context():
            found = services.find_by_token(completer)
            assert found is not None
            truth = scores_of([found.id])[found.id]
        medians = _cohort_medians(others, after)  # three below, three above: the exact median IS the completer
        assert before != after
        hits = sum(medians[d] == s for d, s in truth.items() if s is not None)
        assert hits < len([s for s in truth.values() if s is not None])
        individual = _get(facilitator, f"{server}/en/workshops/{workshop_id}/individual.csv").decode("utf-8-sig")
        assert len([row for row in csv.reader(io.StringIO(individual)) if row]) <= 1  # the header at most
    finally:
        reset(others)


def test_a_shared_browser_never_opens_the_first_organisations_draft(server: str, database_url: str) -> None:
    """Two organisations join on one browser: the second gets its own draft; the cookie hides the first's link."""
    others = _others(database_url, EVERY_CHANGE_RELEASED)
    try:
        add_user(others, "facilitator@example.org", "facilitator")
        workshop_id = _create_workshop(others, 0)
        with others.app_context():
            workshop = db.session.get(Workshop, workshop_id)
            assert workshop is not None
            code = workshop.join_code
        shared, jar = _participant()
        join = f"{server}/en/workshops/join"
        status, location, _body = _post_form(shared, join, join, {"code": code})
        assert status == 302
        first = _token_in(location)
        status, _location, offered = _post_form(shared, join, join, {"code": code})
        assert status == 200 and 'name="choice" value="new"' in offered and first not in offered
        status, location, _body = _post_form(shared, join, join, {"code": code, "choice": "new"})
        assert status == 302 and _token_in(location) != first
        for cookie in jar:
            assert first not in _readable(cookie.value or "")
    finally:
        reset(others)


def _token_in(location: str) -> str:
    match = re.search(r"/assessment/([A-Za-z0-9_-]{43})/", location)
    assert match, location
    return match.group(1)


def _readable(cookie: str) -> str:
    """What anyone can read in a signed (not encrypted) Flask session cookie: its decoded payload."""
    compressed = cookie.startswith(".")
    payload = cookie.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return (zlib.decompress(raw) if compressed else raw).decode("utf-8", "replace") + cookie
