"""A questionnaire page joined from its screen's skeleton is byte for byte the page rendered in full (issue 18).

Both are made in one request context (one CSRF token, one signed base) for every screen of the
questionnaire, in English and French, for drafts whose stored answers hold quotes, ampersands and
angle brackets, and for two drafts in turn through one kept skeleton (nothing of one shows on the
other's page).
"""

from __future__ import annotations

import dataclasses
import gzip
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask

from benchmark.organisations.assessment import shown_page
from benchmark.organisations.assessment.views import PageView
from benchmark.store import assessments as services
from benchmark.store.content import questionnaire
from tests.factories import first_answers, page_ids
from tests.web.test_page_rendering import TOKEN_IN_URL, csrf_of, hidden_inputs

ODD = "a\"b&c<d>'e &amp;"


def screens(app: Flask) -> list[tuple[str, str]]:
    """(page, query) of every screen: each page, each task of a grid page, and a page reached from the review."""
    with app.app_context():
        q = questionnaire()
        shown = [(page.id, "") for page in q.pages]
        for page in q.pages:
            if page.layout == "grid":
                shown += [(page.id, f"?layout=tasks&task={task}") for task in page.item_ids]
                shown.append((page.id, "?layout=tasks&task=" + ODD.replace("&", "%26")))
    return [*shown, (q.pages[0].id, "?return_to=review")]


def start(app: Flask, lang: str) -> str:
    """A new draft through the start page (CSRF on)."""
    client = app.test_client()
    response = client.post(
        f"/{lang}/assessment/", data={"csrf_token": csrf_of(client.get(f"/{lang}/assessment/").text)}
    )
    match = TOKEN_IN_URL.search(response.headers["Location"] + "/")
    assert match
    return match.group(1)


def draft(app: Flask, lang: str, odd: bool) -> str:
    """A draft with a typical answer on every page; ``odd`` adds stored values no option has, with markup characters."""
    token = start(app, lang)
    answers: dict[str, Any] = dict(first_answers(app))
    with app.app_context():
        q = questionnaire()
        if odd:
            # Not on organisation facts: their values are also copied into typed columns
            # (``assessment_region.region`` is two characters), which PostgreSQL enforces.
            for item in (item for item in q.items.values() if item.fact is None):
                key = item.answer_keys()[0]
                answers[key] = [ODD, *answers.get(key, [])] if item.kind.multiple else ODD
        assessment = services.find_by_token(token)
        assert assessment is not None
        services.save_answers(assessment, answers, q.pages[0].id)
    return token


@contextmanager
def page_view(
    app: Flask, token: str, lang: str, page_id: str, query: str = "", encoding: str = "gzip"
) -> Iterator[PageView]:
    """The questionnaire page's view of ``token``'s draft, inside the request for it."""
    url = f"/{lang}/assessment/{token}/{page_id}{query}"
    with app.test_request_context(url, headers={"Accept-Encoding": encoding}):
        app.preprocess_request()
        found = services.find_draft(token)
        page = questionnaire().page(page_id)
        assert found is not None and page is not None
        yield PageView(found, page, token)


def both(
    app: Flask, token: str, lang: str, page_id: str, query: str = "", encoding: str = "gzip"
) -> tuple[str | None, str]:
    """(the page joined from the skeleton, or None when it is not kept; the page rendered in full), in one request."""
    with page_view(app, token, lang, page_id, query, encoding) as view:
        joined = shown_page.show(view)
        full = view.render(view.form_from_answers())
    if joined is None:
        return None, full
    body = joined.get_data()
    if encoding == "identity":
        assert "Content-Encoding" not in joined.headers
        return body.decode("utf-8"), full
    assert joined.headers["Content-Encoding"] == "gzip"
    return gzip.decompress(body).decode("utf-8"), full


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("odd", [False, True], ids=["typical", "odd-values"])
def test_every_screen_joined_is_the_full_render(csrf_app: Flask, lang: str, odd: bool) -> None:
    token = draft(csrf_app, lang, odd)
    for page_id, query in screens(csrf_app):
        joined, full = both(csrf_app, token, lang, page_id, query)
        assert joined == full, (page_id, query)
        assert " checked" in full or odd, (page_id, query)  # the typical draft answers something on every screen


def test_a_client_without_gzip_gets_the_same_page_plain(csrf_app: Flask) -> None:
    token = draft(csrf_app, "fr", odd=False)
    for page_id in page_ids(csrf_app):
        joined, full = both(csrf_app, token, "fr", page_id, encoding="identity")
        assert joined == full


def test_two_drafts_share_a_skeleton_and_nothing_else(csrf_app: Flask) -> None:
    first, second = draft(csrf_app, "en", odd=False), draft(csrf_app, "en", odd=True)
    with csrf_app.app_context():
        q = questionnaire()
    for page in q.pages:
        joined_first, full_first = both(csrf_app, first, "en", page.id)
        kept = len(shown_page._cache(csrf_app))
        joined_second, full_second = both(csrf_app, second, "en", page.id)
        assert len(shown_page._cache(csrf_app)) == kept  # the second draft's view used the first's skeleton
        assert (joined_first, joined_second) == (full_first, full_second)
        assert first not in joined_second and second not in joined_first


def test_a_draft_without_answers_checks_nothing(csrf_app: Flask) -> None:
    token = start(csrf_app, "fr")
    both(csrf_app, draft(csrf_app, "fr", odd=False), "fr", page_ids(csrf_app)[0])  # a skeleton made by another draft
    for page_id in page_ids(csrf_app):
        joined, full = both(csrf_app, token, "fr", page_id)
        assert joined == full and joined is not None
        assert " checked" not in joined


def test_only_the_plain_view_is_kept(csrf_app: Flask) -> None:
    token = draft(csrf_app, "en", odd=False)
    page_id = page_ids(csrf_app)[0]
    joined, full = both(csrf_app, token, "en", page_id, "?utm_source=mail")
    assert joined is None and "utm_source=mail" in full
    joined, full = both(csrf_app, token, "en", page_id, f"?return_to={token}")
    assert joined is None
    assert len(shown_page._cache(csrf_app)) == 0
    csrf_app.config["QUESTIONNAIRE_SKELETONS"] = False
    assert both(csrf_app, token, "en", page_id)[0] is None


def test_the_kept_skeletons_are_bounded_and_keyed_on_the_questionnaire_version(
    csrf_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shown_page, "SIZE", 3)
    token = draft(csrf_app, "en", odd=False)
    for page_id in page_ids(csrf_app):
        both(csrf_app, token, "en", page_id)
    assert len(shown_page._cache(csrf_app)) == 3
    page_id = page_ids(csrf_app)[0]
    with page_view(csrf_app, token, "en", page_id) as view:
        key = shown_page._key(view)
        view.q = dataclasses.replace(view.q, version=view.q.version + "-next")
        assert shown_page._key(view) != key
        assert key[0] == questionnaire().version


def test_a_post_then_a_get_of_the_saved_answer(csrf_app: Flask) -> None:
    """Through the web: the answer a draft saves is the one its next page view checks (the skeleton is shared)."""
    client = csrf_app.test_client()
    token = draft(csrf_app, "en", odd=False)
    url = f"/en/assessment/{token}/importance"
    for answer in ("3", "7"):
        shown = client.get(url).text
        response = client.post(url, data={**hidden_inputs(shown), "q1": answer, "action": "save"})
        assert response.status_code == 302
        page = client.get(url).text
        assert f'name="q1" value="{answer}" checked' in page
        assert page.count(" checked") == 1


@pytest.mark.parametrize("encoding", ["gzip, deflate, br", "identity"])
def test_the_joined_page_has_the_headers_of_the_full_render(csrf_app: Flask, encoding: str) -> None:
    token = draft(csrf_app, "en", odd=False)
    client = csrf_app.test_client()
    url = f"/en/assessment/{token}/{page_ids(csrf_app)[0]}"
    headers = {"Accept-Encoding": encoding}
    joined = client.get(url, headers=headers)
    csrf_app.config["QUESTIONNAIRE_SKELETONS"] = False
    full = client.get(url, headers=headers)
    assert len(shown_page._cache(csrf_app)) == 1 and joined.status_code == full.status_code == 200
    # Flask-Compress dates what it compresses; gunicorn dates every response (as for page_cache's kept pages).
    ignored = {"Content-Length", "Set-Cookie", "Date"}
    assert sorted((k, v) for k, v in joined.headers.items() if k not in ignored) == sorted(
        (k, v) for k, v in full.headers.items() if k not in ignored
    )
