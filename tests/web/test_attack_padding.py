"""Attack (issue 13, "Padding a peer group"): nine anonymous submissions do not give away the tenth.

A province holds one real organisation (the victim).  The attacker submits nine anonymous
assessments that tick that province, five scoring 0 and four scoring 100 on every component,
so the province's group reaches k = 10.  Without noise, the attacker's own results page (and
its JSON and PDF) would give the victim away: the sorted group is 0 ×5, v, 100 ×4, so the
median is (0 + v) / 2 and v = 2 × median; the mean gives v = 10 × mean − 400 as well.  Then the
nine are deleted through their own private links and nobody is the wiser.

The attacker here works through the public interface only (HTTP: start, save each page, submit,
read the results, delete), at the app's default k and ε.  The test asserts that the published
figures do not recover the victims' exact scores (apart from rare coincidences of the noise),
while the same inference on the exact summary of the very same histogram recovers every one of
them: remove the noise and this test fails.
"""

from __future__ import annotations

import random
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from benchmark.core import peers
from benchmark.core.questionnaire import Item
from benchmark.core.suppression.noise import quartile_band
from benchmark.organisations.assessment.forms import field_name
from benchmark.store import aggregates
from benchmark.store.scores import profile_of
from tests.factories import BASE_ANSWERS, answers_to, make_app, page_ids, reset, seed_submission, start_assessment

pytestmark = pytest.mark.db

K = 10
EPSILON = 2.0
PROVINCE = "nu"  # Nunavut: the victim is the only real organisation there
LOW, HIGH = 5, 4  # fakes at 0 and at 100 on every component
VICTIMS = 16
DIMENSIONS = ("SK", "IN", "AP", "PR")
FACTS = {"q23": BASE_ANSWERS["q23"], "q25": BASE_ANSWERS["q25"], "q26": [PROVINCE]}


@pytest.fixture
def app(database_url: str, _schema: None) -> Iterator[Flask]:
    app = make_app(database_url, PEER_MIN_GROUP=K, DISCLOSURE_EPSILON=EPSILON)
    yield app
    reset(app)


# --------------------------------------------------------------------------- chosen answers


def _points(app: Flask) -> dict[str, dict[str, int]]:
    """The points of each option, per answer key, from the rubric."""
    points: dict[str, dict[str, int]] = {}
    for indicator in app.extensions["content"].rubric.indicators:
        for key in indicator.answer_keys():
            points[key] = dict(indicator.points)
    return points


def _choices(item: Item) -> list[str]:
    return [o.id for o in item.options if not o.missing]


def extreme_answers(app: Flask, high: bool) -> dict[str, Any]:
    """Answers that score 0 (or 100) on every component: the worst (or best) option of every scored key."""
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
    return {**answers, **FACTS}


def victim_answers(app: Flask, seed: int) -> dict[str, Any]:
    """A random but complete set of answers (every component gets a score), in the province."""
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
    return {**answers, **FACTS}


def scores(app: Flask, answers: dict[str, Any]) -> dict[str, int]:
    """The four component scores of these answers (the core scoring, as on submit)."""
    with app.app_context():
        profile = profile_of(answers)
    result = {d: profile.score(d) for d in DIMENSIONS}
    assert all(s is not None for s in result.values()), result
    return result  # type: ignore[return-value]


# --------------------------------------------------------------------------- the public interface


def submit_through_the_site(app: Flask, client: FlaskClient, answers: dict[str, Any]) -> str:
    """Start an anonymous assessment, save every page with these answers, submit; return the private token."""
    questionnaire = app.extensions["content"].questionnaire
    token = start_assessment(client, "en")
    for page_id in page_ids(app):
        page = questionnaire.page(page_id)
        assert page is not None
        keys = {key for item in questionnaire.page_items(page) for key in item.answer_keys()}
        form = {
            field_name(key): (str(value) if isinstance(value, int) else value)
            for key, value in answers.items()
            if key in keys
        }
        response = client.post(f"/en/assessment/{token}/{page_id}", data={**form, "action": "next"})
        assert response.status_code in (200, 302), (page_id, response.status_code)
    assert client.post(f"/en/assessment/{token}/review").status_code == 302
    assert client.get(f"/en/results/{token}").status_code == 200
    return token


def delete_through_private_link(client: FlaskClient, token: str) -> None:
    assert client.post(f"/en/results/{token}/delete").status_code == 303
    assert client.get(f"/en/results/{token}").status_code == 404


def province_group(data: dict[str, Any]) -> dict[str, Any]:
    (group,) = [g for g in data["peers"]["groups"] if g["group"] == f"region:{PROVINCE}"]
    return group


def infer(median: float | None, mean: float | None = None) -> set[int]:
    """The attacker's exact-inference formulas (valid without noise) for the design 0 ×5, v, 100 ×4."""
    guesses = set()
    if median is not None:
        guesses.add(round(2 * median - 0))
    if mean is not None:
        guesses.add(round(10 * mean - LOW * 0 - HIGH * 100))
    return guesses


# --------------------------------------------------------------------------- the attack


def test_nine_padded_submissions_do_not_recover_the_tenth(app: Flask) -> None:
    client = app.test_client()
    low, high = extreme_answers(app, high=False), extreme_answers(app, high=True)
    assert scores(app, low) == dict.fromkeys(DIMENSIONS, 0) and scores(app, high) == dict.fromkeys(DIMENSIONS, 100)

    fakes = [submit_through_the_site(app, client, low) for _ in range(LOW)]
    fakes += [submit_through_the_site(app, client, high) for _ in range(HIGH)]
    attacker = fakes[0]  # a fake that scores 0 everywhere reads its own results

    # Nine is below k: the province shows nothing yet.
    assert all(
        c is None
        for c in province_group(client.get(f"/en/results/{attacker}/data.json").get_json())["components"].values()
    )

    dimension_hits = full_recoveries = trials = 0
    victims = 0
    for seed in range(1000):
        if victims == VICTIMS:
            break
        answers = victim_answers(app, seed)
        truth = scores(app, answers)
        if len(set(truth.values()) - {0, 100}) < 4:
            continue  # keep victims strictly inside the fakes' range, all four scores distinct from them
        victims += 1
        victim = seed_submission(app, answers)

        data = client.get(f"/en/results/{attacker}/data.json").get_json()
        again = client.get(f"/en/results/{attacker}/data.json").get_json()
        assert again["peers"] == data["peers"]  # no averaging by reloading
        assert data["peers"]["note"] and "noise" in data["peers"]["note"]
        group = province_group(data)
        html = client.get(f"/en/results/{attacker}").get_data(as_text=True)
        peers_html = html.split('id="peers"')[1].split("</section>")[0]
        assert "deliberate noise" in peers_html and "Your percentile" not in peers_html

        with app.app_context():
            histograms = aggregates.histograms([("region", PROVINCE)])[("region", PROVINCE)]
        recovered = {}
        for dimension in DIMENSIONS:
            shown = group["components"][dimension]
            assert shown is not None and shown["n"] == K
            assert "mean" not in shown and "your_percentile" not in shown  # neither is released
            # The attacker's place (it scored 0) is a quarter of the shown quartiles, nothing finer.
            assert shown["your_quarter"] == quartile_band(0, shown["q1"], shown["median"], shown["q3"])
            assert f">{round(shown['median'])}<" in peers_html  # the page shows the same figures

            # Control: the same inference on the exact summary of the same histogram finds the victim.
            histogram = histograms[dimension]
            assert histogram == _with_victim(truth[dimension])
            exact = peers.summarise(histogram, K)
            assert exact is not None
            assert infer(exact.median) == {truth[dimension]} == infer(None, exact.mean)
            assert peers.percentile_rank(0, histogram) == 100 * 0.5 * LOW / K  # the old rank of the attacker

            guesses = infer(shown["median"]) | infer(shown["q1"]) | infer(shown["q3"])
            trials += 1
            recovered[dimension] = truth[dimension] in guesses
            dimension_hits += recovered[dimension]
        full_recoveries += all(recovered.values())

        delete_through_private_link(client, victim)

    assert victims == VICTIMS
    print(f"padding attack: {dimension_hits} of {trials} component scores hit, {full_recoveries} victims recovered")
    # Each hit is a coincidence of the noise; without it every one of the 64 would be a hit.
    assert full_recoveries == 0, full_recoveries
    assert dimension_hits <= trials // 8, (dimension_hits, trials)

    # The attacker cleans up through the private links: the province is below k again.
    for token in fakes[1:]:
        delete_through_private_link(client, token)
    data = client.get(f"/en/results/{attacker}/data.json").get_json()
    assert all(c is None for c in province_group(data)["components"].values())
    delete_through_private_link(client, attacker)


def _with_victim(score: int) -> dict[int, int]:
    histogram = {0: LOW, 100: HIGH}
    histogram[score] = histogram.get(score, 0) + 1
    return histogram


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_attackers_pdf_shows_the_same_private_figures_and_no_rank(app: Flask, tmp_path: Path) -> None:
    client = app.test_client()
    low = extreme_answers(app, high=False)
    fakes = [submit_through_the_site(app, client, low) for _ in range(K - 1)]
    victim = seed_submission(app, victim_answers(app, 0))
    data = client.get(f"/en/results/{fakes[0]}/data.json").get_json()
    response = client.get(f"/en/results/{fakes[0]}/report.pdf")
    assert response.status_code == 200
    path = tmp_path / "attacker.pdf"
    path.write_bytes(response.data)
    text = " ".join(
        subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
        ).stdout.split()
    )
    assert "deliberate noise" in text and "Your percentile" not in text
    shown = province_group(data)["components"]["SK"]
    row = f"Skills and training 0 {round(shown['median'])} {round(shown['q1'])}–{round(shown['q3'])}"
    quarter = ("lowest", "second", "third", "highest")[shown["your_quarter"] - 1]
    assert f"{row} In the {quarter} quarter of this group" in text
    for token in [*fakes, victim]:
        delete_through_private_link(client, token)
