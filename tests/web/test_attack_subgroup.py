"""Attack (issue 14, "both"): subtract the size-and-province group from the province group.

The combined group (same size band AND same province) is a subgroup of the province's group, so
the two differ by the organisations of the province with another size.  The attacker makes that
one organisation: ten anonymous submissions of 1–5 employees in Nunavut (five scoring 0, five
scoring 100 on every component) are the whole combined group, and the victim, the only other
organisation in Nunavut (51 employees or more), is the difference.  Exact figures would give the
victim away three ways: the province's histogram minus the combined one, the province before and
after the victim's release, and, with means, 11 × mean(province) − 10 × mean(combined).

The published figures (private median and quartiles, no mean, no histogram, k = 10) do not: the
test asserts no victim is recovered, while the same inferences on the exact figures of the very
same release recover every one of them (remove the noise and this test fails).  With the
production release rules, the victim's submission moves neither group at all.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from benchmark.core import peers
from benchmark.core.questionnaire import Item
from benchmark.store import aggregates, summary
from benchmark.store.scores import profile_of
from tests.factories import answers_to, make_app, reset, seed_submission

pytestmark = pytest.mark.db

K = 10
EPSILON = 2.0
PROVINCE = "nu"
REGION, BOTH = f"region:{PROVINCE}", f"size_reg:{PROVINCE}"
ATTACKER_SIZE, VICTIM_SIZE = "1_5", "51_plus"
LOW = HIGH = 5  # fakes at 0 and at 100 on every component: exactly k of them
VICTIMS = 12
DIMENSIONS = ("SK", "IN", "AP", "PR")
RULES = {"RELEASE_MIN_CHANGES": 10, "RELEASE_INTERVAL_MINUTES": 1440}


def facts(size: str) -> dict[str, Any]:
    return {"q23": "yes_current", "q25": size, "q26": [PROVINCE], "n2": "no"}


@pytest.fixture
def app(database_url: str, _schema: None) -> Iterator[Flask]:
    """The test app (a release after every change: the attacker gets every release there is)."""
    app = make_app(database_url, PEER_MIN_GROUP=K, DISCLOSURE_EPSILON=EPSILON)
    yield app
    reset(app)


def _points(app: Flask) -> dict[str, dict[str, int]]:
    points: dict[str, dict[str, int]] = {}
    for indicator in app.extensions["content"].rubric.indicators:
        for key in indicator.answer_keys():
            points[key] = dict(indicator.points)
    return points


def _choices(item: Item) -> list[str]:
    return [o.id for o in item.options if not o.missing]


def extreme_answers(app: Flask, high: bool) -> dict[str, Any]:
    """Answers scoring 0 (or 100) on every component, as a 1–5 employee organisation in the province."""
    points = _points(app)
    questionnaire = app.extensions["content"].questionnaire
    answers: dict[str, Any] = dict(answers_to(questionnaire.iter_items()))
    for item in questionnaire.iter_items():
        for key in item.answer_keys():
            if key not in points:
                continue
            scored = points[key]
            if item.kind.multiple:
                if high:
                    answers[key] = [o for o in _choices(item) if scored.get(o, 0) > 0]
                else:
                    zero = [o.id for o in item.options if not o.missing and scored.get(o.id, 0) == 0]
                    plain = [o for o in zero if not item.option(o).exclusive]  # type: ignore[union-attr]
                    answers[key] = [(plain or zero)[0]]
            else:
                pick = max if high else min
                answers[key] = pick(_choices(item), key=lambda o: scored.get(o, 0))  # noqa: B023
    return {**answers, **facts(ATTACKER_SIZE)}


def victim_answers(app: Flask, seed: int) -> dict[str, Any]:
    """Random complete answers of a large organisation in the province."""
    rng = random.Random(seed)
    answers: dict[str, Any] = {}
    for item in app.extensions["content"].questionnaire.iter_items():
        for key in item.answer_keys():
            if item.kind.numeric:
                answers[key] = rng.randint(0, 10)
            elif item.kind.multiple:
                plain = [o.id for o in item.options if not o.missing and not o.exclusive]
                answers[key] = rng.sample(plain, rng.randint(1, len(plain)))
            else:
                answers[key] = rng.choice(_choices(item))
    return {**answers, **facts(VICTIM_SIZE)}


def scores(app: Flask, answers: dict[str, Any]) -> dict[str, int | None]:
    with app.app_context():
        profile = profile_of(answers)
    return {d: profile.score(d) for d in DIMENSIONS}


def groups(app: Flask, token: str) -> dict[str, Any]:
    """The attacker's peer groups, as its results JSON gives them."""
    data = app.test_client().get(f"/en/results/{token}/data.json").get_json()
    return {group["group"]: group for group in data["peers"]["groups"]}


def exact(app: Flask) -> dict[str, dict[str, dict[int, int]]]:
    """The released histograms of both groups (what the attacker would have without the defence)."""
    with app.app_context():
        read = aggregates.histograms([("region", PROVINCE), ("size_reg", f"{ATTACKER_SIZE}.{PROVINCE}")])
    return {REGION: read[("region", PROVINCE)], BOTH: read[("size_reg", f"{ATTACKER_SIZE}.{PROVINCE}")]}


def guesses(region: dict[str, float], both: dict[str, float], before: dict[str, float]) -> set[int]:
    """Every inference the attacker can try on three summaries (province after and before, combined)."""
    result = set()
    for figure in ("median", "q1", "q3"):
        result.add(round(region[figure]))  # the design makes the province's median the victim's score
        result.add(round((K + 1) * region[figure] - K * both[figure]))  # as if the figures were means
        result.add(round((K + 1) * region[figure] - K * before[figure]))  # across the two releases
    return result


def test_subtracting_the_combined_group_from_the_province_does_not_recover_the_victim(app: Flask) -> None:
    low, high = extreme_answers(app, high=False), extreme_answers(app, high=True)
    assert scores(app, low) == dict.fromkeys(DIMENSIONS, 0) and scores(app, high) == dict.fromkeys(DIMENSIONS, 100)
    fakes = [seed_submission(app, low) for _ in range(LOW)] + [seed_submission(app, high) for _ in range(HIGH)]
    attacker = fakes[0]
    before = groups(app, attacker)
    assert before[REGION]["n"] == before[BOTH]["n"] == K
    assert before[REGION]["components"] == before[BOTH]["components"]  # one histogram, one draw of noise

    hits = trials = recovered_victims = victims = 0
    for seed in range(1000):
        if victims == VICTIMS:
            break
        answers = victim_answers(app, seed)
        truth = scores(app, answers)
        if len({s for s in truth.values() if s is not None} - {0, 100}) < 4:
            continue  # four scores strictly between the fakes', so each inference has one right answer
        victims += 1
        victim = seed_submission(app, answers)
        after = groups(app, attacker)
        assert after[REGION]["n"] == K + 1 and after[BOTH]["n"] == K  # the victim is the difference
        assert after[BOTH]["components"] == before[BOTH]["components"]
        histograms = exact(app)
        recovered = True
        for dimension in DIMENSIONS:
            region, both = after[REGION]["components"][dimension], after[BOTH]["components"][dimension]
            assert "mean" not in region and "histogram" not in region and "your_percentile" not in region
            # Control: the same three inferences on the exact figures of the same release find the victim.
            whole, part = histograms[REGION][dimension], histograms[BOTH][dimension]
            difference = {s: n - part.get(s, 0) for s, n in whole.items() if n - part.get(s, 0)}
            assert difference == {truth[dimension]: 1}
            exact_region, exact_both = peers.summarise(whole, K), peers.summarise(part, K)
            assert exact_region is not None and exact_both is not None
            assert round(exact_region.median) == truth[dimension]
            assert round((K + 1) * exact_region.mean - K * exact_both.mean) == truth[dimension]
            # The attack on what is published.
            shown = guesses(region, both, before[REGION]["components"][dimension])
            trials += 1
            hit = truth[dimension] in shown
            hits += hit
            recovered = recovered and hit
        recovered_victims += recovered
        assert app.test_client().post(f"/en/results/{victim}/delete").status_code == 303
    assert victims == VICTIMS
    print(f"subgroup differencing: {hits} of {trials} component scores hit, {recovered_victims} victims recovered")
    assert recovered_victims == 0, recovered_victims
    assert hits <= trials // 8, (hits, trials)


def test_with_the_release_rules_the_victims_submission_moves_neither_group(database_url: str, _schema: None) -> None:
    seeding = make_app(database_url, PEER_MIN_GROUP=K)
    low, high = extreme_answers(seeding, high=False), extreme_answers(seeding, high=True)
    fakes = [seed_submission(seeding, low) for _ in range(LOW)] + [seed_submission(seeding, high) for _ in range(HIGH)]
    app = make_app(database_url, PEER_MIN_GROUP=K, **RULES)
    try:
        before = groups(app, fakes[0])
        with app.app_context():
            live = summary.stored()
        seed_submission(app, victim_answers(app, 1))
        with app.app_context():
            moved = {key for key in summary.stored().keys() ^ live.keys() if key[2] == "size_reg"}
        assert {key[3] for key in moved} == {f"{VICTIM_SIZE}.{PROVINCE}"}  # counted live, not released
        after = groups(app, fakes[0])
        assert after[REGION] == before[REGION] and after[BOTH] == before[BOTH]
        assert after[REGION]["n"] == K
    finally:
        reset(app)
