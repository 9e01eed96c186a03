"""The noise mechanisms: deterministic per figure, never exact for a padded group, useful for large ones."""

from __future__ import annotations

import math
import random
import statistics

import pytest

from benchmark.core.suppression.noise import (
    figure_random,
    noisy_count,
    private_quantile,
    quantile_distribution,
    quartile_band,
)


def test_same_figure_same_data_gives_the_same_noise() -> None:
    first = figure_random("secret", "peer:all:skills:median", {40: 3, 60: 7})
    again = figure_random("secret", "peer:all:skills:median", {60: 7, 40: 3, 10: 0})
    assert first.random() == again.random()


@pytest.mark.parametrize(
    ("secret", "name", "data"),
    [
        ("other", "peer:all:skills:median", {40: 3, 60: 7}),
        ("secret", "peer:all:skills:q1", {40: 3, 60: 7}),
        ("secret", "peer:all:skills:median", {40: 3, 60: 8}),
    ],
)
def test_another_secret_name_or_group_draws_other_noise(secret: str, name: str, data: dict[int, int]) -> None:
    reference = figure_random("secret", "peer:all:skills:median", {40: 3, 60: 7}).random()
    assert figure_random(secret, name, data).random() != reference


def test_a_collection_of_values_is_read_without_its_order() -> None:
    assert figure_random(b"s", "cohort", [3, 1, 2]).random() == figure_random(b"s", "cohort", [2, 3, 1]).random()


def _quantile_distribution(histogram: dict[int, int], p: float, epsilon: float, draws: int = 3000) -> list[int]:
    rng = random.Random(7)
    return sorted(private_quantile(histogram, p, epsilon, rng) for _ in range(draws))


def test_private_median_of_a_large_group_is_close_to_the_median() -> None:
    histogram = {score: 4 for score in range(30, 80)}  # 200 organisations, median 54.5
    draws = _quantile_distribution(histogram, 0.5, 2.0)
    assert draws[len(draws) // 10] >= 52 and draws[-len(draws) // 10] <= 57


def test_private_quantiles_follow_p() -> None:
    histogram = {score: 4 for score in range(0, 100)}
    q1 = statistics.median(_quantile_distribution(histogram, 0.25, 2.0, 500))
    q3 = statistics.median(_quantile_distribution(histogram, 0.75, 2.0, 500))
    assert 20 <= q1 <= 30 and 70 <= q3 <= 80


def test_padding_attack_on_a_private_median_cannot_pin_the_victim() -> None:
    """Five fakes at 0 and four at 100 make the exact median (0 + v) / 2: the noise hides v."""
    recovered = 0
    for victim in range(2, 100, 7):
        histogram = {0: 5, 100: 4}
        histogram[victim] = histogram.get(victim, 0) + 1
        rng = figure_random("secret", "peer:region:NU:skills:median", histogram)
        published = private_quantile(histogram, 0.5, 2.0, rng)
        recovered += 2 * published == victim  # the attacker's exact inference without noise
    assert recovered <= 2


def test_every_candidate_stays_possible() -> None:
    """Likelihoods under any two victim values differ by at most e^ε, on the distribution drawn from."""
    epsilon = 2.0
    for victim_a, victim_b in [(10, 90), (0, 100), (50, 51)]:
        a = quantile_distribution({0: 5, 100: 4, victim_a: 1}, 0.5, epsilon)
        b = quantile_distribution({0: 5, 100: 4, victim_b: 1}, 0.5, epsilon)
        for candidate in range(101):
            assert a[candidate] > 0 and b[candidate] > 0
            assert a[candidate] / b[candidate] <= math.exp(epsilon) + 1e-9


def test_noisy_count_is_unbiased_enough_and_never_negative() -> None:
    rng = random.Random(3)
    draws = [noisy_count(20, 1.0, rng) for _ in range(4000)]
    assert min(draws) >= 0
    assert abs(statistics.mean(draws) - 20) < 0.3
    assert len(set(draws)) > 5


def test_noisy_count_hides_one_organisation() -> None:
    """P(output | 10) and P(output | 11) are both positive for every output seen."""
    rng = random.Random(5)
    seen_10 = {noisy_count(10, 1.0, rng) for _ in range(3000)}
    seen_11 = {noisy_count(11, 1.0, rng) for _ in range(3000)}
    assert {10, 11} <= seen_10 & seen_11


@pytest.mark.parametrize(
    ("histogram", "p", "epsilon"),
    [({}, 0.5, 1.0), ({1: 1}, 1.5, 1.0), ({1: 1}, 0.5, 0.0), ({1: -1}, 0.5, 1.0)],
)
def test_bad_arguments_are_refused(histogram: dict[int, int], p: float, epsilon: float) -> None:
    with pytest.raises(ValueError):
        private_quantile(histogram, p, epsilon, random.Random(1))


def test_quartile_band() -> None:
    assert [quartile_band(score, 25, 50, 75) for score in (10, 25, 50, 75, 99)] == [1, 2, 3, 4, 4]
