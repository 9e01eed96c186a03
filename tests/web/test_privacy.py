"""Privacy: download my data, delete an assessment or a draft, draft retention, nothing private in logs."""

from __future__ import annotations

import csv
import http.cookiejar
import io
import logging
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from benchmark.core import peers
from benchmark.extensions import db
from benchmark.intermediaries.workshops import services as workshop_services
from benchmark.organisations.assessment.forms import field_name
from benchmark.staff.accounts.services import create_user
from benchmark.store import assessments as services
from benchmark.store.aggregates import histograms, peer_groups_overall
from benchmark.store.models import Answer, Assessment, AssessmentRegion, Organisation, Participation, Workshop, utcnow
from benchmark.store.scores import profile_of, stored_scores
from benchmark.web import logging as log_redaction
from tests.factories import BASE_ANSWERS, PASSWORD, make_app, page_answers, page_ids, reset, start_assessment

TOKEN = re.compile(r"/(?:assessment|results|shared)/([A-Za-z0-9_-]{43})")
#: A distinctive answer: its option ids and labels must never reach a log.
DISTINCT = {"q9": "data_mgmt_expertise", "q4": ["permanent_inhouse"], "q5": ["fundraising"]}
DISTINCT_WORDS = ["data_mgmt_expertise", "permanent_inhouse", "Data management expertise", "permanent in-house"]
DISTINCT_LABEL = "Quince harbour board review"
EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@pytest.fixture
def k1_app(database_url: str, _schema: None) -> Iterator[Flask]:
    """Peer, workshop and sector figures from a single organisation (to see one disappear)."""
    app = make_app(database_url, PEER_MIN_GROUP=1, SECTOR_MIN_CELL=1, WORKSHOP_MIN_GROUP=1)
    yield app
    reset(app)


def submit_through_web(app: Flask, client: FlaskClient, lang: str = "en", label: str = "") -> str:
    token = start_assessment(client, lang, label=label)
    for page_id in page_ids(app):
        data = {**page_answers(app, page_id), "action": "next"}
        for key, value in DISTINCT.items():
            if field_name(key) in data:
                data[field_name(key)] = value
        client.post(f"/{lang}/assessment/{token}/{page_id}", data=data)
    assert client.post(f"/{lang}/assessment/{token}/review").status_code == 302
    return token


def seed(app: Flask, answers: dict[str, Any], previous: str | None = None, submit: bool = True) -> str:
    with app.app_context():
        q = app.extensions["content"].questionnaire
        earlier = services.find_by_token(previous) if previous else None
        assessment, token = services.start_assessment(q, "en", None, previous=earlier)
        services.save_answers(assessment, answers, "organisation")
        if submit:
            services.submit(assessment, stored_scores(profile_of(answers)))
    return token


def row_of(app: Flask, token: str) -> Assessment | None:
    with app.app_context():
        assessment = services.find_by_token(token)
        if assessment is not None:
            db.session.expunge(assessment)
        return assessment


# --------------------------------------------------------------------------- download my data


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_my_data_as_json_and_csv_in_the_page_language(app: Flask, client: FlaskClient, lang: str) -> None:
    token = submit_through_web(app, client, lang, label='=HYPERLINK("http://x")')
    q = app.extensions["content"].questionnaire
    page = client.get(f"/{lang}/results/{token}").get_data(as_text=True)
    assert f"/{lang}/results/{token}/my-data.csv" in page and f"/{lang}/results/{token}/my-data.json" in page
    assert f"/{lang}/results/{token}/delete" in page

    response = client.get(f"/{lang}/results/{token}/my-data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "no-store" in response.headers["Cache-Control"]
    data = response.get_json()
    with app.app_context():
        stored = services.find_by_token(token).answer_map()
    assert [a["key"] for a in data["answers"]] == [key for key in q.answer_keys() if key in stored]
    by_key = {a["key"]: a for a in data["answers"]}
    assert by_key["q9"]["value"] == "data_mgmt_expertise"
    assert by_key["q9"]["answer"] == q.items["q9"].option("data_mgmt_expertise").label.get(lang)
    # Items are named by their short label (issue 14), not by the whole question and its instructions.
    assert by_key["q9"]["question"] == q.items["q9"].label(lang) != q.items["q9"].text.get(lang)
    row = q.items["q8"].rows[0]
    assert by_key[f"q8.{row.id}"]["question"] == f"{q.items['q8'].label(lang)} — {row.label.get(lang)}"
    assert data["assessment"]["status"] == "submitted" and data["assessment"]["submitted_at"].endswith("+00:00")
    assert {c["id"] for c in data["components"]} == {"SK", "IN", "AP", "PR"}

    response = client.get(f"/{lang}/results/{token}/my-data.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert len(rows) == 1 + 8 + 4 + len(data["answers"])
    if lang == "en":
        assert rows[0] == ["Part", "Key", "Question or field", "Answer", "Stored value"]
    label_row = next(r for r in rows if r[1] == "label")
    assert label_row[3].startswith("'=")  # neutralised against formula injection
    q9_row = next(r for r in rows if r[1] == "q9")
    assert q9_row[2] == q.items["q9"].label(lang)
    assert q9_row[3] == q.items["q9"].option("data_mgmt_expertise").label.get(lang)
    assert q9_row[4] == "data_mgmt_expertise"


def test_my_data_of_unknown_tokens_and_drafts_is_404(app: Flask, client: FlaskClient) -> None:
    draft = start_assessment(client)
    for url in ("/en/results/{t}/my-data.json", "/en/results/{t}/my-data.csv"):
        assert client.get(url.format(t=draft)).status_code == 404
        assert client.get(url.format(t="x" * 43)).status_code == 404


# --------------------------------------------------------------------------- delete


def private_median(app: Flask, dimension: str, score: int | None) -> float | None:
    """The private "all organizations" median of a pool holding one organisation with this score."""
    if score is None:
        return None
    summary = peers.private_summarise(
        {score: 1}, 1, app.config["DISCLOSURE_EPSILON"], app.config["SECRET_KEY"], f"peer:{dimension}"
    )
    assert summary is not None
    return summary.median


def test_deleting_a_submission_removes_it_everywhere(k1_app: Flask) -> None:
    app = k1_app
    client = app.test_client()
    first = seed(app, {**BASE_ANSWERS, "q6": "dont_know"})
    second = seed(app, {**BASE_ANSWERS, "q7": "no", "q26": ["on", "qc"]}, previous=first)
    with app.app_context():
        facilitator = create_user("facilitator@example.org", "facilitator", PASSWORD)
        workshop = workshop_services.create_workshop(facilitator.id, "Spring cohort", None, "en", None, None)
        workshop_id = workshop.id
        participation, joined = workshop_services.join(workshop, "en", services.find_by_token(second), True)
        joined_assessment = services.find_by_token(joined)
        services.save_answers(joined_assessment, BASE_ANSWERS, "organisation")
        services.submit(joined_assessment, stored_scores(profile_of(BASE_ANSWERS)))
        organisation_id = joined_assessment.organisation_id
        before_peers = peer_groups_overall()
        assert workshop_services.cohort_view(workshop, "en").completed == 1
    assert row_of(app, joined).is_latest and not row_of(app, second).is_latest

    page = client.get(f"/en/results/{joined}/delete")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Spring cohort" in text and "will count in comparisons again" in text
    unknown = client.get("/en/results/" + "A" * 43)
    response = client.post(f"/en/results/{joined}/delete")
    assert response.status_code == 303 and response.headers["Location"].endswith("/en/assessment/deleted")
    confirmation = client.get(response.headers["Location"])
    assert confirmation.status_code == 200 and "deleted" in confirmation.get_data(as_text=True)
    assert client.get("/fr/assessment/deleted").status_code == 200

    # The token now gives the same 404 as an unknown token, on every route.
    gone = client.get(f"/en/results/{joined}")
    assert gone.status_code == 404
    assert gone.get_data(as_text=True).replace(joined, "T") == unknown.get_data(as_text=True).replace("A" * 43, "T")
    for url in ("/my-data.json", "/my-data.csv", "/report.pdf", "/data.json", "/delete"):
        assert client.get(f"/en/results/{joined}{url}").status_code == 404
    assert client.get(f"/en/assessment/{joined}/").status_code == 404
    assert client.post(f"/en/workshops/consent/{joined}/{workshop_id}").status_code == 404

    with app.app_context():
        assert services.find_by_token(joined) is None
        assert row_of(app, second).is_latest  # the previous submission counts again
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Participation)) == 0
        for model in (Answer, AssessmentRegion):
            orphans = (
                sa.select(sa.func.count()).select_from(model).where(~model.assessment_id.in_(sa.select(Assessment.id)))
            )
            assert db.session.scalar(orphans) == 0
        workshop = db.session.get(Workshop, workshop_id)
        view = workshop_services.cohort_view(workshop, "en")
        assert (view.joined, view.completed, view.individuals) == (0, 0, [])
        assert db.session.get(Organisation, organisation_id) is not None  # two assessments remain
        latest = db.session.scalar(sa.select(sa.func.count()).where(Assessment.is_latest.is_(True)))
        assert latest == 1
        after_peers = peer_groups_overall()
        expected = profile_of(services.find_by_token(second).answer_map())
        # The pool now holds the previous submission alone; its (noisy) medians are drawn from it.
        assert histograms([("all", "")])[("all", "")] == {
            d: ({score: 1} if (score := expected.score(d)) is not None else {}) for d in after_peers
        }
        assert after_peers == {d: private_median(app, d, expected.score(d)) for d in after_peers}
        assert before_peers == {d: private_median(app, d, profile_of(BASE_ANSWERS).score(d)) for d in before_peers}
        assert before_peers != after_peers

    # Deleting the other two removes the organisation row.
    for token in (second, first):
        assert client.post(f"/en/results/{token}/delete").status_code == 303
    with app.app_context():
        assert db.session.get(Organisation, organisation_id) is None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Assessment)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 0
        assert all(value is None for value in peer_groups_overall().values())


def test_deleting_removes_the_assessment_from_the_sector_figures(k1_app: Flask) -> None:
    from collections import defaultdict

    from benchmark.funder.sector import services as sector

    app = k1_app
    tokens = [seed(app, BASE_ANSWERS), seed(app, {**BASE_ANSWERS, "q25": "21_50", "q26": ["on", "qc"]})]
    titles: defaultdict[str, str] = defaultdict(str)

    def figures() -> dict[str, dict[tuple[str, str], int | None]]:
        with app.app_context():
            return {
                breakdown: dict(sector.uptake_by(breakdown, "en", titles).table.cells)
                for breakdown in ("province", "size")
            }

    before = figures()
    assert before["size"][("21_50", "submitted")] == 1 and before["province"][("qc", "submitted")] == 1
    assert before["province"][("on", "submitted")] == 2
    assert app.test_client().post(f"/en/results/{tokens[1]}/delete").status_code == 303
    after = figures()
    assert after["size"][("21_50", "submitted")] == 0 and ("21_50", "started") not in after["size"]
    assert after["province"][("qc", "submitted")] == 0 and after["province"][("on", "submitted")] == 1


def test_delete_needs_the_forms_csrf_token(csrf_app: Flask) -> None:
    app = csrf_app
    token = seed(app, BASE_ANSWERS)
    client = app.test_client()
    assert client.post(f"/en/results/{token}/delete").status_code == 400
    assert client.post(f"/en/results/{token}/delete", data={"csrf_token": "forged"}).status_code == 400
    assert row_of(app, token) is not None
    page = client.get(f"/en/results/{token}/delete").get_data(as_text=True)
    csrf_token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert csrf_token, page
    response = client.post(f"/en/results/{token}/delete", data={"csrf_token": csrf_token.group(1)})
    assert response.status_code == 303
    assert row_of(app, token) is None

    draft = seed(app, BASE_ANSWERS, submit=False)
    assert client.post(f"/en/assessment/{draft}/delete").status_code == 400
    assert row_of(app, draft) is not None
    page = client.get(f"/en/assessment/{draft}/delete").get_data(as_text=True)
    csrf_token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert client.post(f"/en/assessment/{draft}/delete", data={"csrf_token": csrf_token.group(1)}).status_code == 303
    assert row_of(app, draft) is None


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_draft_is_deleted_from_its_private_link_page(app: Flask, client: FlaskClient, lang: str) -> None:
    token = start_assessment(client, lang, label="Draft to delete")
    client.post(
        f"/{lang}/assessment/{token}/organisation", data={**page_answers(app, "organisation"), "action": "save"}
    )
    link_page = client.get(f"/{lang}/assessment/{token}/link").get_data(as_text=True)
    assert f"/{lang}/assessment/{token}/delete" in link_page
    page = client.get(f"/{lang}/assessment/{token}/delete")
    assert page.status_code == 200 and "Draft to delete" in page.get_data(as_text=True)
    with app.app_context():
        organisation_id = services.find_by_token(token).organisation_id
    response = client.post(f"/{lang}/assessment/{token}/delete")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/{lang}/assessment/deleted")
    assert client.get(f"/{lang}/assessment/{token}/link").status_code == 404
    assert client.get(f"/{lang}/assessment/{token}/organisation").status_code == 404
    with app.app_context():
        assert db.session.get(Organisation, organisation_id) is None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AssessmentRegion)) == 0


def test_each_delete_route_sends_the_other_kind_to_its_own_page(app: Flask, client: FlaskClient) -> None:
    submitted, draft = seed(app, BASE_ANSWERS), seed(app, BASE_ANSWERS, submit=False)
    response = client.get(f"/en/assessment/{submitted}/delete")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/en/results/{submitted}/delete")
    response = client.post(f"/en/results/{draft}/delete")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/en/assessment/{draft}/delete")
    assert row_of(app, submitted) is not None and row_of(app, draft) is not None
    link_page = client.get(f"/en/assessment/{submitted}/link").get_data(as_text=True)
    assert f"/en/results/{submitted}/delete" in link_page


def test_deleting_the_middle_of_a_chain_keeps_the_rest_linked(app: Flask) -> None:
    first = seed(app, BASE_ANSWERS)
    second = seed(app, BASE_ANSWERS, previous=first)
    third = seed(app, BASE_ANSWERS, previous=second, submit=False)
    with app.app_context():
        services.delete_assessment(services.find_by_token(second))
        assert services.find_by_token(third).previous_id == services.find_by_token(first).id
        assert services.find_by_token(first).is_latest  # the draft does not count; the first one does


# --------------------------------------------------------------------------- retention


def test_purge_deletes_only_old_drafts(app: Flask, runner: FlaskCliRunner) -> None:
    old_draft = seed(app, BASE_ANSWERS, submit=False)
    new_draft = seed(app, BASE_ANSWERS, submit=False)
    old_submission = seed(app, BASE_ANSWERS)
    with app.app_context():
        long_ago = utcnow() - timedelta(days=400)
        for token in (old_draft, old_submission):
            services.find_by_token(token).updated_at = long_ago
        db.session.commit()
    result = runner.invoke(args=["drafts", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "1 draft(s) not saved for 365 days would be deleted" in result.output
    assert row_of(app, old_draft) is not None
    result = runner.invoke(args=["drafts", "purge", "--days", "500"])
    assert result.exit_code == 0 and result.output.startswith("0 draft(s)")
    result = runner.invoke(args=["drafts", "purge"])
    assert result.exit_code == 0 and result.output.startswith("1 draft(s) not saved for 365 days deleted")
    assert row_of(app, old_draft) is None
    assert row_of(app, new_draft) is not None and row_of(app, old_submission) is not None
    assert runner.invoke(args=["drafts", "purge", "--days", "0"]).exit_code != 0


def test_purge_uses_the_configured_retention(database_url: str, _schema: None) -> None:
    app = make_app(database_url, DRAFT_RETENTION_DAYS=30)
    try:
        draft = seed(app, BASE_ANSWERS, submit=False)
        with app.app_context():
            services.find_by_token(draft).updated_at = utcnow() - timedelta(days=31)
            db.session.commit()
        result = app.test_cli_runner().invoke(args=["drafts", "purge"])
        assert result.output.startswith("1 draft(s) not saved for 30 days deleted"), result.output
        for lang in ("en", "fr"):
            notice = app.test_client().get(f"/{lang}/privacy").get_data(as_text=True)
            assert "30" in notice
        notice = app.test_client().get("/en/privacy").get_data(as_text=True)
        assert "saved for 30 days is deleted" in notice
        assert "download" in notice and "delete your assessment" in notice
    finally:
        reset(app)


# --------------------------------------------------------------------------- logs


def test_create_app_installs_the_log_redaction(app: Flask) -> None:
    assert isinstance(app.extensions.get("log_redaction"), log_redaction.RedactTokens)
    assert any(isinstance(f, log_redaction.RedactTokens) for f in logging.getLogger("werkzeug").filters)
    assert any(isinstance(f, log_redaction.RedactTokens) for f in logging.getLogger("gunicorn.access").filters)


def test_redact() -> None:
    token = "a" * 20 + "B-_" + "c" * 20
    assert log_redaction.redact(f'"GET /en/results/{token}/report.pdf HTTP/1.1" 200') == (
        '"GET /en/results/[redacted]/report.pdf HTTP/1.1" 200'
    )
    assert log_redaction.redact(f"/fr/assessment/{token}/") == "/fr/assessment/[redacted]/"
    assert log_redaction.redact(f"/en/workshops/consent/{token}/3") == "/en/workshops/consent/[redacted]/3"
    assert log_redaction.redact(f"/en/account/reset/{token}?x=1") == "/en/account/reset/[redacted]?x=1"
    assert log_redaction.redact(f"GET /fr/shared/{token}/plan") == "GET /fr/shared/[redacted]/plan"
    assert log_redaction.redact(f"/en/results/{token}x") == f"/en/results/{token}x"  # not a token
    assert log_redaction.redact("/en/assessment/review") == "/en/assessment/review"


class Browser:
    """A tiny HTTP client with cookies that does not follow redirects (to read the tokens in them)."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), self._NoRedirect()
        )
        self.paths: list[str] = []

    def request(self, path: str, data: dict[str, Any] | None = None) -> SimpleNamespace:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        self.paths.append(("POST " if body is not None else "GET ") + path)
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return SimpleNamespace(status=response.status, headers=response.headers, body=response.read())
        except urllib.error.HTTPError as error:
            return SimpleNamespace(status=error.code, headers=error.headers, body=error.read())


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve the app with Werkzeug's server (which logs every request line) in a thread."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()


@contextmanager
def gunicorn_access_log(caplog: pytest.LogCaptureFixture) -> Iterator[Any]:
    """gunicorn's own logger with ``--access-logfile -``, its records captured too (it does not propagate)."""
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    loggers = [logging.getLogger("gunicorn.error"), logging.getLogger("gunicorn.access")]
    saved = [(logger.propagate, list(logger.handlers), logger.level) for logger in loggers]
    config = Config()
    config.set("accesslog", "-")
    glogger = Logger(config)
    for logger in loggers:
        logger.addHandler(caplog.handler)
    try:
        yield glogger
    finally:
        for logger, (propagate, handlers, level) in zip(loggers, saved, strict=True):
            logger.handlers[:] = handlers
            logger.propagate = propagate
            logger.setLevel(level)


def test_no_tokens_answers_or_emails_in_any_log(
    app: Flask, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="werkzeug")
    facilitator_email, unknown_email = "facilitator.private@example.org", "nobody.secret@example.net"
    with app.app_context():
        facilitator = create_user(facilitator_email, "facilitator", PASSWORD)
        workshop = workshop_services.create_workshop(facilitator.id, "Log cohort", None, "en", None, None)
        workshop_id, code = workshop.id, workshop.join_code
    q_pages = page_ids(app)
    tokens: set[str] = set()

    def remember(response: SimpleNamespace) -> SimpleNamespace:
        tokens.update(TOKEN.findall(response.headers.get("Location", "") or ""))
        tokens.update(TOKEN.findall(response.body.decode("utf-8", "replace")))
        return response

    with serving(app) as base, gunicorn_access_log(caplog) as glogger:
        browser = Browser(base)
        # A full walkthrough, with "save and finish later", then a submit.
        response = remember(browser.request("/en/assessment/", {"label": DISTINCT_LABEL}))
        token = TOKEN.search(response.headers["Location"]).group(1)
        for page_id in q_pages:
            data = {**page_answers(app, page_id), "action": "next"}
            for key, value in DISTINCT.items():
                if field_name(key) in data:
                    data[field_name(key)] = value
            assert remember(browser.request(f"/en/assessment/{token}/{page_id}", data)).status in {302, 303}
        remember(
            browser.request(
                f"/en/assessment/{token}/organisation", {**page_answers(app, "organisation"), "action": "save"}
            )
        )
        remember(browser.request(f"/en/assessment/{token}/link?saved=1"))
        remember(browser.request(f"/fr/assessment/{token}/review"))
        assert remember(browser.request(f"/en/assessment/{token}/review", {})).status == 302
        remember(browser.request(f"/en/assessment/{token}/done"))
        # Results, downloads and a PDF.
        assert remember(browser.request(f"/en/results/{token}")).status == 200
        assert remember(browser.request(f"/en/results/{token}/my-data.csv")).status == 200
        assert remember(browser.request(f"/fr/results/{token}/my-data.json")).status == 200
        assert remember(browser.request(f"/en/results/{token}/report.pdf")).status in {200, 503}
        # A board link: made on the private page, then opened with its PDF and the plan.
        assert remember(browser.request(f"/en/results/{token}/shares", {"label": DISTINCT_LABEL})).status == 303
        page = remember(browser.request(f"/en/results/{token}")).body.decode()
        share = re.search(r"/en/shared/([A-Za-z0-9_-]{43})", page).group(1)
        assert remember(browser.request(f"/en/shared/{share}")).status == 200
        assert remember(browser.request(f"/fr/shared/{share}/plan")).status == 200
        assert remember(browser.request(f"/en/shared/{share}/report.pdf")).status in {200, 503}
        # An unexpected error on a private page (it is logged, with its path).
        monkeypatch.setattr("benchmark.organisations.results.views.results_json", _explode)
        assert remember(browser.request(f"/en/results/{token}/data.json")).status == 500
        # Failed sign-ins (a known and an unknown address).
        assert (
            browser.request("/en/account/sign-in", {"email": facilitator_email, "password": "wrong password!"}).status
            == 400
        )
        assert (
            browser.request("/en/account/sign-in", {"email": unknown_email, "password": "wrong password!"}).status
            == 400
        )
        # A workshop join with the earlier private link, consent, then the new draft.
        join = remember(
            browser.request(
                "/en/workshops/join",
                {"code": code, "earlier_link": f"{base}/en/results/{token}", "share": "y", "name": "Maple"},
            )
        )
        assert join.status == 302, join.body[:300]
        draft = TOKEN.search(join.headers["Location"]).group(1)
        remember(browser.request(f"/en/assessment/{draft}/link?new=1"))
        assert remember(browser.request(f"/en/workshops/consent/{draft}/{workshop_id}", {})).status == 302
        # Delete the submission and the draft; their links now give 404.
        remember(browser.request(f"/en/results/{token}/delete"))
        assert remember(browser.request(f"/en/results/{token}/delete", {})).status == 303
        remember(browser.request(f"/en/assessment/{draft}/delete"))
        assert remember(browser.request(f"/en/assessment/{draft}/delete", {})).status == 303
        assert browser.request(f"/en/results/{token}").status == 404
        assert browser.request(f"/en/assessment/{draft}/link").status == 404
        # What gunicorn's access log would have written for the same requests.
        for line in browser.paths:
            method, path = line.split(" ", 1)
            environ = {
                "REQUEST_METHOD": method,
                "RAW_URI": path,
                "PATH_INFO": path.split("?")[0],
                "QUERY_STRING": path.partition("?")[2],
                "SERVER_PROTOCOL": "HTTP/1.1",
                "REMOTE_ADDR": "127.0.0.1",
                "HTTP_REFERER": f"{base}/en/results/{token}",
            }
            glogger.access(
                SimpleNamespace(status="200 OK", headers=[], sent=10),
                SimpleNamespace(headers=[]),
                environ,
                timedelta(milliseconds=5),
            )

    assert {token, draft, share} <= tokens
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    lines = [formatter.format(record) for record in caplog.records]
    text = "\n".join(lines)
    # The walkthrough was logged (not a vacuous pass): request lines, the error, the sign-ins.
    assert any(r.name == "werkzeug" and "/results/[redacted]" in r.getMessage() for r in caplog.records)
    assert any(r.name == "gunicorn.access" and "/assessment/[redacted]/" in r.getMessage() for r in caplog.records)
    assert "Unhandled error on GET /en/results/[redacted]/data.json" in text
    assert "Traceback" in text and "Sign-in failed" in text
    assert "consent/[redacted]/" in text
    assert "/shared/[redacted]/plan" in text
    for secret in tokens:
        assert secret not in text, f"a private-link token is in the logs: {secret[:6]}…"
    for word in [*DISTINCT_WORDS, DISTINCT_LABEL]:
        assert word not in text, f"an answer is in the logs: {word}"
    assert facilitator_email not in text and unknown_email not in text
    assert not EMAIL_PATTERN.search(text), EMAIL_PATTERN.search(text)


def _explode(*_args: Any, **_kwargs: Any) -> Any:
    raise RuntimeError("results could not be serialised")
