"""Property-based fuzzing: the API against its own OpenAPI document, and the core parsers against any input.

* Schemathesis reads ``/api/v1/openapi.json`` from the WSGI app and generates requests for every
  operation, valid ones (positive) and invalid ones (negative: wrong types, values outside the enums,
  over-long names); each response must not be a 5xx and must match the document (status code,
  content type, JSON schema).
* Hypothesis feeds ``check_answer`` / ``clean_answers`` arbitrary JSON values and
  ``parse_option_figures`` / ``parse_respondents`` arbitrary bytes: they may only return problems,
  never raise.

Schemathesis 4's pytest integration (``schemathesis.pytest.from_fixture``) writes ``request.node._nodeid``,
which pytest 9 no longer has; so the operations' Hypothesis strategies are driven directly
(``operation.as_strategy``), inside an ordinary test that uses the ``app`` fixture.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from benchmark.core.baseline_import import ImportProblem, parse_option_figures, parse_respondents
from benchmark.core.questionnaire import Questionnaire, check_answer, clean_answers
from benchmark.core.scoring import Rubric
from benchmark.extensions import db
from benchmark.store import api_tokens as tokens
from benchmark.store.models import ImportedBaseline
from tests.factories import BASE_ANSWERS, seed_submission

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MAX_EXAMPLES = 25
FUZZ = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,  # no .hypothesis folder in the work tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)


def fuzz(
    operation: Any,
    mode: GenerationMode,
    headers: dict[str, str],
    label: str,
    cases: Counter[str],
    statuses: Counter[int],
) -> None:
    """Run MAX_EXAMPLES generated requests of one operation in one mode, with every check."""

    @FUZZ
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        response = case.call_and_validate(checks=CHECKS, headers=headers)
        cases[label] += 1
        statuses[response.status_code] += 1

    run()


def test_api_conforms_to_its_openapi_document(app: Flask) -> None:
    for _organisation in range(3):
        seed_submission(app, BASE_ANSWERS)
    with app.app_context():
        _token, bearer = tokens.create_token("fuzz")
        db.session.add(
            ImportedBaseline(
                name="fuzz",
                version=1,
                kind="per_option_shares",
                source="tests",
                published=True,
                figures={"q7": {"n": 40, "options": {"yes": {"pct": 55.0}}}},
            )
        )
        db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # The WSGI transport does not undo gzip (Flask-Compress answers "Accept-Encoding: gzip"): ask for none.
    headers = {"Accept-Encoding": "identity"}
    cases: Counter[str] = Counter()
    statuses: Counter[int] = Counter()

    for result in schema.get_all_operations():
        operation = result.ok()
        modes = [GenerationMode.POSITIVE]
        if len(operation.query) or len(operation.path_parameters):  # nothing to get wrong otherwise
            modes.append(GenerationMode.NEGATIVE)
        # The token route is fuzzed without a token (401) and with a valid one (200 and 400).
        credentials: list[dict[str, str]] = [{}]
        if operation.security:
            credentials.append({"Authorization": f"Bearer {bearer}"})
        for mode in modes:
            for extra in credentials:
                label = f"{operation.label} {mode.value}{' +token' if extra else ''}"
                fuzz(operation, mode, {**headers, **extra}, label, cases, statuses)

    # Named baselines that exist, so the 200 path of /baselines/{name} is checked against the schema too.
    operation = schema["/baselines/{name}"]["GET"]
    for name in ("published-2017", "fuzz@1"):
        case = operation.Case(path_parameters={"name": name})
        response = case.call_and_validate(checks=CHECKS, headers=headers)
        assert response.status_code == 200, name
        cases["GET /baselines/{name} known"] += 1
        statuses[200] += 1

    total = sum(cases.values())
    print(f"\nSchemathesis: {total} generated cases over {len(cases)} operation×mode runs; statuses {dict(statuses)}")
    assert statuses[200] > 0 and statuses[400] > 0 and statuses[401] > 0
    assert total >= 150


# ----------------------------------------------------------------------------- the core parsers

JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


def near_answers(questionnaire: Questionnaire) -> st.SearchStrategy[Any]:
    """Values close to valid ones (real option ids, lists of them, 0–10 and around), mixed with any JSON."""
    option_ids = sorted({o.id for item in questionnaire.iter_items() for o in item.options}) + ["", "bogus"]
    options = st.sampled_from(option_ids)
    return (
        options
        | st.lists(options, max_size=4)
        | st.integers(min_value=-2, max_value=12)
        | st.lists(options | st.integers(), max_size=3)
        | JSON_VALUES
    )


ERROR_CODES = {None, "unknown_option", "out_of_range", "wrong_type", "exclusive", "duplicate", "empty"}


@FUZZ
@given(data=st.data())
def test_check_answer_only_ever_returns_an_error_code(questionnaire: Questionnaire, data: st.DataObject) -> None:
    item = data.draw(st.sampled_from(list(questionnaire.iter_items())))
    value = data.draw(near_answers(questionnaire))
    assert check_answer(item, value) in ERROR_CODES


@FUZZ
@given(data=st.data())
def test_clean_answers_keeps_only_valid_answers(questionnaire: Questionnaire, data: st.DataObject) -> None:
    keys = st.sampled_from(list(questionnaire.answer_keys()) + ["q99", "", "q8", "q8.", "q8.nope", "q1.x"])
    answers = data.draw(st.dictionaries(keys | st.text(max_size=10), near_answers(questionnaire), max_size=12))
    cleaned = clean_answers(questionnaire, answers)
    assert set(cleaned) <= set(answers)
    for key, value in cleaned.items():
        item, _row = questionnaire.item_for_key(key)
        assert check_answer(item, value) is None
        assert value == answers[key]
    json.dumps(cleaned)  # what is kept can be stored


def csv_like(questionnaire: Questionnaire) -> st.SearchStrategy[bytes]:
    """Bytes shaped like the import formats: real column names and ids, odd numbers, odd separators."""
    item_ids = [item.id for item in questionnaire.iter_items()] + list(questionnaire.answer_keys())
    option_ids = sorted({o.id for item in questionnaire.iter_items() for o in item.options})
    cell = st.sampled_from(
        ["item", "option", "share", "count", "n", "respondent", "", '"', '""', "=1+1", "NaN", "-0", "1e309", "12.5"]
        + item_ids[:12]
        + option_ids[:12]
    ) | st.text(max_size=6)
    row = st.lists(cell, max_size=6).map(",".join)
    text = st.lists(row, max_size=8).map(lambda rows: "\n".join(rows))
    encodings = st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"])
    return st.tuples(text, encodings).map(lambda pair: pair[0].encode(pair[1], errors="replace"))


def check_result(result: Any) -> None:
    assert (result.baseline is None) != (not result.errors), "errors or a baseline, never both"
    assert all(isinstance(problem, ImportProblem) and problem.code for problem in result.errors)


@FUZZ
@given(data=st.data())
def test_option_figures_parser_never_raises(questionnaire: Questionnaire, data: st.DataObject) -> None:
    raw = data.draw(st.binary(max_size=400) | csv_like(questionnaire))
    check_result(parse_option_figures(raw, questionnaire, name="Fuzz", source="tests", max_bytes=300))


@FUZZ
@given(data=st.data())
def test_respondents_parser_never_raises(questionnaire: Questionnaire, rubric: Rubric, data: st.DataObject) -> None:
    raw = data.draw(st.binary(max_size=400) | csv_like(questionnaire))
    check_result(parse_respondents(raw, questionnaire, rubric, name="Fuzz", source="tests", max_bytes=300))
