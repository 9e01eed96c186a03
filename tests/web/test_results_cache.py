"""The results page's caches: per assessment and language, peers per release; never stale, never another's page."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from benchmark.core.lru import BoundedCache
from benchmark.extensions import db
from benchmark.organisations.results import cache as results_cache
from benchmark.store import assessments as services
from benchmark.store.assessments import find_by_token
from benchmark.store.deletion import delete_assessment
from benchmark.store.models import Assessment
from benchmark.store.scores import profile_of, stored_scores
from tests.factories import first_answers, seed_submission


def page(client: FlaskClient, token: str, lang: str = "en") -> str:
    response = client.get(f"/{lang}/results/{token}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def fresh(app: Flask, client: FlaskClient, token: str, lang: str = "en") -> str:
    """The page rendered with every cache emptied first: what an uncached server shows."""
    with app.app_context():
        results_cache.clear(app)
    return page(client, token, lang)


def varied(app: Flask, scale: int) -> dict[str, object]:
    """Complete answers with every 0–10 scale at ``scale`` (so two organisations score differently)."""
    return {key: (scale if isinstance(value, int) else value) for key, value in first_answers(app).items()}


def test_a_cached_page_is_the_page_an_uncached_server_renders(app: Flask, client: FlaskClient) -> None:
    token = seed_submission(app, varied(app, 7))
    first = fresh(app, client, token)
    assert page(client, token) == first
    assert len(app.extensions["results_cache"]) == 1


def test_one_organisation_never_gets_another_ones_page(app: Flask, client: FlaskClient) -> None:
    mine = seed_submission(app, varied(app, 2))
    theirs = seed_submission(app, varied(app, 9))
    theirs_first = page(client, theirs)
    mine_cached = page(client, mine)
    assert mine_cached != theirs_first
    assert mine_cached == fresh(app, client, mine)
    assert page(client, theirs) == fresh(app, client, theirs)


def test_languages_are_kept_apart(app: Flask, client: FlaskClient) -> None:
    token = seed_submission(app, varied(app, 5))
    english, french = page(client, token, "en"), page(client, token, "fr")
    assert '<html lang="fr' in french and '<html lang="en' in english
    assert page(client, token, "en") == english
    assert page(client, token, "fr") == french
    assert french == fresh(app, client, token, "fr")


def test_a_new_release_is_shown_at_once(app: Flask, client: FlaskClient) -> None:
    token = seed_submission(app, varied(app, 6))
    for scale in range(6):
        seed_submission(app, varied(app, scale))
    before = page(client, token)
    for scale in range(4, 10):  # each submission cuts a release (RELEASE_MIN_CHANGES=1 in the tests)
        seed_submission(app, varied(app, scale))
    after = page(client, token)
    assert after != before  # the peer figures moved with the new release
    assert after == fresh(app, client, token)
    with app.app_context():
        assert len(app.extensions["peer_cache"]) == 1  # emptied by fresh(), then one release read


def test_deleting_the_previous_submission_removes_the_change_section(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        content = app.extensions["content"]
        first, _ = services.start_assessment(content.questionnaire, "en", None)
        services.save_answers(first, varied(app, 3), "organisation")
        services.submit(first, stored_scores(profile_of(varied(app, 3))))
        second, token = services.start_assessment(content.questionnaire, "en", None, previous=first)
        services.save_answers(second, varied(app, 8), "organisation")
        services.submit(second, stored_scores(profile_of(varied(app, 8))))
        first_id = first.id
    assert 'id="change-title"' in page(client, token)
    with app.app_context():
        delete_assessment(db.session.get(Assessment, first_id))
    shown = page(client, token)
    assert 'id="change-title"' not in shown
    assert shown == fresh(app, client, token)


def test_submitted_answers_never_change(app: Flask) -> None:
    """What the cache relies on: the store refuses any change to a submitted assessment's answers."""
    token = seed_submission(app, varied(app, 4))
    with app.app_context():
        assessment = find_by_token(token)
        assert assessment is not None
        before = assessment.answer_map()
        with pytest.raises(services.AlreadySubmitted):
            services.save_answers(
                assessment, {key: 0 for key in before if isinstance(before[key], int)}, "organisation"
            )
    with app.app_context():
        again = find_by_token(token)
        assert again is not None and again.answer_map() == before


def test_the_cache_is_bounded() -> None:
    cache: BoundedCache[int] = BoundedCache(3)
    for key in range(10):
        assert cache.get_or_make(key, lambda key=key: key * 2) == key * 2
    assert len(cache) == 3
    assert cache.get_or_make(9, lambda: -1) == 18  # kept
    assert cache.get_or_make(0, lambda: -1) == -1  # evicted, made again
