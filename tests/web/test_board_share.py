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
from tests.factories import BASE_ANSWERS, seed_submission

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
