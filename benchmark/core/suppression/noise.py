"""Deliberate noise for figures over groups an attacker can pad (differential privacy).

Why: suppression rules (k, complements) stop an outsider, not someone who can add
organisations to a group.  A facilitator who joins four fake participants, or anyone who
submits nine anonymous assessments that tick a province, knows every value in the group but
one; any *exact* median, quartile, mean, rank or count of that group then gives the last value
away.  Noise drawn from a differentially private mechanism makes every answer of the victim
consistent with what is published: with privacy parameter ``ε`` the published figure is at
most ``e^ε`` times more likely under one value of the victim than under any other.

Mechanisms (both standard, both implemented here over integers so that no floating-point
rounding of a continuous distribution can leak the true value):

* :func:`private_quantile`: the exponential mechanism for quantiles (McSherry & Talwar 2007;
  Smith 2011, the mechanism of OpenDP's ``make_private_quantile``).  Each integer candidate
  ``c`` in ``[lower, upper]`` gets the utility ``−|(1 − p)·#(x < c) − p·#(x > c)|``, which is 0
  at the true ``p``-quantile and changes by at most 1 when one organisation is added or
  removed; the candidate is drawn with probability proportional to ``exp(ε·u / 2)``.  Every
  candidate has a non-zero probability.
* :func:`noisy_count`: the two-sided geometric ("discrete Laplace") mechanism (Ghosh,
  Roughgarden & Sundararajan 2009): ``count + Z`` with ``P(Z = z) ∝ e^{−ε|z|}``, clamped at 0.

Determinism: the randomness of a figure comes from :func:`figure_random`, seeded by an HMAC of
the deployment's secret, the figure's name and the exact data it is computed from.  Reading
the same figure twice gives the same noise, so repeated reads cannot be averaged; only a
*different* group (another organisation added or removed) draws new noise.  The residual risk
is that one: an attacker who builds many different padded groups around the same victim
composes many noisy figures (the ``ε`` of each adds up); rate limits and releases make that
slow, not impossible.

This module is pure Python: it must never import Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import random
from collections.abc import Iterable, Mapping

#: Score bounds of every figure this module protects (component scores are 0–100).
SCORE_RANGE = (0, 100)


def figure_random(secret: bytes | str, name: str, data: Mapping[object, int] | Iterable[object]) -> random.Random:
    """Return the random generator of one figure, fixed by the secret, its name and its data.

    :param secret: the deployment's secret key; without it nobody can replay the noise.
    :param name: what the figure is (e.g. ``"peer:region:QC:skills:median"``).
    :param data: what it is computed from: a histogram ``{value: count}`` or a collection of
        values; order does not matter.
    """
    key = secret.encode() if isinstance(secret, str) else secret
    if isinstance(data, Mapping):
        canonical = sorted((repr(value), count) for value, count in data.items() if count)
    else:
        canonical = sorted((repr(value), 1) for value in data)
    message = repr((name, canonical)).encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return random.Random(int.from_bytes(digest, "big"))


def private_quantile(
    histogram: Mapping[int, int],
    p: float,
    epsilon: float,
    rng: random.Random,
    bounds: tuple[int, int] = SCORE_RANGE,
) -> int:
    """Draw a differentially private ``p``-quantile of integer values (exponential mechanism).

    :param histogram: ``{value: count}``; values outside ``bounds`` are clamped into them.
    :param p: the quantile, 0 ≤ p ≤ 1 (0.5 for the median).
    :param epsilon: the privacy parameter of this one figure (> 0); smaller is noisier.
    :param rng: the figure's generator (:func:`figure_random`).
    :param bounds: the integer candidates ``lower … upper``.
    :return: an integer in ``bounds``.
    :raises ValueError: on an empty histogram, p outside [0, 1], ε ≤ 0 or empty bounds.
    """
    return bounds[0] + _draw(quantile_distribution(histogram, p, epsilon, bounds), rng)


def quantile_distribution(
    histogram: Mapping[int, int], p: float, epsilon: float, bounds: tuple[int, int] = SCORE_RANGE
) -> list[float]:
    """The probability of each candidate ``lower … upper`` under :func:`private_quantile`.

    Exposed so that tests (and anyone auditing a release) can check the privacy guarantee on the
    very distribution the figures are drawn from.
    """
    if not 0 <= p <= 1:
        raise ValueError("p must lie between 0 and 1")
    if not epsilon > 0:
        raise ValueError("epsilon must be positive")
    lower, upper = bounds
    if lower > upper:
        raise ValueError("empty bounds")
    counts = [0] * (upper - lower + 1)
    for value, count in histogram.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"count for {value!r} must be a non-negative integer")
        counts[min(max(int(value), lower), upper) - lower] += count
    n = sum(counts)
    if not n:
        raise ValueError("quantile of an empty group")
    utilities = []
    below = 0
    for count in counts:
        above = n - below - count
        utilities.append(-abs((1 - p) * below - p * above))
        below += count
    best = max(utilities)
    weights = [math.exp(epsilon * (utility - best) / 2) for utility in utilities]
    total = sum(weights)
    return [weight / total for weight in weights]


def _draw(weights: list[float], rng: random.Random) -> int:
    """Index drawn with probability proportional to its weight."""
    target = rng.random() * sum(weights)
    running = 0.0
    for index, weight in enumerate(weights):
        running += weight
        if target < running:
            return index
    return len(weights) - 1


def noisy_count(count: int, epsilon: float, rng: random.Random) -> int:
    """Return ``count`` plus two-sided geometric noise of parameter ``e^−ε``, never below 0.

    :param count: the true count (organisations).
    :param epsilon: the privacy parameter of this one count (> 0).
    :param rng: the figure's generator (:func:`figure_random`).
    """
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError("count must be a non-negative integer")
    if not epsilon > 0:
        raise ValueError("epsilon must be positive")
    alpha = math.exp(-epsilon)
    return max(0, count + _geometric(alpha, rng) - _geometric(alpha, rng))


def _geometric(alpha: float, rng: random.Random) -> int:
    """A geometric variable on 0, 1, 2, … with ``P(G = g) = (1 − α)·α^g``."""
    failures = 0
    while rng.random() < alpha:
        failures += 1
    return failures


def quartile_band(score: int, q1: float, median: float, q3: float) -> int:
    """Which quarter of a group a score falls in (1 = lowest … 4 = highest), from its quartiles.

    Used instead of an exact percentile rank, which an organisation that padded the group could
    turn into the victim's score; the quartiles given here are the group's private ones.
    """
    if score < q1:
        return 1
    if score < median:
        return 2
    if score < q3:
        return 3
    return 4
