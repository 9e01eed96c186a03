"""What a results page keeps between requests, per app (bounded): the part of a profile that depends only
on a submitted assessment.

A submitted assessment's answers never change (:func:`benchmark.store.assessments.save_answers`
refuses them: ``AlreadySubmitted``), so its scores, its 2017 comparison, its recommendations and
the change since its previous submission are computed once per assessment, language and previous
submission (the key names the previous one: deleting it changes the key).  Peer figures are not
kept here: they come from the current release of the disclosure-control layer, cached per release
in :mod:`benchmark.store.aggregates`.  Every entry is keyed by the assessment's id, so one
organisation's entry can never be served for another's page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app

from benchmark.core.lru import BoundedCache, kept_in
from benchmark.web import formatting, page_cache

#: Entries kept per app (each a few tens of KB): the most recently shown profiles.
SIZE = 512

T = TypeVar("T")


def _cache(app: Flask) -> BoundedCache[Any]:
    return kept_in(app.extensions, "results_cache", SIZE)


def own_part(key: tuple[Any, ...], make: Callable[[], T]) -> T:
    """The value kept under ``key`` (``("own", assessment id, language, previous id)``), made when missing."""
    return _cache(current_app).get_or_make(key, make)  # type: ignore[no-any-return]


def clear(app: Flask | None = None) -> None:
    """Forget every kept profile part, peer figure, content fragment and cohort picture of ``app`` (or current app)."""
    target = app or current_app
    _cache(target).clear()
    page_cache.clear(target)
    formatting.clear(target)
    for name in ("peer_cache", "peer_summary_cache", "workshop_picture_cache", "results_fragments"):
        if (peers := target.extensions.get(name)) is not None:
            peers.clear()


def forget_pages(app: Flask | None = None) -> None:
    """Forget the kept profile parts and rendered pages, keeping the peer figures of the current release.

    What a server holds when an assessment's page is shown for the first time: peer figures are
    kept per release, shared by every organisation's page, and warm in any running server (so are
    their formatted numbers); the assessment's own dates are formatted again.
    """
    target = app or current_app
    _cache(target).clear()
    page_cache.clear(target)
    formatting.clear(target, kinds=("date",))
