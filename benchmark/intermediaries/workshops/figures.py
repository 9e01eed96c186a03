"""A workshop cohort's figures per component: private medians and quartiles, levels, before/after.

Every figure here is released through the disclosure-control layer (README, "Disclosure
control"): nothing below k, and deliberate noise seeded by the deployment's secret, the
figure's name and the data it is computed from (:mod:`benchmark.core.suppression.noise`), so
re-reading the same cohort shows the same figures and any change of the cohort draws new noise.

* Median and quartiles per component: :func:`benchmark.core.peers.private_summarise` (the live
  view, the projector, the exports and each participant's "you and the room" read the same draw).
* Levels per component: one noisy count per level (two-sided geometric noise).  One participant
  more or less moves one level's count by one, so each count's ε is the whole histogram's; that is
  ``LEVELS_EPSILON_SHARE`` × ε: at the full ε (2), reading the levels before and after one
  participant completes names its level right 62 % of the time (chance: 25 %), at half of it about
  42 % (``tests/web/test_attack_workshop_levels.py``), and the levels add little the quartiles do not say.
* Before/after (organisations that completed both workshops of a series): the private median of
  the change over −100 … 100 and the private medians of the paired scores before and after.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask import current_app

from benchmark.core import peers
from benchmark.core.suppression.noise import figure_random, noisy_count, private_quantile
from benchmark.store.content import content
from benchmark.store.scores import dimensions

#: A participant's scores by component (None where it was not scored).
Scores = dict[str, int | None]

#: The share of ε each component's levels histogram gets (see the module's docstring).
LEVELS_EPSILON_SHARE = 0.5

#: The range of a component's change between two workshops (scores are 0–100).
CHANGE_RANGE = (-100, 100)


def privacy() -> tuple[float, str]:
    """The privacy parameter of each cohort figure and the secret its noise is keyed with."""
    return float(current_app.config["DISCLOSURE_EPSILON"]), str(current_app.config["SECRET_KEY"])


def components(workshop_id: int, completed: list[Scores], k: int) -> dict[str, peers.PeerSummary | None]:
    """The cohort's private median and quartiles per component (None below k scores)."""
    epsilon, secret = privacy()
    return {
        d: peers.private_summarise(
            [s for scores in completed if (s := scores[d]) is not None],
            k,
            epsilon,
            secret,
            f"workshop:{workshop_id}:{d}",
        )
        for d in dimensions()
    }


def levels(workshop_id: int, completed: list[Scores], k: int) -> dict[str, list[dict[str, Any]] | None]:
    """How many participants reached each level of the rubric, per component (noisy; None below k).

    :return: ``{D: [{"level": Level, "count": noisy count}, …] | None}``, levels in rubric order.
    """
    epsilon, secret = privacy()
    rubric = content().rubric
    result: dict[str, list[dict[str, Any]] | None] = {}
    for d in dimensions():
        values = [s for scores in completed if (s := scores[d]) is not None]
        if len(values) < k:
            result[d] = None
            continue
        histogram: dict[int, int] = dict(Counter(rubric.level_for(value).number for value in values))
        rng = figure_random(secret, f"workshop:{workshop_id}:{d}:levels", histogram)
        result[d] = [
            {"level": level, "count": noisy_count(histogram.get(level.number, 0), epsilon * LEVELS_EPSILON_SHARE, rng)}
            for level in rubric.levels
        ]
    return result


def paired_change(
    before_id: int, after_id: int, before: dict[int, Scores], after: dict[int, Scores], k: int
) -> dict[str, Any]:
    """Per component, for organisations that completed both workshops (shown from k pairs): medians and change.

    :param before: the latest submitted scores per organisation in the earlier workshop.
    :param after: the same in the later workshop.
    :return: ``{"pairs": n, "shown": bool, "components": {D: {"n", "before", "after", "median"} | None}}``;
        ``median`` is the private median of the changes, ``before``/``after`` the private medians of the
        paired organisations' scores.  No mean is released.
    """
    epsilon, secret = privacy()
    organisations = sorted(set(before) & set(after))
    result: dict[str, Any] = {"pairs": len(organisations), "shown": len(organisations) >= k, "components": {}}
    for d in dimensions():
        pairs = [
            (old, new) for o in organisations if (old := before[o][d]) is not None and (new := after[o][d]) is not None
        ]
        if len(pairs) < k:
            result["components"][d] = None
            continue
        name = f"workshop:{after_id}:after:{before_id}:{d}"
        figures: dict[str, Any] = {"n": len(pairs)}
        for label, values, bounds in (
            ("median", [new - old for old, new in pairs], CHANGE_RANGE),
            ("before", [old for old, _new in pairs], (0, 100)),
            ("after", [new for _old, new in pairs], (0, 100)),
        ):
            histogram = dict(Counter(values))
            rng = figure_random(secret, f"{name}:{label}", histogram)
            figures[label] = private_quantile(histogram, 0.5, epsilon, rng, bounds=bounds)
        result["components"][d] = figures
    return result


def place(score: int | None, summary: peers.PeerSummary | None) -> str | None:
    """Where a participant's score falls against the cohort's private middle half: "below", "within", "above"."""
    if score is None or summary is None:
        return None
    if score < summary.q1:
        return "below"
    return "above" if score > summary.q3 else "within"
