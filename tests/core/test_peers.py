"""Live-pool statistics: group summaries, percentile ranks and small-cell suppression."""

from __future__ import annotations

import statistics

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmark.core import peers
from benchmark.core.peers import PeerSummary, percentile_rank, quantile, summarise, suppress

# --------------------------------------------------------------------------- summaries


def test_summary_hand_example() -> None:
    summary = summarise(list(range(1, 11)), k=10)
    assert summary == PeerSummary(n=10, median=5.5, q1=3.25, q3=7.75, mean=5.5)


def test_summary_of_odd_group() -> None:
    summary = summarise([40, 10, 70, 20, 55, 31, 90, 67, 25, 50, 62], k=10)
    assert summary is not None
    assert (summary.n, summary.median, summary.q1, summary.q3) == (11, 50, 28, 64.5)


def test_histogram_gives_the_same_summary() -> None:
    scores = [25, 25, 25, 50, 50, 67, 67, 67, 67, 100, 0]
    histogram = {0: 1, 25: 3, 50: 2, 67: 4, 100: 1, 13: 0}
    assert summarise(scores, 10) == summarise(histogram, 10)


def test_below_k_gives_nothing() -> None:
    assert summarise(list(range(9)), k=10) is None
    assert summarise({50: 9}, k=10) is None
    assert summarise([], k=1) is None
    assert summarise({50: 10}, k=10) == PeerSummary(n=10, median=50, q1=50, q3=50, mean=50)


def test_invalid_input_is_rejected() -> None:
    with pytest.raises(ValueError):
        summarise([1, 2], k=0)
    with pytest.raises(ValueError):
        summarise({50: -1}, k=1)
    with pytest.raises(ValueError):
        summarise([1.5], k=1)  # type: ignore[list-item]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 100), min_size=2, max_size=60))
def test_quartiles_match_the_inclusive_method(scores: list[int]) -> None:
    summary = summarise(scores, k=1)
    assert summary is not None
    q1, median, q3 = statistics.quantiles(scores, n=4, method="inclusive")
    assert summary.q1 == pytest.approx(q1)
    assert summary.median == pytest.approx(median) == pytest.approx(statistics.median(scores))
    assert summary.q3 == pytest.approx(q3)
    assert min(scores) <= summary.q1 <= summary.median <= summary.q3 <= max(scores)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.integers(0, 100), st.integers(0, 400), min_size=1, max_size=30), st.integers(0, 100))
def test_histograms_summarise_as_the_expanded_list_would(histogram: dict[int, int], own: int) -> None:
    """Summaries and ranks read the histogram directly; the answers must be those of the full list."""
    expanded = sorted(score for score, count in histogram.items() for _ in range(count))
    summary = summarise(histogram, k=1)
    if not expanded:
        assert summary is None
        return
    assert summary is not None and summary.n == len(expanded)
    if len(expanded) >= 2:
        q1, median, q3 = statistics.quantiles(expanded, n=4, method="inclusive")
        assert (summary.q1, summary.median, summary.q3) == (pytest.approx(q1), pytest.approx(median), pytest.approx(q3))
    assert summary.mean == pytest.approx(statistics.fmean(expanded))
    below = sum(1 for score in expanded if score < own)
    equal = expanded.count(own)
    assert percentile_rank(own, histogram) == pytest.approx(100 * (below + 0.5 * equal) / len(expanded))


def test_a_million_scores_summarise_without_expanding() -> None:
    """A national pool's histogram (10^6 organisations) is summarised from its 101 cells."""
    histogram = {score: 10_000 - score for score in range(101)}
    n = sum(histogram.values())
    summary = summarise(histogram, k=10)
    assert summary is not None and summary.n == n == 1_004_950
    # Scores 0–49 hold 498,775 organisations, fewer than half: the median is the next score, 50.
    assert summary.median == 50
    assert percentile_rank(0, histogram) == pytest.approx(100 * 0.5 * 10_000 / n)


def test_quantile_edges() -> None:
    assert quantile([7], 0.5) == 7
    assert quantile([1, 3], 0) == 1 and quantile([1, 3], 1) == 3
    with pytest.raises(ValueError):
        quantile([], 0.5)


# --------------------------------------------------------------------------- percentile rank


def test_percentile_rank_hand_examples() -> None:
    scores = list(range(1, 11))
    assert percentile_rank(5, scores) == 45  # 4 below + half of 1 equal, of 10
    assert percentile_rank(1, scores) == 5
    assert percentile_rank(0, scores) == 0
    assert percentile_rank(11, scores) == 100
    assert percentile_rank(50, [50] * 12) == 50
    assert percentile_rank(50, {25: 2, 50: 2, 75: 4}) == 37.5


def test_percentile_rank_of_empty_group_is_an_error() -> None:
    with pytest.raises(ValueError):
        percentile_rank(50, [])


# --------------------------------------------------------------------------- suppression


def test_primary_suppression_only_without_total() -> None:
    cells = {"level_1": 3, "level_2": 20, "level_3": 15, "level_4": 0}
    assert suppress(cells, k=5, total_shown=False) == {"level_1": None, "level_2": 20, "level_3": 15, "level_4": 0}


def test_complementary_suppression_hides_the_next_smallest_non_zero_cell() -> None:
    cells = {"level_1": 3, "level_2": 20, "level_3": 15, "level_4": 0}
    assert suppress(cells, k=5, total_shown=True) == {"level_1": None, "level_2": 20, "level_3": None, "level_4": 0}


def test_two_small_cells_need_no_complement_unless_both_are_ones() -> None:
    assert suppress({"a": 2, "b": 3, "c": 40}, k=5, total_shown=True) == {"a": None, "b": None, "c": 40}
    # 1 + 1 with a known total: both would be recoverable as 1, so one more cell goes.
    assert suppress({"a": 1, "b": 1, "c": 40, "d": 12}, k=5, total_shown=True) == {
        "a": None,
        "b": None,
        "c": 40,
        "d": None,
    }


def test_nothing_small_nothing_hidden() -> None:
    cells = {"a": 0, "b": 10, "c": 12}
    assert suppress(cells, k=10, total_shown=True) == cells


def test_zero_cell_is_hidden_only_as_a_last_resort() -> None:
    assert suppress({"a": 4, "b": 0}, k=5, total_shown=True) == {"a": None, "b": None}


def test_ties_are_broken_by_key() -> None:
    assert suppress({"a": 3, "z": 12, "m": 12}, k=5, total_shown=True) == {"a": None, "z": 12, "m": None}


def test_suppress_rejects_bad_counts() -> None:
    with pytest.raises(ValueError):
        suppress({"a": -1}, k=5, total_shown=False)
    with pytest.raises(ValueError):
        suppress({"a": 1}, k=0, total_shown=False)


cell_dicts = st.dictionaries(
    st.sampled_from(["a", "b", "c", "d", "e", "f", "g", "h"]),
    st.one_of(st.integers(0, 12), st.integers(0, 300)),
    min_size=2,
    max_size=8,
)


@settings(max_examples=500, deadline=None)
@given(cell_dicts, st.integers(1, 10), st.booleans())
def test_suppression_properties(cells: dict[str, int], k: int, total_shown: bool) -> None:
    result = suppress(cells, k, total_shown)
    assert set(result) == set(cells)
    hidden = [key for key, value in result.items() if value is None]
    for key, value in result.items():
        if value is not None:
            assert value == cells[key]
            assert not 0 < value < k, "a published cell is in (0, k)"
        elif not total_shown:
            assert 0 < cells[key] < k, "without a total only primary cells are hidden"
    if total_shown:
        # No hidden cell can be derived from the total: none hidden, or at least two ...
        assert len(hidden) == 0 or len(hidden) >= 2
        # ... and not all of them pinned to 1 while a shown non-zero cell could still have been hidden.
        shown_nonzero = [key for key, value in result.items() if value]
        if hidden and shown_nonzero:
            assert sum(cells[key] for key in hidden) > len(hidden)


# ------------------------------------------------------------------ private summaries (noise)


def test_private_summary_is_none_below_k_and_stable_above() -> None:
    assert peers.private_summarise([50] * 9, 10, 2.0, "s", "g") is None
    first = peers.private_summarise({40: 6, 60: 6}, 10, 2.0, "s", "g")
    again = peers.private_summarise([60] * 6 + [40] * 6, 10, 2.0, "s", "g")
    assert first is not None and again is not None
    assert first == again or (first.median, first.q1, first.q3) == (again.median, again.q1, again.q3)
    assert first.n == 12 and first.q1 <= first.median <= first.q3
    assert first.mean != first.mean  # NaN: the mean is not released


def test_private_summary_of_a_large_group_is_close_to_the_exact_one() -> None:
    histogram = {score: 5 for score in range(20, 81)}
    exact = peers.summarise(histogram, 10)
    private = peers.private_summarise(histogram, 10, 2.0, "s", "peer:all:skills")
    assert exact is not None and private is not None
    assert (
        abs(private.median - exact.median) <= 3 and abs(private.q1 - exact.q1) <= 3 and abs(private.q3 - exact.q3) <= 3
    )


def test_padding_a_group_does_not_give_the_victim_score() -> None:
    """Nine fakes around one victim: the exact summary gives the victim away, the private one does not."""
    exact_hits = private_hits = 0
    for victim in range(1, 100, 3):
        histogram = {0: 5, 100: 4}
        histogram[victim] = histogram.get(victim, 0) + 1
        exact = peers.summarise(histogram, 10)
        private = peers.private_summarise(histogram, 10, 2.0, "s", "peer:region:NU:skills")
        assert exact is not None and private is not None
        exact_hits += 2 * exact.median == victim
        private_hits += 2 * private.median == victim
    assert exact_hits == 33
    assert private_hits <= 3


def test_private_band() -> None:
    summary = peers.PeerSummary(n=10, median=50, q1=25, q3=75, mean=float("nan"))
    assert [peers.private_band(score, summary) for score in (0, 30, 60, 80)] == [1, 2, 3, 4]
