"""Pure statistics for the live pool of assessments: summaries, percentile ranks, suppression.

Live-pool comparisons (design §3.7) are shown only for groups of at least
``k`` organisations (``PEER_MIN_GROUP`` in the app config, 10 by default), and within a shown
distribution small cells are hidden with complementary suppression. One
function, :func:`suppress`, applies that rule everywhere (pages, charts, PDF,
CSV, API) so that the outputs cannot disagree.

The 2017 baseline is never pooled with live data and has no dimension scores;
nothing here applies to it.

This module is pure Python: it must never import Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from benchmark.core.suppression.noise import figure_random, private_quantile, quartile_band


@dataclass(frozen=True)
class PeerSummary:
    """Summary of one group's scores.

    :ivar n: number of organisations (scores) in the group.
    :ivar median: the median score.
    :ivar q1: first quartile (25th percentile).
    :ivar q3: third quartile (75th percentile).
    :ivar mean: arithmetic mean score.

    Quartiles use linear interpolation between order statistics (see :func:`quantile`).
    Values are unrounded floats; round them for display only.
    """

    n: int
    median: float
    q1: float
    q3: float
    mean: float


def _histogram(scores: Iterable[int] | Mapping[int, int]) -> list[tuple[int, int]]:
    """Return the scores as sorted ``(score, count)`` pairs; a mapping is read as a histogram.

    Working on the histogram rather than on one value per organisation keeps the cost of a
    summary proportional to the number of distinct scores (at most 101), not to the group size.
    """
    counts: dict[int, int] = {}
    if isinstance(scores, Mapping):
        for score, count in scores.items():
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise ValueError(f"histogram count for score {score!r} must be a non-negative integer")
            if count:
                counts[_check_score(score)] = counts.get(_check_score(score), 0) + count
    else:
        for score in scores:
            counts[_check_score(score)] = counts.get(_check_score(score), 0) + 1
    return sorted(counts.items())


def _check_score(score: object) -> int:
    if isinstance(score, bool) or not isinstance(score, int):
        raise ValueError(f"score {score!r} must be an integer")
    return score


def quantile(sorted_values: list[int], p: float) -> float:
    """Return the ``p``-quantile (0 ≤ p ≤ 1) of already sorted values.

    Method: linear interpolation between order statistics — Hyndman & Fan
    (1996) type 7, the default of R's ``quantile``, NumPy's ``percentile`` and
    Python's ``statistics.quantiles(..., method="inclusive")``, and Excel's
    ``QUARTILE.INC``. With ``h = (n − 1)·p``, the result is
    ``x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋])`` (0-based). For p = 0.5 it is the
    ordinary median.

    :raises ValueError: if ``sorted_values`` is empty or ``p`` is outside [0, 1].
    """
    return _histogram_quantile(_histogram(sorted_values), p)


def _histogram_quantile(histogram: list[tuple[int, int]], p: float) -> float:
    """The type-7 ``p``-quantile of sorted ``(score, count)`` pairs (see :func:`quantile`)."""
    n = sum(count for _, count in histogram)
    if not n:
        raise ValueError("quantile of an empty list")
    if not 0 <= p <= 1:
        raise ValueError("p must lie between 0 and 1")
    h = (n - 1) * p
    low = math.floor(h)
    high = min(low + 1, n - 1)
    x_low, x_high = _order_statistic(histogram, low), _order_statistic(histogram, high)
    return x_low + (h - low) * (x_high - x_low)


def _order_statistic(histogram: list[tuple[int, int]], index: int) -> int:
    """The value at 0-based ``index`` of the sorted list the histogram stands for."""
    seen = 0
    for score, count in histogram:
        seen += count
        if index < seen:
            return score
    raise IndexError(index)


def summarise(scores: Iterable[int] | Mapping[int, int], k: int) -> PeerSummary | None:
    """Summarise a group's integer scores, or return None when it has fewer than ``k`` organisations.

    :param scores: one score per organisation, or a histogram ``{score: count}``.
        Dimensions without a score (insufficient coverage) must be left out by the caller.
    :param k: the minimum group size (``PEER_MIN_GROUP`` in the app config).
    :return: n, median, quartiles (type 7, see :func:`quantile`) and mean; None below ``k``.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    histogram = _histogram(scores)
    n = sum(count for _, count in histogram)
    if n < k or not n:
        return None
    return PeerSummary(
        n=n,
        median=_histogram_quantile(histogram, 0.5),
        q1=_histogram_quantile(histogram, 0.25),
        q3=_histogram_quantile(histogram, 0.75),
        mean=sum(score * count for score, count in histogram) / n,
    )


def private_summarise(
    scores: Iterable[int] | Mapping[int, int],
    k: int,
    epsilon: float,
    secret: bytes | str,
    name: str,
) -> PeerSummary | None:
    """Summarise a group as :func:`summarise` does, with deliberate noise (None below ``k``).

    The median and quartiles are drawn with :func:`benchmark.core.suppression.noise.private_quantile`
    (ε each), seeded by ``secret``, ``name`` and the group's histogram, so that the same group
    always shows the same figures and someone who padded the group with organisations of their
    own cannot compute the one they did not add.  The quartiles are put in order (post-processing
    costs no privacy).  The mean is not released (a padded group's exact mean gives the last
    score away, and a noisy mean adds nothing to the median): ``mean`` is NaN.

    :param name: what the group is (e.g. ``"peer:region:QC:skills"``); part of the seed.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    histogram = dict(_histogram(scores))
    n = sum(histogram.values())
    if n < k or not n:
        return None
    figures = []
    for label, p in (("q1", 0.25), ("median", 0.5), ("q3", 0.75)):
        rng = figure_random(secret, f"{name}:{label}", histogram)
        figures.append(float(private_quantile(histogram, p, epsilon, rng)))
    q1, median, q3 = sorted(figures)
    return PeerSummary(n=n, median=median, q1=q1, q3=q3, mean=math.nan)


def private_band(score: int, summary: PeerSummary) -> int:
    """The quarter (1 lowest … 4 highest) of a private summary a score falls in.

    Shown instead of an exact percentile rank, which an organisation that padded its group
    could use to locate another organisation's score.
    """
    return quartile_band(score, summary.q1, summary.median, summary.q3)


def percentile_rank(score: int, scores: Iterable[int] | Mapping[int, int]) -> float:
    """Return the percentile rank of ``score`` in a group, 0–100.

    Definition (the usual "mid-rank" percentile rank): the percentage of the
    group scoring below ``score`` plus half the percentage scoring exactly
    ``score``: ``100 × (below + 0.5 × equal) / n``. A score equal to everyone's
    gets 50; the lowest of n distinct scores gets ``50 / n``.

    The caller must only show it for groups of at least ``k`` organisations.

    :raises ValueError: if the group is empty.
    """
    histogram = _histogram(scores)
    n = sum(count for _, count in histogram)
    if not n:
        raise ValueError("percentile rank in an empty group")
    below = sum(count for value, count in histogram if value < score)
    equal = sum(count for value, count in histogram if value == score)
    return 100 * (below + 0.5 * equal) / n


def suppress(cells: Mapping[str, int], k: int, total_shown: bool) -> dict[str, int | None]:
    """Hide small cells of one distribution, with complementary suppression.

    Rules (design §3.7):

    1. *Primary suppression*: every cell with 1 … k−1 organisations is hidden
       (``None``). Zero cells are shown.
    2. *Complementary suppression* (only when the distribution's total is shown,
       since then a single hidden cell equals the total minus the shown cells):
       while exactly one cell is hidden, or every hidden cell would have to be 1
       (hidden sum = number of hidden cells, so each is recoverable as 1), also
       hide the smallest shown non-zero cell (ties: by key). A shown zero cell is
       hidden only if no non-zero cell is left.

    After this, when a total is shown, either no cell or at least two cells are
    hidden, and no hidden cell's value follows from the total and the shown
    cells — except in degenerate inputs the caller must not show at all (a
    distribution with a single cell, or a group below the peer k).

    :param cells: counts per category (organisations, never answers).
    :param k: the minimum shown cell size (cells 1 … k−1 are hidden).
    :param total_shown: whether the distribution's total is published next to it.
    :return: the same keys, each mapped to its count or None when hidden.
    :raises ValueError: on negative or non-integer counts or k < 1.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    for key, count in cells.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"cell {key!r}: count must be a non-negative integer")
    hidden = {key for key, count in cells.items() if 0 < count < k}
    if total_shown:
        while hidden and (len(hidden) == 1 or sum(cells[key] for key in hidden) == len(hidden)):
            shown = [key for key in cells if key not in hidden]
            if not shown:
                break
            nonzero = [key for key in shown if cells[key] > 0]
            pool = nonzero or shown
            hidden.add(min(pool, key=lambda key: (cells[key], key)))
    return {key: (None if key in hidden else count) for key, count in cells.items()}
