"""The sector report (issue 17, item 1): the 2017 structure, today beside exactly the published 2017 figures,
a tagged PDF in each language, and an archive per release with a comparison page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from benchmark.extensions import db
from benchmark.funder.sector import report
from benchmark.store.models import SectorReportArchive
from tests.factories import BASE_ANSWERS, make_app, reset, seed_submission
from tests.web.test_pdf import check_complete_tagged_pdf, pdf_info, pdf_text, save
from tests.web.test_sector_api import client_as

PUBLISHED = {
    ("q6", "yes"): 40.7,
    ("q2_2", "video"): 41.8,
    ("q4", "shared_roles"): 52.8,
    ("q4", "permanent_inhouse"): 46.4,
    ("q5", "announce_events"): 90.7,
    ("q5", "public_awareness"): 89.5,
    ("q5", "recruit_volunteers"): 71.4,
    ("q5", "fundraising"): 47.2,
}


@pytest.fixture
def k3_app(database_url: str, _schema: None) -> Iterator[Flask]:
    app = make_app(database_url, SECTOR_MIN_CELL=3)
    yield app
    reset(app)


def seeded(app: Flask) -> None:
    for _ in range(9):
        seed_submission(app, {**BASE_ANSWERS, "q6": "yes"})
    for _ in range(3):
        seed_submission(app, {**BASE_ANSWERS, "q6": "no"})


def test_the_report_shows_exactly_the_published_2017_figures_and_says_so_elsewhere(k3_app: Flask) -> None:
    seeded(k3_app)
    with k3_app.test_request_context():
        body = report.figures()
    assert [s["id"] for s in body["sections"]] == [
        "importance", "tools", "roles", "communication", "strategy", "concerns", "practices", "recommendations"
    ]  # fmt: skip
    shown = {
        (item["item"], option["option"]): option["pct_2017"]
        for section in body["sections"]
        for item in section["items"]
        for option in item["options"]
        if option["pct_2017"] is not None
    }
    assert shown == PUBLISHED
    for section in body["sections"]:
        for item in section["items"]:
            for option in item["options"]:
                if (item["item"], option["option"]) in PUBLISHED:
                    assert option["n_2017"] in (239, 248) and option["status_2017"] in ("stated", "reading")
    aggregates = [(i["item"], a["pct_2017"], a["n_2017"]) for s in body["sections"] for i in s["items"]
                  for a in i["aggregates_2017"]]  # fmt: skip
    assert aggregates == [("q1", 86, 249)]
    analyst = client_as(k3_app, "analyst")
    en = analyst.get("/en/sector/report").get_data(as_text=True)
    fr = analyst.get("/fr/sector/report").get_data(as_text=True)
    assert "40.7% (n = 248, " in en and "40,7\u202f% (n = 248, " in fr
    assert en.count("no 2017 figure published") > 100 and fr.count("aucun chiffre de 2017 publié") > 100
    assert "86%" in en and "Today: not computed" in en


def test_today_s_shares_go_through_the_disclosure_rules(k3_app: Flask) -> None:
    """Attacker: 9 yes and 3 no shows 75 %; an option everyone chose (100 %) or fewer than k chose is hidden."""
    seeded(k3_app)
    with k3_app.test_request_context():
        body = report.figures()
    options = {
        (item["item"], option["option"]): option["today_pct"]
        for section in body["sections"]
        for item in section["items"]
        for option in item["options"]
    }
    assert options[("q6", "yes")] == 75.0 and options[("q6", "no")] == 25.0
    assert options[("q6", "in_progress")] is None  # nobody: 0 % would state every organization's answer
    assert all(value is None or 0 < value < 100 for value in options.values())
    seed_submission(k3_app, {**BASE_ANSWERS, "q6": "in_progress"})
    with k3_app.test_request_context():
        again = {
            (i["item"], o["option"]): o["today_pct"] for s in report.figures()["sections"] for i in s["items"]
            for o in i["options"]
        }  # fmt: skip
    assert again[("q6", "in_progress")] is None  # one organization (below k): still hidden


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_report_pdf_is_tagged_in_each_language(k3_app: Flask, tmp_path: Path, lang: str) -> None:
    seeded(k3_app)
    response = client_as(k3_app, "analyst").get(f"/{lang}/sector/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = save(tmp_path, f"report-{lang}.pdf", response.data)
    info = check_complete_tagged_pdf(path, "Sector report" if lang == "en" else "Rapport sectoriel")
    text = pdf_text(path)
    assert ("no 2017 figure published" if lang == "en" else "aucun chiffre de 2017 publié") in text
    assert ("40.7%" if lang == "en" else "40,7 %") in text
    print(f"sector report {lang}: {info['Pages']} pages, {len(response.data)} bytes PDF")
    assert int(pdf_info(path)["Pages"]) >= 2


def test_each_release_is_archived_once_and_two_can_be_compared(k3_app: Flask) -> None:
    seeded(k3_app)
    analyst = client_as(k3_app, "analyst")
    assert analyst.get("/en/sector/report").status_code == 200
    assert analyst.get("/en/sector/report").status_code == 200  # read twice: one archive
    for _ in range(3):
        seed_submission(k3_app, {**BASE_ANSWERS, "q6": "no"})
    assert analyst.get("/fr/sector/report").status_code == 200
    with k3_app.app_context():
        ids = list(
            db.session.scalars(sa.select(SectorReportArchive.release_id).order_by(SectorReportArchive.release_id))
        )
    assert len(ids) == 2
    page = analyst.get(f"/en/sector/report/compare?a={ids[0]}&b={ids[1]}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "75%" in html and "60%" in html  # q6 yes: 9 of 12, then 9 of 15
    assert analyst.get("/en/sector/report/compare?a=999999&b=1").status_code == 400
    assert analyst.get("/fr/sector/report/compare?a=x").status_code == 200
    assert client_as(k3_app, "facilitator").get("/en/sector/report").status_code == 403
