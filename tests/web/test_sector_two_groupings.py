"""Sector dashboard, issue 17 item 2: two groupings at once, a date range, the re-assessed column, totals in words."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from benchmark.core.suppression import SuppressedTable, recoverable_cells
from benchmark.extensions import db
from benchmark.store import assessments as services
from benchmark.store.models import Assessment
from benchmark.store.scores import profile_of, stored_scores
from tests.factories import BASE_ANSWERS, make_app, reset, seed_submission
from tests.web.test_sector_api import cells_of, client_as

SIZES = ["1_5", "6_10", "11_20", "21_50", "51_plus"]
REGIONS = ["on", "qc", "bc", "ab", "ns"]


@pytest.fixture
def k3_app(database_url: str, _schema: None) -> Iterator[Flask]:
    app = make_app(database_url, SECTOR_MIN_CELL=3, PEER_MIN_GROUP=3)
    yield app
    reset(app)


def population(app: Flask, seed: int, size: int) -> None:
    rng = random.Random(seed)
    for _ in range(size):
        facts = {
            "q25": rng.choice(SIZES),
            "q23": rng.choice(["yes_current", "no_past", "no_never"]),
            "q26": rng.sample(REGIONS, rng.randint(1, 2)),
        }
        seed_submission(app, {**BASE_ANSWERS, **facts})


def tables_of(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {table["id"]: table for table in document["tables"]}


def with_margins_from(two_way: SuppressedTable, rows: dict[str, Any], columns: dict[str, Any]) -> SuppressedTable:
    """The two-way table as an attacker sees it with the one-grouping tables beside it: every margin either
    of them publishes filled in (the one-grouping tables' row totals count the same organisations)."""

    def either(mine: int | None, theirs: int | None) -> int | None:
        return theirs if mine is None else mine

    row_totals = {r: either(two_way.row_totals.get(r), rows.get(r)) for r in two_way.rows}
    column_totals = {c: either(two_way.column_totals.get(c), columns.get(c)) for c in two_way.columns}
    grand = either(two_way.grand_total, rows.get("__grand__"))
    return SuppressedTable(two_way.rows, two_way.columns, two_way.cells, row_totals, column_totals, grand, two_way.k)


def margins(table: dict[str, Any]) -> dict[str, Any]:
    return {**dict(zip(table["rows"], table["row_totals"], strict=True)), "__grand__": table["grand_total"]}


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6, 7, 8])
def test_two_groupings_no_hidden_cell_is_recoverable_even_with_the_other_tables(k3_app: Flask, seed: int) -> None:
    """Attacker: a cell below k is not recoverable from the two-way table's totals nor from the one-grouping
    tables' totals (levels by province, levels by size), put together."""
    population(k3_app, seed, 16)
    analyst = client_as(k3_app, "analyst")
    document = analyst.get("/en/sector/export.json?component=SK&by=size&by2=province").get_json()
    tables = tables_of(document)
    two_way = cells_of(tables["two_way_size_province_SK"])
    for value in two_way.entries().values():
        assert value is None or value == 0 or value >= 3
    assert recoverable_cells(two_way) == set()
    by_size, by_province = margins(tables["levels_size_SK"]), margins(tables["levels_province_SK"])
    # Same organisations by province: where both publish that margin it is the same number (the size margin
    # counts organisation × province pairs, published nowhere else; the page says so).
    shared = 0
    for column in two_way.columns:
        if two_way.column_totals.get(column) is not None and by_province.get(column) is not None:
            assert two_way.column_totals[column] == by_province[column]
            shared += 1
    assert shared or all(by_province.get(c) is None for c in two_way.columns)
    assert by_province["__grand__"] in (None, two_way.grand_total) or two_way.grand_total is None
    attacker = with_margins_from(two_way, {"__grand__": by_province["__grand__"]}, by_province)
    assert recoverable_cells(attacker) == set()
    assert by_size  # read, and of no use to the attacker here: its totals count organisations, not pairs
    # Every table of the page downloads as CSV with the same choices (the two-way table included).
    page = analyst.get("/en/sector/?component=SK&by=size&by2=province").get_data(as_text=True)
    links = re.findall(r'href="(/en/sector/export\.csv\?[^"]+)"', page)
    assert len(links) == 8 and all("by2=province" in link for link in links if "items_2017" not in link)
    for link in links:
        assert analyst.get(link.replace("&amp;", "&")).status_code == 200, link
    # The API offers the same pair; an unknown pair is refused (size × funding is not kept, see README).
    assert analyst.get("/en/sector/export.json?by=size&by2=funding").status_code == 400


def test_two_way_counts_are_right_above_k(k3_app: Flask) -> None:
    for _ in range(4):
        seed_submission(k3_app, {**BASE_ANSWERS, "q25": "6_10", "q23": "yes_current", "q26": ["on"]})
    for _ in range(3):
        seed_submission(k3_app, {**BASE_ANSWERS, "q25": "1_5", "q23": "yes_current", "q26": ["on", "qc"]})
    analyst = client_as(k3_app, "analyst")
    tables = tables_of(analyst.get("/en/sector/export.json?component=SK&by=province&by2=funding").get_json())
    table = tables["two_way_province_funding_SK"]
    cells = {r: dict(zip(table["columns"], table["cells"][i], strict=True)) for i, r in enumerate(table["rows"])}
    assert cells["on"]["yes_current"] == 7 and cells["on"]["no_never"] == 0
    assert cells["qc"]["yes_current"] == 3
    assert table["grand_total"] == 10  # organisation × province pairs: explained on the page


def test_re_assessed_column_in_every_uptake_table(k3_app: Flask) -> None:
    for _ in range(3):
        token = seed_submission(k3_app, {**BASE_ANSWERS, "q25": "6_10"})
        with k3_app.app_context():
            content = k3_app.extensions["content"]
            earlier = services.find_by_token(token)
            again, _token = services.start_assessment(content.questionnaire, "en", None, previous=earlier)
            services.save_answers(again, {**BASE_ANSWERS, "q25": "6_10"}, "organisation")
            services.submit(again, stored_scores(profile_of({**BASE_ANSWERS, "q25": "6_10"})))
            assert db.session.get(Assessment, again.id) is not None
    analyst = client_as(k3_app, "analyst")
    tables = tables_of(analyst.get("/en/sector/export.json?by=size&by2=province").get_json())
    for name in ("uptake_size", "uptake_province"):
        assert "reassessed" in tables[name]["columns"], name
    size = tables["uptake_size"]
    row = size["rows"].index("6_10")
    assert size["cells"][row][size["columns"].index("reassessed")] == 3
    assert size["cells"][row][size["columns"].index("submitted")] == 6
    page = analyst.get("/en/sector/?by=size&by2=province").get_data(as_text=True)
    assert page.count('<th scope="col" class="num">Re-assessed</th>') == 3  # by month, by size, by province


def test_a_date_range_only_selects_rows_of_the_full_table(k3_app: Flask) -> None:
    population(k3_app, 7, 6)
    analyst = client_as(k3_app, "analyst")
    full = tables_of(analyst.get("/en/sector/export.json").get_json())
    month = full["uptake_month"]["rows"][0]
    ranged = tables_of(analyst.get(f"/en/sector/export.json?from={month}&to={month}").get_json())
    for name in ("uptake_month", "levels_quarter_SK"):
        assert ranged[name]["rows"] == full[name]["rows"]
        assert ranged[name]["cells"] == full[name]["cells"]  # never recomputed: the same published values
        assert ranged[name]["column_totals"] is None and ranged[name]["grand_total"] is None
    before = tables_of(analyst.get("/en/sector/export.json?from=2001-01&to=2001-12").get_json())
    assert before["uptake_month"]["rows"] == [] and before["levels_quarter_SK"]["rows"] == []


@pytest.mark.parametrize(
    ("query", "en", "fr"),
    [
        ("from=2026-13", "Enter each month as year and month", "Entrez chaque mois sous la forme année-mois"),
        ("from=march", "Enter each month as year and month", "Entrez chaque mois sous la forme année-mois"),
        ("from=2026-05&to=2026-01", "The first month must come before", "Le premier mois doit précéder"),
        ("by=size&by2=funding", "cannot be combined with the first one", "ne peut pas être combiné avec le premier"),
        ("by=size&by2=size", "cannot be combined with the first one", "ne peut pas être combiné avec le premier"),
    ],
)
def test_bad_range_or_grouping_gives_a_clear_error_in_each_language(
    k3_app: Flask, query: str, en: str, fr: str
) -> None:
    analyst = client_as(k3_app, "analyst")
    for lang, message in (("en", en), ("fr", fr)):
        response = analyst.get(f"/{lang}/sector/?{query}")
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert message in page
        if "from=" in query:  # what was typed is kept
            assert f'value="{query.split("&")[0].split("=")[1]}"' in page


def test_totals_explained_and_the_pool_agrees_with_the_banner(database_url: str, _schema: None) -> None:
    real = make_app(database_url)
    try:
        page = client_as(real, "analyst").get("/en/sector/").get_data(as_text=True)
        assert "Only real assessments are counted" in page and "synthetic-banner" not in page
        assert "Synthetic data is never counted" not in page
        for words in ("Started: assessments begun", "Re-assessed: submitted assessments", "counts once in each"):
            assert words in page
    finally:
        reset(real)
    demo = make_app(database_url, DATA_POOL="synthetic")
    try:
        page = client_as(demo, "analyst").get("/fr/sector/").get_data(as_text=True)
        assert "synthetic-banner" in page and "comme l’indique le bandeau" in page
        assert "ne sont jamais" not in page
    finally:
        reset(demo)


def test_numbers_line_up_with_their_headings_and_use_the_language_s_separators(k3_app: Flask) -> None:
    for _ in range(12):
        seed_submission(k3_app, {**BASE_ANSWERS, "q6": "yes"})
    for _ in range(3):
        seed_submission(k3_app, {**BASE_ANSWERS, "q6": "no"})
    analyst = client_as(k3_app, "analyst")
    en = analyst.get("/en/sector/").get_data(as_text=True)
    fr = analyst.get("/fr/sector/").get_data(as_text=True)
    assert '<th scope="col" class="num">Today</th>' in en
    assert "80%" in en  # 12 of 15, with its % sign
    assert "80\u202f%" in fr
    assert '<th scope="col" class="num">Submitted</th>' in en
    assert '<th scope="col" class="num">Transmis</th>' in fr
