"""Workshops: create, join with a code, consent, the live anonymised picture, exports, before/after."""

from __future__ import annotations

import base64
import csv
import io
import re
import subprocess
import zlib
from collections.abc import Iterator
from pathlib import Path
from statistics import median

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from benchmark.core.suppression import noise
from benchmark.extensions import db
from benchmark.intermediaries.workshops import services as workshop_services
from benchmark.store.models import Participation, Workshop
from benchmark.store.scores import profile_of
from tests.factories import (
    BASE_ANSWERS,
    count_queries,
    create_workshop,
    make_app,
    page_answers,
    page_ids,
    reset,
    seed_participant,
    signed_in,
)


@pytest.fixture
def small_k_app(database_url: str, _schema: None) -> Iterator[Flask]:
    """Workshop figures from 3 completed participants (to keep tests short)."""
    app = make_app(database_url, WORKSHOP_MIN_GROUP=3)
    yield app
    reset(app)


def join_and_complete(
    app: Flask, code: str, lang: str = "en", share: bool = False, earlier: str = "", name: str = "Org"
) -> tuple[FlaskClient, str]:
    participant = app.test_client()
    data = {"code": code.lower(), "earlier_link": earlier}
    if share:
        data["share"] = "y"
        data["name"] = name
    response = participant.post(f"/{lang}/workshops/join", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    token = re.search(r"/assessment/([A-Za-z0-9_-]{43})/", response.headers["Location"]).group(1)
    for page_id in page_ids(app):
        participant.post(f"/{lang}/assessment/{token}/{page_id}", data={**page_answers(app, page_id), "action": "next"})
    assert participant.post(f"/{lang}/assessment/{token}/review").status_code == 302
    return participant, token


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_whole_workshop_with_three_participants(small_k_app: Flask, lang: str) -> None:
    app = small_k_app
    facilitator = signed_in(app, "fac@example.org", "facilitator")
    workshop_id, code = create_workshop(facilitator, lang)

    waiting = facilitator.get(f"/{lang}/workshops/{workshop_id}").get_data(as_text=True)
    assert code in waiting
    assert ("Waiting for more responses" if lang == "en" else "En attente de réponses") in waiting

    join_and_complete(app, code, lang, share=True, name="  Maple Settlement  ")
    join_and_complete(app, code, lang, share=True, name="Pseudo B")
    _client, private_token = join_and_complete(app, code, lang, share=False)

    html = facilitator.get(f"/{lang}/workshops/{workshop_id}").get_data(as_text=True)
    assert re.search(r'<span class="big-number">3</span>', html)
    assert "Waiting for more responses" not in html and "En attente de réponses" not in html
    assert ("deliberate noise" if lang == "en" else "bruit délibéré") in html
    # One of three declined (1 … k−1 decliners): the two consenting rows would all but give the
    # third one's scores away beside the cohort's quartiles, so they are withheld, and the page says why.
    assert html.count('<tr><th scope="row">Digital basics</th>') == 0
    assert ("Individual results are hidden" if lang == "en" else "Les résultats individuels restent masqués") in html
    projector = facilitator.get(f"/{lang}/workshops/{workshop_id}/projector").get_data(as_text=True)
    assert "Digital basics</th>" not in projector  # no names on the projector
    assert "Maple Settlement" not in projector and "Pseudo B" not in projector
    assert ("deliberate noise" if lang == "en" else "bruit délibéré") in projector

    individual = facilitator.get(f"/{lang}/workshops/{workshop_id}/individual.csv")
    rows = list(csv.reader(io.StringIO(individual.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 1
    cohort = facilitator.get(f"/{lang}/workshops/{workshop_id}/cohort.csv").get_data(as_text=True)
    header = next(csv.reader(io.StringIO(cohort.lstrip("\ufeff"))))
    assert header == (
        ["Section", "Measure", "Option", "Value", "Note"]
        if lang == "en"
        else ["Section", "Mesure", "Choix de réponse", "Valeur", "Remarque"]
    )

    # The third organisation now consents from its results page: nobody declines any more, and
    # all three rows show at the next refresh.
    participant = app.test_client()
    refused = participant.post(f"/{lang}/workshops/consent/{private_token}/{workshop_id}", data={"share": "y"})
    assert refused.status_code == 400  # consenting needs a name or pseudonym: said in the page's language
    assert ("Please give a name or pseudonym" if lang == "en" else "Veuillez donner un nom ou un pseudonyme") in (
        refused.get_data(as_text=True)
    )
    participant.post(f"/{lang}/workshops/consent/{private_token}/{workshop_id}", data={"share": "y", "name": "Org C"})
    individual = facilitator.get(f"/{lang}/workshops/{workshop_id}/individual.csv").get_data(as_text=True)
    individual_rows = list(csv.reader(io.StringIO(individual.lstrip("\ufeff"))))
    assert [row[0] for row in individual_rows[1:]] == ["Maple Settlement", "Pseudo B", "Org C"]  # told apart
    html = facilitator.get(f"/{lang}/workshops/{workshop_id}").get_data(as_text=True)
    assert html.count('<tr><th scope="row">Digital basics</th>') == 0
    for name in ("Maple Settlement", "Pseudo B", "Org C"):
        assert html.count(f'<tr><th scope="row">{name}</th>') == 1
    assert "Individual results are hidden" not in html and "restent masqués" not in html


def test_withdrawn_consent_hides_the_organisation_everywhere(small_k_app: Flask) -> None:
    app = small_k_app
    facilitator = signed_in(app, "fac@example.org", "facilitator")
    workshop_id, code = create_workshop(facilitator)
    _participant, token = join_and_complete(app, code, share=True, name="Digital basics")
    # The consenting organisation is listed by name on the live page (below k too), never in the
    # polled fragment nor on the projector, which show group figures only.
    live = facilitator.get(f"/en/workshops/{workshop_id}").get_data(as_text=True)
    assert "Organizations that share their individual results" in live
    assert live.count('<tr><th scope="row">Digital basics</th>') == 1
    for path in ("/live", "/projector"):
        assert "Digital basics</th>" not in facilitator.get(f"/en/workshops/{workshop_id}{path}").get_data(as_text=True)
    html = app.test_client().get(f"/en/results/{token}").get_data(as_text=True)
    assert "Withdraw: show only group figures" in html
    app.test_client().post(f"/en/workshops/consent/{token}/{workshop_id}", data={})
    csv_text = facilitator.get(f"/en/workshops/{workshop_id}/individual.csv").get_data(as_text=True)
    assert len(list(csv.reader(io.StringIO(csv_text.lstrip("\ufeff"))))) == 1
    live = facilitator.get(f"/en/workshops/{workshop_id}").get_data(as_text=True)
    assert "Organizations that share their individual results" not in live
    with app.app_context():
        participation = db.session.scalars(sa.select(Participation)).one()
        assert participation.display_name is None  # the name goes with the consent


def test_cohort_figures_are_suppressed_below_k_in_every_format(app: Flask) -> None:
    facilitator = signed_in(app, "fac@example.org", "facilitator")
    workshop_id, _code = create_workshop(facilitator)
    for _ in range(4):  # k = 5 by default
        seed_participant(app, workshop_id, BASE_ANSWERS, share=True)
    for path in ("", "/live", "/projector"):
        html = facilitator.get(f"/en/workshops/{workshop_id}{path}").get_data(as_text=True)
        assert "Waiting for more responses" in html
        assert "Cohort median" not in html and "The cohort beside the 2017 figures" not in html
    cohort = facilitator.get(f"/en/workshops/{workshop_id}/cohort.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(cohort.lstrip("\ufeff"))))
    numeric = [r for r in rows[4:] if r[1] in {"Median", "25th percentile", "75th percentile", "Cohort share (%)"}]
    assert numeric and all(r[3] == "" and "fewer than 5" in r[4] for r in numeric)
    pdf = facilitator.get(f"/en/workshops/{workshop_id}/summary.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    seed_participant(app, workshop_id, BASE_ANSWERS)
    html = facilitator.get(f"/en/workshops/{workshop_id}").get_data(as_text=True)
    assert "Cohort median" in html


def test_cohort_pdf_text(app: Flask, tmp_path: Path) -> None:
    facilitator = signed_in(app, "fac@example.org", "facilitator")
    workshop_id, _code = create_workshop(facilitator)
    for _ in range(5):
        seed_participant(app, workshop_id, BASE_ANSWERS)
    pdf = tmp_path / "cohort.pdf"
    pdf.write_bytes(facilitator.get(f"/en/workshops/{workshop_id}/summary.pdf").data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Cohort median" in text and "Digital basics" in text
    assert "Levels in the cohort" in text and "Middle half: the range" in text


def test_cohort_pdf_carries_before_and_after(database_url: str, _schema: None, tmp_path: Path) -> None:
    app = make_app(database_url, WORKSHOP_MIN_GROUP=2)
    try:
        facilitator = signed_in(app, "fac@example.org", "facilitator")
        before_id, _ = create_workshop(facilitator, title="Before")
        after_id, _ = create_workshop(facilitator, title="After", previous_id=str(before_id))
        for answers in (BASE_ANSWERS, {**BASE_ANSWERS, "q4": ["no_one"]}):
            seed_participant(app, after_id, BASE_ANSWERS, earlier=seed_participant(app, before_id, answers))
        pdf = tmp_path / "series.pdf"
        pdf.write_bytes(facilitator.get(f"/en/workshops/{after_id}/summary.pdf").data)
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "Before and after" in text
        assert "Before: median" in text and "After: median" in text and "Change: median" in text
    finally:
        reset(app)


def test_paired_before_and_after_view(database_url: str, _schema: None) -> None:
    app = make_app(database_url, WORKSHOP_MIN_GROUP=2)
    try:
        facilitator = signed_in(app, "fac@example.org", "facilitator")
        before_id, _ = create_workshop(facilitator, title="Before")
        after_id, _ = create_workshop(facilitator, title="After", previous_id=str(before_id))
        improved = {**BASE_ANSWERS, "q4": ["shared_roles", "permanent_inhouse"], "q6": "yes", "q7": "yes"}
        weaker = {**BASE_ANSWERS, "q4": ["no_one"]}
        first = seed_participant(app, before_id, BASE_ANSWERS)
        second = seed_participant(app, before_id, weaker)
        html = facilitator.get(f"/en/workshops/{after_id}").get_data(as_text=True)
        assert "Waiting for more organizations that took part in both workshops (0 so far" in html
        seed_participant(app, after_id, improved, earlier=first)
        seed_participant(app, after_id, BASE_ANSWERS, earlier=second)
        seed_participant(app, after_id, BASE_ANSWERS)  # a newcomer: not a pair
        with app.app_context():
            expected = {
                d: median(
                    [
                        profile_of(improved).score(d) - profile_of(BASE_ANSWERS).score(d),
                        profile_of(BASE_ANSWERS).score(d) - profile_of(weaker).score(d),
                    ]
                )
                for d in ("SK", "IN", "AP", "PR")
            }
            with app.test_request_context("/en/"):
                view = workshop_services.cohort_view(db.session.get(Workshop, after_id), "en")
        # By hand: SK is the mean of SK1..SK4. Before: (1/3 + 1/3 + 3/4 + 2/3) / 4 = 52 %; with permanent
        # in-house capacity SK1 = 3/3, so (1 + 1/3 + 3/4 + 2/3) / 4 = 68.75 -> 69 (+17); with no one
        # responsible SK1 = 0, so 1.75 / 4 = 43.75 -> 44, and back to 52 (+8). Median of +17 and +8 = 12.5.
        # q6 and q7 were already "yes" in the base answers: the other components do not move.
        assert expected == {"SK": 12.5, "IN": 0, "AP": 0, "PR": 0}
        assert view.pairs["pairs"] == 2 and view.pairs["shown"]
        # The median change is a private quantile of the two changes over −100 … 100 (no mean):
        # the exact 12.5 is never shown as such; the figure is an integer drawn around it, the same
        # on every read.
        changes = {"SK": {17: 1, 8: 1}, "IN": {0: 2}, "AP": {0: 2}, "PR": {0: 2}}
        for d in expected:
            shown = view.pairs["components"][d]
            assert set(shown) == {"n", "median", "before", "after"} and shown["n"] == 2
            assert 0 <= shown["before"] <= 100 and 0 <= shown["after"] <= 100
            assert isinstance(shown["median"], int) and -100 <= shown["median"] <= 100
            distribution = noise.quantile_distribution(changes[d], 0.5, app.config["DISCLOSURE_EPSILON"], (-100, 100))
            assert distribution[shown["median"] + 100] > 0
        # The most likely values are those between the two changes (SK) or the common change (others).
        sk = noise.quantile_distribution(changes["SK"], 0.5, app.config["DISCLOSURE_EPSILON"], (-100, 100))
        assert max(range(201), key=lambda i: sk[i]) - 100 in range(8, 18)
        html = facilitator.get(f"/en/workshops/{after_id}").get_data(as_text=True)
        assert "Before and after" in html and f"{view.pairs['components']['SK']['median']:+d}" in html
        # The cohort CSV carries, per component, the median before, the median after and the median change.
        cohort = facilitator.get(f"/en/workshops/{after_id}/cohort.csv").get_data(as_text=True)
        rows = list(csv.reader(io.StringIO(cohort.lstrip("\ufeff"))))
        sk = next(d.name.get("en") for d in app.extensions["content"].rubric.dimensions if d.id == "SK")
        figures = {measure: value for section, measure, _o, value, _n in rows if section == sk}
        shown = view.pairs["components"]["SK"]
        assert figures["Before: median"] == str(shown["before"]) and figures["After: median"] == str(shown["after"])
        assert figures["Change: median"] == str(shown["median"]) and figures["Organizations in both workshops"] == "2"
        french = facilitator.get(f"/fr/workshops/{after_id}/cohort.csv").get_data(as_text=True)
        assert "Avant\u00a0: médiane" in french and "Après\u00a0: médiane" in french
        again = facilitator.get(f"/en/workshops/{after_id}").get_data(as_text=True)
        assert _without_csrf(html) == _without_csrf(again)  # re-reading: same figures (tokens carry the time)
    finally:
        reset(app)


# ----------------------------------------------------------------------------- joining


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_closed_workshop_says_it_is_closed(app: Flask, lang: str) -> None:
    facilitator = signed_in(app, "fac@example.org", "facilitator")
    workshop_id, code = create_workshop(facilitator)
    facilitator.post(f"/en/workshops/{workshop_id}/status", data={"status": "closed"})
    response = app.test_client().post(f"/{lang}/workshops/join", data={"code": code.lower()})
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert ("This workshop is closed" if lang == "en" else "Cet atelier est fermé") in html
    assert "does not open a workshop" not in html and "ne donne accès à aucun atelier" not in html
    assert f'value="{code.lower()}"' in html  # what was typed is kept
    facilitator.post(f"/en/workshops/{workshop_id}/status", data={"status": "open"})
    assert app.test_client().post(f"/{lang}/workshops/join", data={"code": code}).status_code == 302


def test_wrong_and_malformed_codes_get_the_same_message(app: Flask) -> None:
    messages = set()
    for attempt in ("AAAAAA", "12", "<script>", "x" * 19):
        response = app.test_client().post("/en/workshops/join", data={"code": attempt})
        assert response.status_code in {400, 404}
        html = response.get_data(as_text=True)
        assert "<script>" not in html.split("<main")[1].split("</main>")[0].replace("&lt;script&gt;", "")
        messages.add(re.search(r'<p class="field-errors" id="code-error">([^<]*)</p>', html).group(1))
    assert messages == {
        "This code does not open a workshop. Check it with your facilitator: "
        "codes use letters and numbers without O, I, L, S, Z or B."
    }


def _token_in(location: str) -> str:
    return re.search(r"/assessment/([A-Za-z0-9_-]{43})/", location).group(1)


def test_joining_twice_asks_before_reopening_the_draft(app: Flask) -> None:
    facilitator = signed_in(app, "fac@example.org", "facilitator")
    _workshop_id, code = create_workshop(facilitator)
    participant = app.test_client()
    token = _token_in(participant.post("/en/workshops/join", data={"code": code}).headers["Location"])
    second = participant.post("/en/workshops/join", data={"code": code})
    assert second.status_code == 200 and "Start as a new organization" in second.get_data(as_text=True)
    assert token not in second.get_data(as_text=True)
    again = participant.post("/en/workshops/join", data={"code": code, "choice": "continue"})
    assert again.headers["Location"].endswith(f"/en/assessment/{token}/")
    unknown = participant.post("/fr/workshops/join", data={"code": code, "choice": "<x>"})
    assert unknown.status_code == 200 and "Commencer comme nouvelle organisation" in unknown.get_data(as_text=True)


def test_a_second_organisation_on_the_same_browser_gets_its_own_assessment(app: Flask) -> None:
    facilitator = signed_in(app, "fac@example.org", "facilitator")
    workshop_id, code = create_workshop(facilitator)
    shared = app.test_client()  # one cookie jar: the library's computer
    first = _token_in(shared.post("/en/workshops/join", data={"code": code}).headers["Location"])
    offered = shared.post("/en/workshops/join", data={"code": code, "share": "y", "name": "Library"})
    assert offered.status_code == 200 and 'name="choice" value="new"' in offered.get_data(as_text=True)
    assert '<input type="hidden" name="name" value="Library">' in offered.get_data(as_text=True)
    chosen = shared.post("/en/workshops/join", data={"code": code, "share": "y", "name": "Library", "choice": "new"})
    second = _token_in(chosen.headers["Location"])
    assert second != first
    with app.app_context():
        assert workshop_services.cohort_view(db.session.get(Workshop, workshop_id), "en").joined == 2
    # the browser now offers the second organisation's draft, still only after asking
    assert shared.post("/en/workshops/join", data={"code": code}).status_code == 200
    resumed = shared.post("/en/workshops/join", data={"code": code, "choice": "continue"})
    assert resumed.headers["Location"].endswith(f"/en/assessment/{second}/")


def test_the_session_cookie_holds_no_private_token(app: Flask) -> None:
    facilitator = signed_in(app, "fac@example.org", "facilitator")
    _workshop_id, code = create_workshop(facilitator)
    participant = app.test_client()
    token = _token_in(participant.post("/en/workshops/join", data={"code": code}).headers["Location"])
    cookie = participant.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    payload = cookie.value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    text = (zlib.decompress(raw) if cookie.value.startswith(".") else raw).decode("utf-8")
    assert "joined" in text
    assert token not in text
    assert not re.search(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_=-])", text), text


def test_participants_answer_only_the_chosen_sections(app: Flask) -> None:
    facilitator = signed_in(app, "fac@example.org", "facilitator")
    _id, code = create_workshop(facilitator, pages=["concerns", "organisation"])
    participant = app.test_client()
    location = participant.post("/en/workshops/join", data={"code": code}).headers["Location"]
    token = re.search(r"/assessment/([A-Za-z0-9_-]{43})/", location).group(1)
    assert participant.get(f"/en/assessment/{token}/").headers["Location"].endswith("/concerns")
    assert "Section 1 of 2" in participant.get(f"/en/assessment/{token}/concerns").get_data(as_text=True)
    assert participant.get(f"/en/assessment/{token}/importance").status_code == 404


def test_qr_code_and_handout(app: Flask) -> None:
    facilitator = signed_in(app, "fac@example.org", "facilitator")
    workshop_id, code = create_workshop(facilitator, lang="fr")
    svg = facilitator.get(f"/en/workshops/{workshop_id}/qr.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    handout = facilitator.get(f"/fr/workshops/{workshop_id}/handout").get_data(as_text=True)
    assert code in handout and "Join the workshop" in handout and "Se joindre à l’atelier" in handout
    assert f"/fr/workshops/join?code={code}" in handout


# ----------------------------------------------------------------------------- authorization

FACILITATOR_ROUTES = [
    "",
    "/live",
    "/projector",
    "/handout",
    "/qr.svg",
    "/cohort.csv",
    "/individual.csv",
    "/summary.pdf",
]


def test_every_facilitator_route_by_role(app: Flask) -> None:
    owner = signed_in(app, "a@example.org", "facilitator")
    other = signed_in(app, "b@example.org", "facilitator")
    admin = signed_in(app, "admin@example.org", "admin")
    analyst = signed_in(app, "analyst@example.org", "analyst")
    workshop_id, code = create_workshop(owner)
    participant = app.test_client()
    participant.post("/en/workshops/join", data={"code": code})
    for route in FACILITATOR_ROUTES:
        url = f"/en/workshops/{workshop_id}{route}"
        assert owner.get(url).status_code == 200, url
        assert admin.get(url).status_code == 200, url
        assert other.get(url).status_code == 404, url
        assert analyst.get(url).status_code == 403, url
        for anonymous in (app.test_client(), participant):
            response = anonymous.get(url)
            assert response.status_code == 302 and "/account/sign-in" in response.headers["Location"], url
    assert other.post(f"/en/workshops/{workshop_id}/status", data={"status": "closed"}).status_code == 404
    assert participant.post(f"/en/workshops/{workshop_id}/status", data={"status": "closed"}).status_code == 302
    with app.app_context():
        assert db.session.get(Workshop, workshop_id).status == "open"
    assert "Digital basics" not in other.get("/en/workshops/").get_data(as_text=True)
    assert "Digital basics" in admin.get("/en/workshops/").get_data(as_text=True)


def test_consent_needs_the_participants_own_link(app: Flask) -> None:
    facilitator = signed_in(app, "fac@example.org", "facilitator")
    workshop_id, _code = create_workshop(facilitator)
    token = seed_participant(app, workshop_id, BASE_ANSWERS)
    stranger = seed_participant(app, create_workshop(facilitator, title="Other")[0], BASE_ANSWERS)
    assert (
        app.test_client().post(f"/en/workshops/consent/{stranger}/{workshop_id}", data={"share": "y"}).status_code
        == 404
    )
    assert (
        app.test_client().post(f"/en/workshops/consent/{'A' * 43}/{workshop_id}", data={"share": "y"}).status_code
        == 404
    )
    assert (
        app.test_client()
        .post(f"/en/workshops/consent/{token}/{workshop_id}", data={"share": "y", "name": "Ours"})
        .status_code
        == 302
    )


# ----------------------------------------------------------------------------- cost


def test_live_view_query_count_does_not_grow_with_the_cohort(app: Flask) -> None:
    facilitator = signed_in(app, "fac@example.org", "facilitator")
    workshop_id, _ = create_workshop(facilitator)
    for _ in range(5):
        seed_participant(app, workshop_id, BASE_ANSWERS, share=True)
    small = count_queries(app, facilitator, f"/en/workshops/{workshop_id}/live")
    for _ in range(45):
        seed_participant(app, workshop_id, BASE_ANSWERS, share=True)
    large = count_queries(app, facilitator, f"/en/workshops/{workshop_id}/live")
    assert large == small, (small, large)


def test_join_code_guessing_is_rate_limited(database_url: str, _schema: None) -> None:
    app = make_app(database_url, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    try:
        guesser = app.test_client()
        statuses = [guesser.post("/en/workshops/join", data={"code": f"AAAA{i:02d}"}).status_code for i in range(22)]
        assert statuses[:20].count(429) == 0 and statuses[-1] == 429
    finally:
        reset(app)


def test_a_cohort_behind_one_address_is_not_blocked_by_its_own_joins(database_url: str, _schema: None) -> None:
    app = make_app(database_url, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    try:
        facilitator = signed_in(app, "fac@example.org", "facilitator")
        _workshop_id, code = create_workshop(facilitator)
        joins = [app.test_client().post("/en/workshops/join", data={"code": code}).status_code for _ in range(30)]
        assert joins == [302] * 30
        guesser = app.test_client()
        failures = [guesser.post("/en/workshops/join", data={"code": "AAAAAA"}).status_code for _ in range(21)]
        assert failures[:20] == [404] * 20 and failures[20] == 429
    finally:
        reset(app)


def test_join_posts_refused_by_the_csrf_check_count(database_url: str, _schema: None) -> None:
    app = make_app(database_url, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", WTF_CSRF_ENABLED=True)
    try:
        forger = app.test_client()
        statuses = [forger.post("/en/workshops/join", data={"code": "AAAAAA"}).status_code for _ in range(21)]
        assert statuses[:20] == [400] * 20 and statuses[20] == 429
    finally:
        reset(app)


def _without_csrf(html: str) -> str:
    """The page without its CSRF tokens, which are signed with the time and may differ between two reads."""
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]*"', r'\1"', html)
