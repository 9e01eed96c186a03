"""The results page's fast parts (issue 18, first render) change nothing a visitor gets.

Each page is rendered through the fast parts (kept fragments and formatted texts, Core reads)
and again with ``RESULTS_FAST_PARTS`` off and every cache emptied; the two must be the same
bytes, in English and French, for an assessment with a history, a team owner's, a workshop
participant's who consented with a name, and one compared with an imported baseline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import flask_babel
import pytest
import sqlalchemy as sa
from flask import Flask, url_for
from flask.testing import FlaskClient
from markupsafe import Markup

from benchmark.core.questionnaire import describe_answer
from benchmark.extensions import db
from benchmark.organisations.results import cache as results_cache
from benchmark.organisations.results import fragments
from benchmark.store import aggregates, results_reads
from benchmark.store import assessments as services
from benchmark.store import participations as store_participations
from benchmark.store.facts import values_of
from benchmark.store.models import Assessment, ImportedBaseline
from benchmark.store.scores import scores_of
from benchmark.web import formatting, render_i18n, url_memo
from tests.factories import (
    TOKEN_IN_URL,
    create_workshop,
    first_answers,
    seed_participant,
    seed_submission,
    signed_in,
    submit_draft,
)

LANGS = ("en", "fr")


@dataclass
class World:
    """Tokens of the assessments whose pages are compared."""

    history: str  # the third submission of an organisation (history table, chart, moved answers)
    first_of_history: str  # the first one (an older link: "a newer assessment exists")
    team_owner: str
    consented: str  # a workshop participant who lets the facilitator see its results, with a name
    plain: str


def varied(app: Flask, scale: int) -> dict[str, Any]:
    """Complete answers with every 0–10 scale at ``scale``."""
    return {key: (scale if isinstance(value, int) else value) for key, value in first_answers(app).items()}


def retake(app: Flask, client: FlaskClient, token: str, answers: dict[str, Any]) -> str:
    """Take the questionnaire again from ``token``'s results page, answer ``answers`` and submit; the new token."""
    response = client.post(f"/en/results/{token}/again")
    assert response.status_code == 302
    match = TOKEN_IN_URL.search(response.headers["Location"])
    assert match
    submit_draft(app, match.group(1), answers)
    return match.group(1)


def build_world(app: Flask, client: FlaskClient) -> World:
    """Enough organisations for peer figures, then the assessments under test."""
    for scale in range(12):
        seed_submission(app, varied(app, scale % 11))
    first = seed_submission(app, varied(app, 3))
    second = retake(app, client, first, varied(app, 6))
    third = retake(app, client, second, varied(app, 8))
    owner = seed_submission(app, varied(app, 5))
    assert client.post(f"/en/team/{owner}/link").status_code == 200
    facilitator = signed_in(app, "facilitator@example.org", "facilitator")
    workshop_id, _code = create_workshop(facilitator)
    consented = seed_participant(app, workshop_id, varied(app, 7), share=True, name="Maple Centre")
    with app.app_context():
        figures = {"q7": {"n": 120, "options": {"yes": {"pct": 33.3}, "no": {"pct": 66.7}}}}
        distributions = {"SK": {"20": 3, "50": 5, "80": 2}}
        db.session.add(
            ImportedBaseline(
                name="survey",
                version=1,
                kind="per_option_shares",
                source="Test 2024",
                figures=figures,
                distributions=distributions,
            )
        )
        db.session.commit()
    return World(third, first, owner, consented, seed_submission(app, varied(app, 9)))


def rendered(app: Flask, client: FlaskClient, path: str, fast: bool) -> str:
    """The page at ``path`` with every cache emptied first, through the fast parts or without them."""
    app.config["RESULTS_FAST_PARTS"] = fast
    try:
        with app.app_context():
            results_cache.clear(app)
        response = client.get(path)
        assert response.status_code == 200
        return response.get_data(as_text=True)
    finally:
        app.config["RESULTS_FAST_PARTS"] = True


def paths(world: World) -> list[str]:
    tokens = [world.history, world.first_of_history, world.team_owner, world.consented, world.plain]
    pages = [f"/{lang}/results/{token}" for lang in LANGS for token in tokens]
    return [*pages, *(f"/{lang}/results/{world.plain}?baseline=survey@1&peers=all" for lang in LANGS)]


def test_the_fast_parts_render_the_same_bytes(app: Flask, client: FlaskClient) -> None:
    world = build_world(app, client)
    for path in paths(world):
        slow = rendered(app, client, path, fast=False)
        fast = rendered(app, client, path, fast=True)
        assert fast == slow, path
        assert client.get(path).get_data(as_text=True) == fast  # and the kept page, served again
    history = rendered(app, client, f"/fr/results/{world.history}", fast=True)
    assert "history-table" in history and "Maple Centre" not in history
    assert "Maple Centre" in rendered(app, client, f"/en/results/{world.consented}", fast=True)
    assert "Test 2024" in rendered(app, client, paths(world)[-1], fast=True)


def test_the_core_reads_match_the_orm(app: Flask, client: FlaskClient) -> None:
    world = build_world(app, client)
    with app.app_context():
        third = services.find_by_token(world.history)
        assert third is not None
        submissions = list(
            db.session.scalars(
                sa.select(Assessment)
                .where(Assessment.organisation_id == third.organisation_id, Assessment.status == "submitted")
                .order_by(Assessment.submitted_at, Assessment.id)
            )
        )
        every = results_reads.assessments_of(third.organisation_id)
        assert [a.id for a in results_reads.submissions_in_order(every)] == [s.id for s in submissions]
        assert results_reads.answers_of([s.id for s in submissions]) == {s.id: s.answer_map() for s in submissions}
        previous = results_reads.previous_of(every, third.id, third.submitted_at)
        assert previous is not None and previous.id == submissions[-2].id
        assert results_reads.previous_of(every, submissions[0].id, submissions[0].submitted_at) is None
        ids = [s.id for s in submissions]
        assert results_reads.scores_of(ids) == scores_of(ids)
        for item in app.extensions["content"].questionnaire.facts:
            assert results_reads.fact_values(item, third) == values_of(item, third), item.id
        consented = services.find_by_token(world.consented)
        assert consented is not None
        orm = store_participations.participations_of(consented)
        core = results_reads.participations_of(consented.id)
        assert [(p.id, p.workshop_id, p.share_individual, p.display_name, p.workshop.title) for p in orm] == [
            (p.id, p.workshop_id, p.share_individual, p.display_name, p.workshop.title) for p in core
        ]
        assert core and core[0].display_name == "Maple Centre"
        expected = [(b.name, b.version) for b in aggregates.published_baselines()]
        assert [(b.name, b.version) for b in results_reads.published_baselines()] == expected == [("survey", 1)]
        other = services.find_by_token(world.plain)
        assert other is not None
        assert {a.id for a in results_reads.assessments_of(other.organisation_id)} == {other.id}


def test_fragments_kept_from_one_page_serve_another_unchanged(app: Flask, client: FlaskClient) -> None:
    world = build_world(app, client)
    slow = {path: rendered(app, client, path, fast=False) for path in paths(world)}
    with app.app_context():
        results_cache.clear(app)
    for path in paths(world):  # caches filled by the pages before: only the kept page of each address is new
        response = client.get(path)
        assert response.get_data(as_text=True) == slow[path], path


def test_no_kept_part_holds_or_shows_another_organisations_data(app: Flask, client: FlaskClient) -> None:
    """Two organisations: what one's page leaves in the caches never shows on the other's, nor is keyed by it."""
    mine = seed_submission(app, varied(app, 1))
    theirs = seed_submission(app, varied(app, 10))
    with app.app_context():
        for token, label in ((mine, "Alpha private label"), (theirs, "Omega private label")):
            assessment = services.find_by_token(token)
            assert assessment is not None
            assessment.label = label
        db.session.commit()
        results_cache.clear(app)
    theirs_page = client.get(f"/en/results/{theirs}").get_data(as_text=True)
    assert "Omega private label" in theirs_page
    mine_page = client.get(f"/en/results/{mine}").get_data(as_text=True)
    assert "Omega private label" not in mine_page and "Alpha private label" in mine_page
    kept = dict(app.extensions["results_fragments"]._entries)  # the content parts: keyed by kind, content, language
    assert kept
    for key, value in kept.items():
        kind, content_id, *languages = key
        assert content_id == id(app.extensions["content"]) and set(languages) <= {"en", ""}, key
        assert isinstance(kind, str) and mine not in kind and theirs not in kind
        assert "private label" not in repr(value) and theirs not in repr(value) and mine not in repr(value)
    assert mine_page == rendered(app, client, f"/en/results/{mine}", fast=False)


def test_the_describer_says_what_describe_answer_says(app: Flask) -> None:
    """Every item, every option alone and together, unknown ids, a scale value, nothing: the same words."""
    with app.test_request_context("/fr/"):
        questionnaire = app.extensions["content"].questionnaire
        for lang in LANGS:
            describe = fragments.describer(lang)
            for item in questionnaire.iter_items():
                ids = [option.id for option in item.options]
                values: list[object] = [None, [], "no-such-option", ["no-such-option"], 7, 0, ids, ids[:1], *ids]
                for value in values:
                    assert describe(item, value) == describe_answer(item, value, lang), (item.id, value)


def url_builders(app: Flask, path: str) -> Iterator[Callable[..., str]]:
    """``url_memo.url_builder()`` inside a request for ``path`` in each language, with and without a script root."""
    for lang in LANGS:
        for root in ("", "/benchmark"):
            with app.test_request_context(f"/{lang}{path}", base_url=f"http://localhost{root}"):
                app.preprocess_request()
                yield url_memo.url_builder()


def test_kept_address_shapes_are_flasks_addresses(app: Flask) -> None:
    """Every endpoint built with no argument or with a private token, in both languages, with a script root."""
    token = "aB3_-" * 8 + "xyz"
    rules = list(app.url_map.iter_rules())
    plain = [r.endpoint for r in rules if r.arguments <= {"lang_code"} and "GET" in (r.methods or ())]
    tokened = [r.endpoint for r in rules if r.arguments == {"lang_code", "token"}]
    assert "results.report_pdf" in tokened and "pages.methodology" in plain
    for fast in url_builders(app, f"/results/{token}"):
        for _ in range(2):  # made, then kept
            for endpoint in plain:
                assert fast(endpoint) == url_for(endpoint), endpoint
            for endpoint in tokened:
                assert fast(endpoint, token=token) == url_for(endpoint, token=token), endpoint
                assert token in fast(endpoint, token=token)
        assert fast(".report_pdf", token=token) == url_for("results.report_pdf", token=token)
        assert fast("results.profile", token="short") == url_for("results.profile", token="short")
    kept = app.extensions["url_memo"]
    assert not any(token in repr(key) + repr(value) for table in kept.values() for key, value in table.items())


def test_kept_shapes_with_more_arguments_are_flasks_addresses(app: Flask) -> None:
    """A token with page ids, tasks and flags (a save's redirect); odd values go to Flask and are never kept."""
    token = "aB3_-" * 8 + "xyz"
    calls: list[tuple[str, dict[str, Any]]] = [
        ("assessment.private_link", {"saved": 1}),
        ("assessment.private_link", {}),
        ("assessment.review", {}),
        ("assessment.page", {"page_id": "importance"}),
        ("assessment.page", {"page_id": "capacity-communication", "layout": "tasks", "task": "q4"}),
        ("assessment.page", {"page_id": "importance", "layout": "tasks"}),
        ("assessment.page", {"page_id": "a b/c?d=é"}),  # quoted by Werkzeug: not a word, never kept
        ("assessment.private_link", {"saved": "1&x=2"}),
        ("assessment.private_link", {"saved": 1, "_anchor": "top"}),
    ]
    for fast in url_builders(app, f"/assessment/{token}/importance"):
        for _ in range(2):  # made, then kept
            for endpoint, values in calls:
                assert fast(endpoint, token=token, **values) == url_for(endpoint, token=token, **values)
            other = token[::-1]
            assert fast("assessment.private_link", token=other, saved=1).count(other) == 1
    kept = app.extensions["url_memo"]
    assert not any(token in repr(key) + repr(value) for table in kept.values() for key, value in table.items())
    assert not any("1&x=2" in repr(key) or "a b/c" in repr(key) for table in kept.values() for key in table)


def test_each_kept_part_is_keyed_on_every_input_and_bounded(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[tuple[str, ...]] = []

    def maker(*what: str) -> Any:
        def make() -> tuple[str, ...]:
            made.append(what)
            return what

        return make

    with app.test_request_context("/en/"):
        assert fragments.kept("part", "en", maker("en")) == ("en",)
        assert fragments.kept("part", "en", maker("again")) == ("en",)  # kept
        assert fragments.kept("part", "fr", maker("fr")) == ("fr",)  # another language
        assert fragments.kept("other", "en", maker("other")) == ("other",)  # another part
        assert fragments.kept("part", "en", maker("locale"), "en_CA") == ("locale",)  # anything else it depends on
        monkeypatch.setattr(fragments, "content", lambda: object())  # another content (a new release of the files)
        assert fragments.kept("part", "en", maker("content")) == ("content",)
        monkeypatch.undo()
        app.config["RESULTS_FAST_PARTS"] = False
        assert fragments.kept("part", "en", maker("off")) == ("off",)  # nothing kept with the fast parts off
        app.config["RESULTS_FAST_PARTS"] = True
        for n in range(fragments.SIZE + 10):
            fragments.kept("part", f"lang{n}", maker(str(n)))
        assert len(app.extensions["results_fragments"]) <= fragments.SIZE
    assert made[:6] == [("en",), ("fr",), ("other",), ("locale",), ("content",), ("off",)]


def test_kept_numbers_and_dates_are_keyed_on_value_format_and_language(app: Flask) -> None:
    moment = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    for lang, expected in (("en", "40.7"), ("fr", "40,7")):
        with app.test_request_context(f"/{lang}/"):
            app.preprocess_request()
            kept = formatting.formatters()
            for value, pattern in ((40.7, "0.0"), (40.7, "0"), (1, "0.0"), (1.0, "0.0"), (Decimal("1.50"), None)):
                assert kept["format_decimal"](value, pattern) == flask_babel.format_decimal(value, pattern)
            assert kept["format_decimal"](40.7, "0.0") == expected
            for pattern in ("long", "medium", "short"):
                assert kept["format_date"](moment, pattern) == flask_babel.format_date(moment, pattern)
            assert kept["format_date"](moment.date(), "long") == flask_babel.format_date(moment.date(), "long")
            assert formatting.format_decimal(40.7, "0.0") == expected
    with app.test_request_context("/en/"):
        table = app.extensions["formatted"]["number"]
        for n in range(formatting.SIZE + 5):
            formatting.format_decimal(n, "0")
        assert len(table) <= formatting.SIZE
        formatting.clear(app, kinds=("date",))
        assert table and not app.extensions["formatted"]["date"]


def test_the_fast_formatting_of_translated_strings_matches_markupsafe() -> None:
    cases: list[tuple[str, dict[str, Any]]] = [
        ("%(a)s → %(b)s of %(max)s", {"a": "<x>", "b": 3, "max": None}),
        ("%(num)d organizations", {"num": 5}),
        ("%(num)d organizations in %(num)s", {"num": 5}),
        ("100%% %(a)s", {"a": "&"}),
        ("%s", {"a": 1}),
        ("%(a)5d", {"a": 3}),
        ("%(a)s", {"a": Markup("<b>ok</b>")}),
        ("%(a)d", {"a": 2.7}),
        ("%(a)s %(b)s", {"a": 1.5, "b": [1, "<"]}),
    ]
    for text, variables in cases:
        assert render_i18n.format_markup(text, dict(variables)) == Markup(text) % variables, text  # noqa: S704
    with pytest.raises(KeyError):
        render_i18n.format_markup("%(missing)s", {})
