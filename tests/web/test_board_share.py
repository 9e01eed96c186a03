"""Issue 14 item 4, a share for the board: a read-only, revocable link to one assessment's results,
their PDFs and the organisation's plan, made, listed and revoked on the private results page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from benchmark.extensions import db
from benchmark.organisations.plan import services as plan_services
from benchmark.store import assessments as services
from benchmark.store.models import BoardShare
from benchmark.store.scores import profile_of, stored_scores
from tests.factories import BASE_ANSWERS, first_answers, seed_submission

SHARE_LINK = re.compile(r'value="[^"]*/(en|fr)/shared/([A-Za-z0-9_-]{43})"')
PUBLIC = "https://benchmark.example.ca"
#: What a board must never be offered: the private routes, posting anything, consent, share management.
PRIVATE_MARKERS = ("/results/", "/assessment/", "my-data", "/delete", "/again", "consent", "/shares", "csrf_token")


def make_share(client: FlaskClient, token: str, label: str = "Board, March meeting", lang: str = "en") -> str:
    """Make a board link through the private page and return its token (read back from the page's list)."""
    response = client.post(f"/{lang}/results/{token}/shares", data={"label": label})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    assert response.headers["Location"].endswith(f"/{lang}/results/{token}#board-shares")
    html = client.get(f"/{lang}/results/{token}").get_data(as_text=True)
    found = SHARE_LINK.findall(html)
    assert found, "the new link is listed"
    return found[0][1]


def share_rows(app: Flask) -> list[BoardShare]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(BoardShare).order_by(BoardShare.id)))
        db.session.expunge_all()
        return rows


def section(html: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}".*?</section>', html, re.S)
    assert match, section_id
    return match.group(0)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_board_link_is_made_listed_and_opens_the_results_read_only(
    app: Flask, client: FlaskClient, lang: str
) -> None:
    token = seed_submission(app, BASE_ANSWERS)
    share = make_share(client, token, lang=lang)
    (row,) = share_rows(app)
    assert row.label == "Board, March meeting" and row.revoked_at is None
    assert share not in row.token_hash and token not in row.token_hash and len(row.token_hash) == 64
    private = client.get(f"/{lang}/results/{token}").get_data(as_text=True)
    listing = section(private, "board-shares")
    assert "Board, March meeting" in listing
    assert f'data-copy="board-link-{row.id}"' in listing and f'id="board-link-{row.id}"' in listing
    assert ("Revoke this link" if lang == "en" else "Révoquer ce lien") in listing
    response = client.get(f"/{lang}/shared/{share}")
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert "no-store" in response.headers["Cache-Control"] and "public" not in response.headers["Cache-Control"]
    html = response.get_data(as_text=True)
    assert "Board, March meeting" in html
    assert ("Read-only copy shared by the organization" if lang == "en" else "Copie en lecture seule") in html
    assert f'lang="{lang}"' in html
    # The same results as the private page: scores, the same (private, noisy) peer figures, the 2017 comparison.
    for part in ("components", "peers", "recommendations", "baseline"):
        assert section(html, part) == section(private, part), part
    # No control but the PDFs and the plan: no private route, no form that posts, no token of the private link.
    assert token not in html
    for marker in PRIVATE_MARKERS:
        assert marker not in html, marker
    assert 'method="post"' not in html
    assert f"/{lang}/shared/{share}/report.pdf" in html and f"/{lang}/shared/{share}/plan" in html
    assert f"/{lang}/shared/{share}/report-bilingual.pdf" in html


def test_the_shared_pdfs_are_the_results_pdfs(app: Flask, client: FlaskClient) -> None:
    token = seed_submission(app, BASE_ANSWERS)
    share = make_share(client, token)
    for path, name in (("report.pdf", "digital-capacity-profile.pdf"), ("report-bilingual.pdf", "profile-profil.pdf")):
        response = client.get(f"/en/shared/{share}/{path}")
        assert response.status_code == 200, path
        assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
        assert name in response.headers["Content-Disposition"]
        assert response.headers["Referrer-Policy"] == "no-referrer" and "no-store" in response.headers["Cache-Control"]
    french = client.get(f"/fr/shared/{share}/report.pdf")
    assert french.status_code == 200 and "profil-capacites-numeriques.pdf" in french.headers["Content-Disposition"]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_shared_plan_is_read_only(app: Flask, client: FlaskClient, lang: str) -> None:
    token = seed_submission(app, BASE_ANSWERS)
    with app.app_context():
        organisation_id = services.find_by_token(token).organisation_id  # type: ignore[union-attr]
        dimension = app.extensions["content"].rubric.dimension_ids()[0]
        due = date.today() + timedelta(days=20)
        plan_services.add_step(
            organisation_id, plan_services.StepFields("", "Buy two laptops", "", "", "Treasurer", due, "todo", "Ask")
        )
        plan_services.add_funding_line(organisation_id, dimension, "hardware", 2400, "Two laptops")
    share = make_share(client, token, lang=lang)
    response = client.get(f"/{lang}/shared/{share}/plan")
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer" and "noindex" in response.headers["X-Robots-Tag"]
    html = response.get_data(as_text=True)
    assert "Buy two laptops" in html and "Treasurer" in html and "Two laptops" in html
    assert ("2,400" if lang == "en" else "2\u00a0400") in html
    assert ("To do" if lang == "en" else "À faire") in html
    assert "<form" not in html and "<input" not in html and "<select" not in html and "<textarea" not in html
    for marker in (*PRIVATE_MARKERS, "/plan/step", "/funding", "check.ics", "funding-statement"):
        assert marker not in html, marker
    assert f"/{lang}/shared/{share}" in html  # back to the shared results
    assert client.post(f"/{lang}/shared/{share}/plan", data={"amount": "1"}).status_code == 405


def test_the_private_routes_refuse_a_share_token_and_the_shared_routes_a_private_one(
    app: Flask, client: FlaskClient
) -> None:
    token = seed_submission(app, BASE_ANSWERS)
    share = make_share(client, token)
    for path in (
        "",
        "/data.json",
        "/my-data.json",
        "/my-data.csv",
        "/delete",
        "/report.pdf",
        "/plan",
        "/plan/check.ics",
    ):
        assert client.get(f"/en/results/{share}{path}").status_code == 404, path
    for path in ("/again", "/delete", "/shares", "/plan", f"/shares/{share_rows(app)[0].id}/revoke"):
        assert client.post(f"/en/results/{share}{path}", data={"label": "x"}).status_code == 404, path
    for path in ("/", "/review", "/link", "/done"):
        assert client.get(f"/en/assessment/{share}{path}").status_code == 404, path
    for path in ("", "/plan", "/report.pdf", "/report-bilingual.pdf"):
        assert client.get(f"/en/shared/{token}{path}").status_code == 404, path
    assert len(share_rows(app)) == 1 and services_token_opens(app, token)


def services_token_opens(app: Flask, token: str) -> bool:
    with app.app_context():
        return services.find_by_token(token) is not None


def test_a_revoked_link_gets_the_same_bilingual_404_as_an_unknown_one(app: Flask, client: FlaskClient) -> None:
    token = seed_submission(app, BASE_ANSWERS)
    kept = make_share(client, token, "Finance committee")
    revoked = make_share(client, token, "Board, March meeting")
    row = next(r for r in share_rows(app) if r.label == "Board, March meeting")
    assert client.get(f"/en/shared/{revoked}").status_code == 200
    response = client.post(f"/en/results/{token}/shares/{row.id}/revoke")
    assert response.status_code == 303 and response.headers["Location"].endswith("#board-shares")
    unknown = services.new_token()
    pages = {}
    for name, share in (("revoked", revoked), ("unknown", unknown)):
        for path in ("", "/plan", "/report.pdf", "/report-bilingual.pdf"):
            answer = client.get(f"/fr/shared/{share}{path}")
            assert answer.status_code == 404, (name, path)
            pages[(name, path)] = answer.get_data(as_text=True).replace(share, "TOKEN")
        assert pages[(name, "")] == pages[("revoked", "")]
    assert "Page not found" in pages[("unknown", "")] and "Page introuvable" in pages[("unknown", "")]
    assert client.get(f"/en/shared/{kept}").status_code == 200  # the other link still opens
    listing = section(client.get(f"/en/results/{token}").get_data(as_text=True), "board-shares")
    assert "Revoked on" in listing and listing.count("Revoke this link") == 1
    assert f'id="board-link-{row.id}"' not in listing  # a revoked link is not offered for copying
    # Revoking twice is harmless; another organisation's share, or none, is a 404.
    assert client.post(f"/en/results/{token}/shares/{row.id}/revoke").status_code == 303
    other = seed_submission(app, BASE_ANSWERS)
    assert client.post(f"/en/results/{other}/shares/{row.id}/revoke").status_code == 404
    assert client.post(f"/en/results/{token}/shares/987654/revoke").status_code == 404


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_share_shows_the_assessment_it_was_made_for_after_a_newer_one(
    app: Flask, client: FlaskClient, lang: str
) -> None:
    token = seed_submission(app, BASE_ANSWERS)
    share = make_share(client, token, lang=lang)
    before = section(client.get(f"/{lang}/results/{token}").get_data(as_text=True), "components")
    with app.app_context():
        newer, newer_token = services.start_assessment(
            app.extensions["content"].questionnaire, "en", None, previous=services.find_by_token(token)
        )
        answers = {**first_answers(app), **{k: BASE_ANSWERS[k] for k in ("q23", "q25", "q26")}}
        services.save_answers(newer, answers, "organisation")
        services.submit(newer, stored_scores(profile_of(answers)))
    newer_page = client.get(f"/{lang}/results/{newer_token}").get_data(as_text=True)
    assert section(newer_page, "components") != before
    shared = client.get(f"/{lang}/shared/{share}").get_data(as_text=True)
    assert section(shared, "components") == before and 'id="change"' not in shared
    assert "Board, March meeting" in shared


def test_deleting_the_assessment_deletes_its_shares(app: Flask, client: FlaskClient) -> None:
    token = seed_submission(app, BASE_ANSWERS)
    share = make_share(client, token)
    make_share(client, token, "Finance committee")
    other = seed_submission(app, BASE_ANSWERS)
    kept = make_share(client, other, "Their board")
    assert len(share_rows(app)) == 3
    assert client.post(f"/en/results/{token}/delete").status_code == 303
    assert [row.label for row in share_rows(app)] == ["Their board"]
    assert client.get(f"/en/shared/{share}").status_code == 404
    assert client.get(f"/en/shared/{kept}").status_code == 200


def test_deleting_a_newer_assessment_keeps_the_shares_of_the_older_one(app: Flask, client: FlaskClient) -> None:
    token = seed_submission(app, BASE_ANSWERS)
    share = make_share(client, token)
    with app.app_context():
        assessment = services.find_by_token(token)
        content = app.extensions["content"]
        newer, newer_token = services.start_assessment(content.questionnaire, "en", None, previous=assessment)
    assert client.post(f"/en/assessment/{newer_token}/delete").status_code in {302, 303}
    assert client.get(f"/en/shared/{share}").status_code == 200


@pytest.mark.parametrize(
    ("lang", "too_long", "empty"),
    [
        ("en", "The label can have at most 80 characters.", "Please give the link a label"),
        ("fr", "Le nom peut compter au plus 80 caractères.", "Veuillez donner un nom au lien"),
    ],
)
def test_a_refused_label_is_explained_in_the_page_language_and_kept(
    app: Flask, client: FlaskClient, lang: str, too_long: str, empty: str
) -> None:
    token = seed_submission(app, BASE_ANSWERS)
    typed = " ".join(["Conseil d'administration — réunion de mars"] * 3)
    response = client.post(f"/{lang}/results/{token}/shares", data={"label": typed})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    listing = section(html, "board-shares")
    assert too_long in listing and 'role="alert"' in listing and 'href="#share-label"' in listing
    assert f'value="{typed.replace(chr(39), "&#39;")}"' in listing  # what was typed comes back
    assert 'aria-describedby="share-label-hint share-label-error"' in listing
    assert section(html, "components")  # the rest of the private page is there
    blank = client.post(f"/{lang}/results/{token}/shares", data={"label": "   "})
    assert blank.status_code == 400 and empty in blank.get_data(as_text=True)
    assert share_rows(app) == []
    exactly = client.post(f"/{lang}/results/{token}/shares", data={"label": "x" * 80})
    assert exactly.status_code == 303 and share_rows(app)[0].label == "x" * 80


def test_hostile_labels_are_escaped_on_both_pages(app: Flask, client: FlaskClient) -> None:
    token = seed_submission(app, BASE_ANSWERS)
    label = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    share = make_share(client, token, label)
    for url in (f"/en/results/{token}", f"/en/shared/{share}", f"/en/shared/{share}/plan"):
        html = client.get(url).get_data(as_text=True)
        assert label not in html and "<img src=x" not in html, url
        assert "&lt;script&gt;alert(" in html, url


def test_the_links_start_with_the_public_address_never_the_host_header(app: Flask, client: FlaskClient) -> None:
    app.config["PUBLIC_BASE_URL"] = PUBLIC
    token = seed_submission(app, BASE_ANSWERS)
    client.post(f"/en/results/{token}/shares", data={"label": "Board"})
    html = client.get(f"/en/results/{token}", headers={"Host": "evil.example"}).get_data(as_text=True)
    links = re.findall(r'id="board-link-\d+" value="([^"]+)"', html)
    assert len(links) == 1 and links[0].startswith(f"{PUBLIC}/en/shared/") and "evil.example" not in html


def test_making_and_revoking_need_the_forms_csrf_token(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    token = seed_submission(csrf_app, BASE_ANSWERS)
    refused = client.post(f"/en/results/{token}/shares", data={"label": "Board, March meeting"})
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "security check expired" in html and 'value="Board, March meeting"' in html
    assert share_rows(csrf_app) == []
    page = client.get(f"/en/results/{token}").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', section(page, "board-shares")).group(1)
    made = client.post(f"/en/results/{token}/shares", data={"label": "Board", "csrf_token": csrf})
    assert made.status_code == 303
    (row,) = share_rows(csrf_app)
    assert client.post(f"/en/results/{token}/shares/{row.id}/revoke").status_code == 400
    assert share_rows(csrf_app)[0].revoked_at is None
    assert client.post(f"/en/results/{token}/shares/{row.id}/revoke", data={"csrf_token": csrf}).status_code == 303
    assert share_rows(csrf_app)[0].revoked_at is not None
