"""Sector view, exports, open data and the API: roles, small-cell protection, import, OpenAPI."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate as validate_spec

from benchmark.core.suppression import SuppressedTable, recoverable_cells
from benchmark.extensions import db
from benchmark.staff.accounts.services import create_user
from benchmark.store import api_tokens as tokens
from benchmark.store.models import ImportedBaseline
from tests.factories import BASE_ANSWERS, PASSWORD, empty_tables, make_app, reset, seed_submission

SECTOR_ROUTES = [
    "/en/sector/",
    "/fr/sector/?component=PR&by=size",
    "/en/sector/export.json",
    "/en/sector/export.csv?table=uptake_month",
    "/en/sector/export.csv?table=items_2017",
    "/en/sector/data-dictionary",
]


def client_as(app: Flask, role: str) -> FlaskClient:
    email = f"{role}@example.org"
    with app.app_context():
        create_user(email, role, PASSWORD)
    client = app.test_client()
    assert client.post("/en/account/sign-in", data={"email": email, "password": PASSWORD}).status_code in {302, 303}
    return client


@pytest.fixture
def k3_app(database_url: str, _schema: None) -> Iterator[Flask]:
    app = make_app(database_url, SECTOR_MIN_CELL=3, PEER_MIN_GROUP=3)
    yield app
    reset(app)


def test_sector_routes_by_role(app: Flask) -> None:
    analyst, admin = client_as(app, "analyst"), client_as(app, "admin")
    facilitator = client_as(app, "facilitator")
    for url in SECTOR_ROUTES:
        assert analyst.get(url).status_code == 200, url
        assert admin.get(url).status_code == 200, url
        assert facilitator.get(url).status_code == 403, url
        anonymous = app.test_client().get(url)
        assert anonymous.status_code == 302 and "/account/sign-in" in anonymous.headers["Location"], url


def test_bad_dashboard_parameters_give_400(app: Flask) -> None:
    analyst = client_as(app, "analyst")
    for query in ("component=XX", "by=postcode", "component=%3Cscript%3E"):
        assert analyst.get(f"/en/sector/?{query}").status_code == 400
    assert analyst.get("/en/sector/export.csv?table=nope").status_code == 404


def cells_of(table: dict[str, Any]) -> SuppressedTable:
    """Rebuild a published table from its JSON to audit it."""
    rows, columns = table["rows"], table["columns"]
    cells = {(r, c): table["cells"][i][j] for i, r in enumerate(rows) for j, c in enumerate(columns)}
    column_totals = dict(zip(columns, table["column_totals"] or [], strict=False))
    row_totals = dict(zip(rows, table["row_totals"] or [], strict=False))
    return SuppressedTable(
        rows=tuple(rows),
        columns=tuple(columns),
        cells=cells,
        row_totals=row_totals,
        column_totals=column_totals,
        grand_total=table["grand_total"],
        k=3,
        shows_row_totals=table["row_totals"] is not None,
        shows_column_totals=table["column_totals"] is not None,
        shows_grand_total=table["grand_total"] is not None,
    )


ORGANISATION = st.fixed_dictionaries(
    {
        "q25": st.sampled_from(["1_5", "6_10", "11_20", "21_50", "51_plus"]),
        "q23": st.sampled_from(["yes_current", "no_past", "no_never"]),
        "q26": st.lists(st.sampled_from(["on", "qc", "bc", "ab", "ns"]), min_size=1, max_size=2, unique=True),
        "q4": st.sampled_from(
            [["shared_roles"], ["permanent_inhouse"], ["no_one"], ["shared_roles", "permanent_inhouse"]]
        ),
        "q6": st.sampled_from(["yes", "no", "in_progress"]),
    }
)


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(population=st.lists(ORGANISATION, min_size=3, max_size=14))
def test_no_small_or_recoverable_cell_in_dashboard_csv_or_api(k3_app: Flask, population: list[dict[str, Any]]) -> None:
    app = k3_app
    with app.app_context():
        db.session.remove()
        empty_tables()
    for facts in population:
        seed_submission(app, {**BASE_ANSWERS, **facts})
    analyst = client_as(app, "analyst")
    documents = [
        analyst.get("/en/sector/export.json?by=province").get_json(),
        app.test_client().get("/api/v1/aggregates?by=size").get_json(),
    ]
    assert all(document["items_2017"] for document in documents)  # the loop below checks real items
    for document in documents:
        for table in document["tables"]:
            published = cells_of(table)
            for value in published.entries().values():
                assert value is None or value == 0 or value >= 3, (table["id"], value)
            assert recoverable_cells(published) == set(), table["id"]
        for item in document["items_2017"]:
            assert item["today_n"] is None or item["today_n"] >= 3
    csv_text = analyst.get("/en/sector/export.csv?table=uptake_province").get_data(as_text=True)
    for row in list(csv.reader(io.StringIO(csv_text.lstrip("\ufeff"))))[1:]:
        for cell in row[1:]:
            assert cell == "" or int(cell) == 0 or int(cell) >= 3


def test_today_against_2017_with_both_ns(k3_app: Flask) -> None:
    # 9 "yes" and 3 "no": both the count and the remainder reach k = 3, so the share is shown.
    for _ in range(9):
        seed_submission(k3_app, {**BASE_ANSWERS, "q6": "yes"})
    for _ in range(3):
        seed_submission(k3_app, {**BASE_ANSWERS, "q6": "no"})
    analyst = client_as(k3_app, "analyst")
    items = {(i["item"], i["option"]): i for i in analyst.get("/en/sector/export.json").get_json()["items_2017"]}
    q6 = items[("q6", "yes")]
    assert q6["today_pct"] == 75.0 and q6["today_n"] == 12
    assert q6["pct_2017"] == 40.7 and q6["n_2017"] == 248 and q6["status_2017"] == "stated"
    assert items[("q4", "permanent_inhouse")]["today_pct"] is None  # chosen by fewer than k


def test_synthetic_data_is_never_counted(k3_app: Flask) -> None:
    for _ in range(5):
        seed_submission(k3_app, BASE_ANSWERS, synthetic=True)
    analyst = client_as(k3_app, "analyst")
    document = analyst.get("/en/sector/export.json").get_json()
    assert all(value in (None, 0) for t in document["tables"] for row in t["cells"] for value in row)


# ----------------------------------------------------------------------------- API


def test_openapi_document_is_valid_and_live_responses_match(app: Flask) -> None:
    for _ in range(2):
        seed_submission(app, BASE_ANSWERS)
    client = app.test_client()
    document = client.get("/api/v1/openapi.json").get_json()
    validate_spec(document)
    with app.app_context():
        _token, plain = tokens.create_token("test")
    auth = {"Authorization": f"Bearer {plain}"}
    checked = 0
    for path, operations in document["paths"].items():
        url = "/api/v1" + path.replace("{name}", "published-2017")
        response = client.get(url, headers=auth)
        schema = operations["get"]["responses"][str(response.status_code)]["content"]["application/json"]["schema"]
        resolver_doc = {**schema, "components": document["components"]}
        jsonschema.validate(response.get_json(), resolver_doc, cls=jsonschema.Draft202012Validator)
        checked += 1
    for url, status in (
        ("/api/v1/aggregates?component=XX", 400),
        ("/api/v1/baselines/nope", 404),
        ("/api/v1/uptake", 401),
    ):
        response = client.get(url)
        assert response.status_code == status
        error_schema = {**document["components"]["schemas"]["Error"], "components": document["components"]}
        jsonschema.validate(response.get_json(), error_schema, cls=jsonschema.Draft202012Validator)
    assert checked == len(document["paths"])


def test_token_authentication_and_revocation(app: Flask, runner: FlaskCliRunner) -> None:
    client = app.test_client()
    assert client.get("/api/v1/uptake").status_code == 401
    assert client.get("/api/v1/uptake", headers={"Authorization": "Bearer nope"}).status_code == 401
    with app.app_context():
        token, plain = tokens.create_token("analyst laptop")
        stored = db.session.get(type(token), token.id)
        assert stored is not None and plain not in stored.token_hash
    assert client.get("/api/v1/uptake", headers={"Authorization": f"Bearer {plain}"}).status_code == 200
    assert runner.invoke(args=["api-tokens", "revoke", str(token.id)]).exit_code == 0
    assert client.get("/api/v1/uptake", headers={"Authorization": f"Bearer {plain}"}).status_code == 401


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "status", "code"),
    [
        ("get", "/api/v1/aggregates?lang=de", {}, 400, "invalid_parameter"),
        ("get", "/api/v1/aggregates?unknown=1", {}, 400, "unknown_parameter"),
        ("get", "/api/v1/questionnaire?lang=%00", {}, 400, "invalid_parameter"),
        ("get", "/api/v1/baselines/" + "x" * 300, {}, 404, "unknown_baseline"),
        ("get", "/api/v1/baselines/a@b", {}, 404, "unknown_baseline"),
        (
            "post",
            "/api/v1/aggregates",
            {"data": "{not json", "content_type": "application/json"},
            405,
            "method_not_allowed",
        ),
        ("post", "/api/v1/questionnaire", {"json": {"items": []}}, 405, "method_not_allowed"),
        ("get", "/api/v1/nothing", {}, 404, "not_found"),
    ],
)
def test_api_errors_are_json_with_stable_codes(
    client: FlaskClient, method: str, url: str, kwargs: dict[str, Any], status: int, code: str
) -> None:
    response = getattr(client, method)(url, **kwargs)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code


def test_api_rate_limit(database_url: str, _schema: None) -> None:
    app = make_app(database_url, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    try:
        client = app.test_client()
        statuses = [client.get("/api/v1/").status_code for _ in range(125)]
        assert statuses.count(429) >= 1 and statuses[0] == 200
        assert client.get("/api/v1/").get_json()["error"]["code"] == "rate_limited"
    finally:
        reset(app)


# ----------------------------------------------------------------------------- import


SYNTHETIC_RESPONDENTS = (  # SYNTHETIC test data: four invented respondents, not 2017 data
    "id,q6,q4,q25\n"
    "r1,yes,shared_roles,1_5\n"
    "r2,no,permanent_inhouse|shared_roles,6_10\n"
    "r3,yes,no_one,6_10\n"
    "r4,dont_know,shared_roles,\n"
)


def import_synthetic_respondents(app: Flask, tmp_path: Path) -> tuple[Path, Any]:
    """Import SYNTHETIC_RESPONDENTS as ``synthetic-test`` with the CLI; return the file and the result."""
    path = tmp_path / "synthetic.csv"
    path.write_text(SYNTHETIC_RESPONDENTS, encoding="utf-8")
    args = ["baseline", "import", str(path), "--name", "synthetic-test", "--source", "synthetic fixture"]
    result = app.test_cli_runner().invoke(args=[*args, "--kind", "respondents"])
    assert result.exit_code == 0, result.output
    return path, result


def test_respondent_level_import_computes_exact_shares(app: Flask, tmp_path: Path) -> None:
    path, _ = import_synthetic_respondents(app, tmp_path)
    with app.app_context():
        record = db.session.scalar(db.select(ImportedBaseline))
        # q6: 3 answered (dont_know excluded): yes 2/3 = 66.7 %; q4: 4 answered, shared_roles 3/4 = 75 %
        assert record.figures["q6"]["n"] == 3 and record.figures["q6"]["options"]["yes"]["pct"] == 66.7
        assert record.figures["q4"]["options"]["shared_roles"]["pct"] == 75.0
        assert record.version == 1 and record.kind == "respondent_level"
    listing = app.test_client().get("/api/v1/baselines").get_json()["baselines"]
    assert [b["name"] for b in listing] == ["published-2017", "synthetic-test@1"]
    again = app.test_cli_runner().invoke(
        args=["baseline", "import", str(path), "--name", "synthetic-test", "--source", "x", "--kind", "respondents"]
    )
    assert again.exit_code == 0 and "synthetic-test@2" in again.output  # a new version, never an overwrite


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"item,option,share\nq6,yes,140\n", "row 2, column share"),
        (b"item,option,count,n\nq6,yes,300,248\n", "row 2, column count"),
        (b"item,option,share\nq6,maybe,40\n", "row 2, column option"),
        (b"item,option,share\nq99,yes,40\n", "row 2, column item"),
        (b"item,option\nq6,yes\n", "share"),
        (b"item,option,share\nq6,yes,40\nq6,yes,41\n", "row 3"),
        (b"item,option,share\nq6,\xff\xfe,40\n", "row 2"),
        (b"", "empty"),
    ],
)
def test_bad_import_files_are_refused_whole(app: Flask, tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    result = app.test_cli_runner().invoke(args=["baseline", "import", str(path), "--name", "bad", "--source", "test"])
    assert result.exit_code != 0
    assert message in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ImportedBaseline)) == 0


def test_oversized_import_is_refused(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("benchmark.funder.sector.cli.MAX_IMPORT_BYTES", 100)
    path = tmp_path / "big.csv"
    path.write_bytes(b"item,option,share\n" + b"q6,yes,40\n" * 50)
    result = app.test_cli_runner().invoke(args=["baseline", "import", str(path), "--name", "big", "--source", "test"])
    assert result.exit_code != 0 and "too_large" in result.output


def test_open_data_release_writes_suppressed_files(k3_app: Flask, tmp_path: Path) -> None:
    for _ in range(4):
        seed_submission(k3_app, BASE_ANSWERS)
    result = k3_app.test_cli_runner().invoke(args=["open-data", "release", str(tmp_path / "release")])
    assert result.exit_code == 0, result.output
    files = {p.name for p in (tmp_path / "release").iterdir()}
    assert {"aggregates.en.json", "aggregates.fr.json", "data-dictionary.json", "items_2017.fr.csv"} <= files
    dictionary = json.loads((tmp_path / "release" / "data-dictionary.json").read_text(encoding="utf-8"))
    assert all(column["en"] and column["fr"] for column in dictionary["columns"])
    assert {c["item"] for c in dictionary["crosswalk"]} >= {"q1", "q6", "q26"}


def test_a_synthetic_deployment_counts_only_synthetic_data_and_says_so(database_url: str, _schema: None) -> None:
    app = make_app(database_url, SECTOR_MIN_CELL=3, DATA_POOL="synthetic")
    try:
        for _ in range(3):
            seed_submission(app, BASE_ANSWERS, synthetic=True)
        for _ in range(4):
            seed_submission(app, BASE_ANSWERS)  # real data: never pooled with synthetic
        document = app.test_client().get("/api/v1/aggregates").get_json()
        assert {i["today_n"] for i in document["items_2017"] if i["item"] == "q6"} == {3}
        html = app.test_client().get("/en/").get_data(as_text=True)
        assert "Synthetic data" in html
    finally:
        reset(app)


def test_results_compare_with_an_imported_baseline(app: Flask, tmp_path: Path) -> None:
    import_synthetic_respondents(app, tmp_path)
    token = seed_submission(app, {**BASE_ANSWERS, "q6": "yes"})
    client = app.test_client()
    default = client.get(f"/en/results/{token}").get_data(as_text=True)
    assert (
        "synthetic-test@1" in default and "Your answers beside synthetic-test@1" not in default
    )  # 2017 stays the default
    html = client.get(f"/en/results/{token}?baseline=synthetic-test@1").get_data(as_text=True)
    section = html.split('id="other-baselines"')[1].split("</section>")[0]
    assert "66.7% (n = 3)" in section and "synthetic fixture" in section
    assert "This baseline is not available." in client.get(f"/en/results/{token}?baseline=nope@9").get_data(
        as_text=True
    )


def test_sector_view_compares_with_an_imported_baseline(k3_app: Flask, tmp_path: Path) -> None:
    import_synthetic_respondents(k3_app, tmp_path)
    for _ in range(3):
        seed_submission(k3_app, {**BASE_ANSWERS, "q6": "yes"})
    analyst = client_as(k3_app, "analyst")
    html = analyst.get("/en/sector/?baseline=synthetic-test@1").get_data(as_text=True)
    assert "Today against synthetic-test@1" in html
    assert "66.7% (n = 3, imported survey data)" in html
    assert analyst.get("/en/sector/?baseline=" + "x" * 101).status_code == 400
