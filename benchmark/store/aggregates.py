"""Figures over many organisations, read from the store: peer histograms, option counts, baselines.

Every wing that shows a figure over several organisations reads it here, and passes it
through :mod:`benchmark.core.peers` or :mod:`benchmark.core.suppression` (k, complements)
before it is shown.  Pool-wide figures come from the summary counts
(:mod:`benchmark.store.summary`), so their cost does not grow with the number of assessments.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import sqlalchemy as sa
from flask import current_app

from benchmark.core import peers
from benchmark.core.lru import BoundedCache, kept_in
from benchmark.extensions import db
from benchmark.store import summary
from benchmark.store.content import content
from benchmark.store.models import Answer, ImportedBaseline, pool_is_synthetic
from benchmark.store.scores import dimensions

#: Peer histograms kept per app: (pool, release, rubric version, groups) -> histograms.
PEER_CACHE_SIZE = 1024


def histograms(groups: list[tuple[str, str]]) -> dict[tuple[str, str], dict[str, dict[int, int]]]:
    """Return ``{(grouping, value): {dimension: {score: count}}}`` of today's peers (one query).

    Peers are each organisation's latest submission scored with the current rubric, in this
    deployment's pool; the counts are the summary rows maintained on submit (benchmark.store.summary).
    """
    pool = pool_is_synthetic()
    release = summary.released_at(pool)
    if release is None:  # before the pool's first release: every group is empty
        return {group: {d: {} for d in dimensions()} for group in groups}
    version = content().rubric.version
    key = (pool, release, version, tuple(groups))
    # A release is a frozen copy (never rewritten), so its histograms are kept per release id and cut time.
    kept = _peer_cache(current_app).get_or_make(key, lambda: _histograms(pool, release[0], version, groups))
    return {group: {d: dict(h) for d, h in dimensions.items()} for group, dimensions in kept.items()}


def _peer_cache(app: Any, name: str = "peer_cache") -> BoundedCache[Any]:
    return kept_in(app.extensions, name, PEER_CACHE_SIZE)


def _histograms(
    pool: bool, release_id: int, version: str, groups: list[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, dict[int, int]]]:
    known = dimensions()
    result: dict[tuple[str, str], dict[str, dict[int, int]]] = {group: {d: {} for d in known} for group in groups}
    rows = summary.read_release(release_id, pool, "latest_score", version, groups)
    for grouping, value, dimension, score, count in rows:
        if dimension in known:
            result[(grouping, value)][dimension][int(score)] = count
    return result


def peer_summary(dimension: str, histogram: dict[int, int], k: int) -> peers.PeerSummary | None:
    """The private summary of one peer group's scores in one dimension (None when empty or below ``k``).

    Every peer figure shown to anyone goes through here: anyone can pad a group with anonymous
    submissions, so its median and quartiles carry deliberate noise
    (:func:`benchmark.core.peers.private_summarise`, ``DISCLOSURE_EPSILON``), seeded by the
    secret key, the dimension and the group's histogram.  The same data therefore show the same
    figures on every page and in every download (the results page and a workshop's sector
    medians included), so that reading them again or elsewhere cannot average the noise away.
    The group's name is deliberately *not* part of the seed: a padded province, size band and
    the whole pool often hold the very same organisations, and separate draws for each would
    let the attacker combine three noisy medians of one histogram.
    """
    if not histogram:
        return None
    config = current_app.config
    epsilon, secret = float(config["DISCLOSURE_EPSILON"]), config["SECRET_KEY"]
    # The noise is seeded by the histogram itself, so the same key always gives the same figures: kept.
    key = ("summary", dimension, tuple(sorted(histogram.items())), k, epsilon)
    return _peer_cache(current_app, "peer_summary_cache").get_or_make(  # type: ignore[no-any-return]
        key, lambda: peers.private_summarise(histogram, k, epsilon, secret, f"peer:{dimension}")
    )


def peer_groups_overall() -> dict[str, float | None]:
    """Today's (private) median of all organisations per dimension (None below the peer k).

    The same figure as the results page's "All organizations" median (:func:`peer_summary`).
    """
    k = int(current_app.config["PEER_MIN_GROUP"])
    summaries = {d: peer_summary(d, h, k) for d, h in histograms([("all", "")])[("all", "")].items()}
    return {d: (summary.median if summary else None) for d, summary in summaries.items()}


def published_baselines() -> list[Any]:
    """Imported baselines offered for comparison."""
    query = sa.select(ImportedBaseline).where(ImportedBaseline.published.is_(True))
    return list(db.session.scalars(query.order_by(ImportedBaseline.name, ImportedBaseline.version)))


def pool_option_counts(keys: list[str]) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    """Who answered each key and chose each option, over each organisation's latest submission.

    The same counts as :func:`option_counts` over the whole pool, read from the summary rows
    maintained on submit (one query each), so the cost does not grow with the pool.
    """
    pool = pool_is_synthetic()
    wanted = set(keys)
    answered: Counter[str] = Counter()
    chosen: Counter[tuple[str, str]] = Counter()
    for _grouping, _value, key, _bucket, count in summary.read(pool, "answered", ["all"]):
        if key in wanted:
            answered[key] += count
    for _grouping, _value, key, option, count in summary.read(pool, "chosen", ["all"]):
        if key in wanted:
            chosen[(key, option)] += count
    return answered, chosen


def option_counts(assessment_ids: Any, item_ids: list[str]) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    """Count, over some assessments, who answered each item and who chose each option (one query).

    "I don't know" alone is not an answer: it leaves the base, as in scoring.

    :param assessment_ids: a list of ids or a SELECT of ids.
    :return: ``(answered[item], chosen[(item, option)])``.
    """
    rows = db.session.execute(
        sa.select(Answer.key, Answer.value).where(Answer.assessment_id.in_(assessment_ids), Answer.key.in_(item_ids))
    )
    answered: Counter[str] = Counter()
    chosen: Counter[tuple[str, str]] = Counter()
    for key, value in rows:
        values = value if isinstance(value, list) else [value]
        if values == ["dont_know"]:
            continue
        answered[key] += 1
        for option_id in values:
            chosen[(key, option_id)] += 1
    return answered, chosen
