"""Combining the answers and component scores of an organisation's colleagues.

A team's combined profile holds, per component of the rubric, the median of the colleagues'
scores and how far apart they are (lowest, highest, range, quartiles and interquartile range),
and, per answer key, how many colleagues gave each answer, with a *spread* between 0 (everyone
gave the same answer) and 1 (as far apart as answers of that kind can be):

- **single choice** (a single choice item, or one row of a matrix): ``1 − m / n``, where ``m``
  is how many gave the most common answer and ``n`` how many answered (the variation ratio).
  Two colleagues who differ give 0.5, three who all differ about 0.67.  "I don't know" is an
  answer like any other here: a colleague who knows and one who does not are worth discussing.
- **multiple choice**: the mean, over every pair of colleagues who answered, of the Jaccard
  distance between their two selections (``1 − |A ∩ B| / |A ∪ B|``): 0 when every selection
  is the same, 1 when no two share an option.
- **number** (a 0–10 scale): ``(highest − lowest) / width``, the width being the distance between
  the smallest and largest value the item takes (10 for a 0–10 scale): 0 when all agree, 1
  when one said 0 and another 10.

Only keys that at least two colleagues answered have a spread.  The three measures share the
scale 0–1, so the items with the widest spread can be ranked together; ties keep questionnaire order.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

from benchmark.core.questionnaire import Item, Questionnaire
from benchmark.core.scoring.compute import round_half_up

#: The kinds of spread (the discussion prompts are keyed by them).
SPREAD_KINDS = ("choice", "multiple", "numeric")


@dataclass(frozen=True)
class ComponentSpread:
    """One component across the colleagues who have a score for it.

    :ivar scores: how many colleagues have a score (coverage can leave one without).
    :ivar median: the median score rounded half up, None when nobody has a score.
    """

    dimension: str
    scores: int
    median: int | None
    lowest: int | None
    highest: int | None
    q1: float | None
    q3: float | None

    @property
    def range(self) -> int | None:
        """Highest minus lowest score (None without scores)."""
        return None if self.lowest is None or self.highest is None else self.highest - self.lowest

    @property
    def iqr(self) -> float | None:
        """Third minus first quartile (None with fewer than two scores)."""
        return None if self.q1 is None or self.q3 is None else self.q3 - self.q1


@dataclass(frozen=True)
class OptionShare:
    """How many colleagues gave one answer (an option id, or a number as text)."""

    value: str
    count: int


@dataclass(frozen=True)
class ItemSpread:
    """One answer key across the colleagues who answered it.

    :ivar kind: ``choice``, ``multiple`` or ``numeric`` (see the module's definitions).
    :ivar answered: how many colleagues answered it.
    :ivar shares: per answer, how many gave it, most common first (a multiple choice counts each
        chosen option, so the counts can add up to more than ``answered``).
    :ivar spread: 0 (all agree) … 1 (as far apart as possible).
    """

    key: str
    item: Item
    kind: str
    answered: int
    shares: tuple[OptionShare, ...]
    spread: float


@dataclass(frozen=True)
class TeamProfile:
    """The combined profile of a team's submitted assessments."""

    respondents: int
    components: tuple[ComponentSpread, ...]
    items: tuple[ItemSpread, ...]

    def widest(self, limit: int = 5) -> list[ItemSpread]:
        """The keys where colleagues disagree most (spread above 0), widest first, at most ``limit``."""
        order = {spread.key: index for index, spread in enumerate(self.items)}
        disagreed = [spread for spread in self.items if spread.spread > 0]
        # Rounded so that equal spreads reached by different sums (1 − 2/3 and 1/3) tie exactly.
        return sorted(disagreed, key=lambda s: (-round(s.spread, 9), order[s.key]))[:limit]

    def medians(self) -> dict[str, int | None]:
        """The median score per component."""
        return {component.dimension: component.median for component in self.components}


def median_score(scores: Sequence[int]) -> int | None:
    """The median of some whole scores, rounded half up (None for none)."""
    if not scores:
        return None
    return round_half_up(Fraction(statistics.median(sorted(scores))))


def choice_spread(values: Sequence[str]) -> float:
    """The variation ratio ``1 − m / n`` of single answers (0 when all are the same)."""
    if not values:
        return 0.0
    most = Counter(values).most_common(1)[0][1]
    return 1 - most / len(values)


def multiple_spread(selections: Sequence[frozenset[str]]) -> float:
    """The mean Jaccard distance over every pair of selections (0 when all are the same)."""
    pairs = list(combinations(selections, 2))
    if not pairs:
        return 0.0
    distances = [1 - len(a & b) / len(a | b) if a | b else 0.0 for a, b in pairs]
    return sum(distances) / len(distances)


def numeric_spread(values: Sequence[int], width: int) -> float:
    """``(highest − lowest) / width`` of numeric answers (0 when all are the same)."""
    if not values or width <= 0:
        return 0.0
    return (max(values) - min(values)) / width


def _component(dimension: str, scores: Sequence[int | None]) -> ComponentSpread:
    present = sorted(score for score in scores if score is not None)
    if not present:
        return ComponentSpread(dimension, 0, None, None, None, None, None)
    q1 = q3 = None
    if len(present) >= 2:
        q1, _, q3 = statistics.quantiles(present, n=4, method="inclusive")
    return ComponentSpread(dimension, len(present), median_score(present), present[0], present[-1], q1, q3)


def _numeric_width(item: Item) -> int:
    points = [int(value) for value in item.kind.countable_values(item)]
    return max(points) - min(points) if points else 0


def _item_spread(key: str, item: Item, values: list[object]) -> ItemSpread | None:
    kind = item.kind
    if kind.numeric:
        numbers = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
        if len(numbers) < 2:
            return None
        shares = Counter(str(v) for v in numbers)
        spread = numeric_spread(numbers, _numeric_width(item))
        return ItemSpread(key, item, "numeric", len(numbers), _shares(shares), spread)
    if kind.multiple:
        selections = [s for v in values if (s := kind.selection(v))]
        if len(selections) < 2:
            return None
        shares = Counter(option for selection in selections for option in selection)
        return ItemSpread(key, item, "multiple", len(selections), _shares(shares), multiple_spread(selections))
    choices = [v for v in values if isinstance(v, str)]
    if len(choices) < 2:
        return None
    return ItemSpread(key, item, "choice", len(choices), _shares(Counter(choices)), choice_spread(choices))


def _shares(counts: Counter[str]) -> tuple[OptionShare, ...]:
    return tuple(OptionShare(value, count) for value, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def combine(
    questionnaire: Questionnaire,
    dimension_ids: Sequence[str],
    answer_sets: Sequence[Mapping[str, object]],
    score_sets: Sequence[Mapping[str, int | None]],
) -> TeamProfile:
    """Combine the colleagues' submitted assessments (one answer set and one score set each).

    :param dimension_ids: the rubric's components, in order.
    :param answer_sets: each colleague's answers (``{answer key: stored value}``).
    :param score_sets: each colleague's component scores (None when coverage was too low).
    :return: the median and spread per component and the spread of every key answered by two or more.
    """
    components = tuple(_component(d, [scores.get(d) for scores in score_sets]) for d in dimension_ids)
    items: list[ItemSpread] = []
    for key in questionnaire.answer_keys():
        values = [answers[key] for answers in answer_sets if answers.get(key) is not None]
        if len(values) < 2:
            continue
        item, _ = questionnaire.item_for_key(key)
        spread = _item_spread(key, item, values)
        if spread is not None:
            items.append(spread)
    return TeamProfile(len(answer_sets), components, tuple(items))


def _canonical(value: object) -> object:
    return tuple(sorted(map(str, value))) if isinstance(value, list) else value


def combined_answers(questionnaire: Questionnaire, answer_sets: Sequence[Mapping[str, object]]) -> dict[str, object]:
    """One answer set standing for the team (the action plan's recommendations are computed on it).

    Per key, the most common answer among the colleagues who answered (a multiple choice compared
    as a whole selection); a tie goes to the earliest answer set that gave one of the tied answers
    (callers put the organisation's own first).  A number is the colleagues' median, rounded half up.
    """
    combined: dict[str, object] = {}
    for key in questionnaire.answer_keys():
        values = [answers[key] for answers in answer_sets if answers.get(key) is not None]
        if not values:
            continue
        item, _ = questionnaire.item_for_key(key)
        numbers = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
        if item.kind.numeric and numbers:
            combined[key] = median_score(numbers)
            continue
        counts = Counter(_canonical(v) for v in values)
        best = max(counts.values())
        combined[key] = next(v for v in values if counts[_canonical(v)] == best)
    return combined
