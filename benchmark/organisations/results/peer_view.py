"""Today's peers on a results page: one private summary per group and component, and a quarter.

Anyone can pad a peer group with anonymous submissions, so every figure here is private
(:func:`benchmark.store.aggregates.peer_summary`: noisy median and quartiles, no mean), and the
organisation's place is the quarter of the group it falls in, never an exact percentile rank.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _

from benchmark.core import peers, scoring
from benchmark.core.questionnaire import COMBINED_SEPARATOR
from benchmark.store import aggregates, results_reads
from benchmark.store.content import content
from benchmark.store.models import Assessment

__all__ = ["PeerChoice", "PeerGroup", "choose_peer_group", "peer_groups", "peer_noise_note", "peer_rows"]

#: One row of a group's table: component name, own score (or "–"), whether the group has figures for it,
#: the formatted median and quartiles, and the quarter the organisation falls in.
PeerRow = tuple[str, int | str, bool, str | None, str | None, str | None, int | None]


@dataclass(frozen=True)
class PeerGroup:
    """Today's peers in one group: a private summary per dimension (None below k), and where the organisation stands.

    ``bands`` gives the quarter (1 lowest … 4 highest) of the group's private quartiles the
    organisation's score falls in; no exact percentile rank is released (an organisation that
    padded the group with submissions of its own could turn it into another one's score).
    """

    key: str
    label: str
    n: int
    summaries: dict[str, peers.PeerSummary | None]
    bands: dict[str, int | None]

    @property
    def shown(self) -> bool:
        """True when the group is large enough to show any figure."""
        return any(summary is not None for summary in self.summaries.values())


def peer_noise_note() -> str:
    """One sentence, in the current language: peer figures are noisy on purpose, hence approximate for small groups."""
    return str(
        _(
            "These figures carry deliberate noise so that no single organization's results can be worked out "
            "from them; for small groups they are therefore approximate."
        )
    )


def _group(key: str, label: str, histograms: dict[str, dict[int, int]], profile: scoring.Profile, k: int) -> PeerGroup:
    """One peer group: the private summary of each dimension and the quarter the organisation falls in."""
    summaries: dict[str, peers.PeerSummary | None] = {}
    bands: dict[str, int | None] = {}
    for dimension_id, histogram in histograms.items():
        summary = aggregates.peer_summary(dimension_id, histogram, k)
        summaries[dimension_id] = summary
        own = profile.score(dimension_id)
        bands[dimension_id] = None if summary is None or own is None else peers.private_band(own, summary)
    n = max((sum(h.values()) for h in histograms.values()), default=0)
    return PeerGroup(key, label, n, summaries, bands)


def peer_groups(assessment: Assessment, profile: scoring.Profile, lang: str, k: int) -> list[PeerGroup]:
    """Today's peers: all organisations, those who gave the same answer to each peer-group fact, then both together.

    Every figure is private (:func:`benchmark.store.aggregates.peer_summary`): noisy quartiles, no mean,
    and a quarter instead of a percentile rank.

    The facts are the questionnaire's (``fact: {peer_group: true}``: the same size band and
    each of the organisation's provinces/territories); a multiple choice fact gives one group
    per value.  A combined grouping (``combined_groupings: {peer_group: true}``: size and region)
    gives one group per pair of the organisation's answers; none when either fact is unanswered.
    """
    wanted: list[tuple[str, str, str]] = []  # (group key, grouping, value)
    labels: dict[str, str] = {}
    answers: dict[str, list[tuple[str, str]]] = {}  # grouping -> (value, answer in words)
    for item in content().questionnaire.facts:
        if item.fact is None or not item.fact.peer_group or item.fact.grouping is None:
            continue
        grouping = item.fact.grouping
        answers[grouping] = []
        for value in results_reads.fact_values(item, assessment):
            key = f"{grouping}:{value}" if item.fact.multiple else grouping
            option = item.option(value)
            answer = option.label.get(lang) if option else value
            answers[grouping].append((value, answer))
            wanted.append((key, grouping, value))
            question = item.short_label.get(lang) if item.short_label else None
            labels[key] = _peer_label(grouping, answer, question)
    for key, grouping, value, label in _combined(answers, lang):
        wanted.append((key, grouping, value))
        labels[key] = label
    histograms = aggregates.histograms([("all", "")] + [(grouping, value) for _key, grouping, value in wanted])
    groups = [_group("all", _("All organizations"), histograms[("all", "")], profile, k)]
    for key, grouping, value in wanted:
        groups.append(_group(key, labels[key], histograms[(grouping, value)], profile, k))
    return groups


def _combined(answers: dict[str, list[tuple[str, str]]], lang: str) -> list[tuple[str, str, str, str]]:
    """``(group key, grouping, value, heading)`` of each pair of answers of a combined peer grouping.

    The key names the values of the multiple choice parts only (``size_reg:qc``), as a region group's
    does (``region:qc``); the summary counts' value joins every part's (``6_10.qc``).
    """
    questionnaire = content().questionnaire
    result = []
    for name, combined in questionnaire.combined_groupings.items():
        if not combined.peer_group or not all(part in answers for part in combined.parts):
            continue
        items = [questionnaire.groupings[part] for part in combined.parts]
        for pairs in itertools.product(*(answers[part] for part in combined.parts)):
            value = COMBINED_SEPARATOR.join(value for value, _answer in pairs)
            multiple = [value for item, (value, _answer) in zip(items, pairs, strict=True) if item.kind.multiple]
            key = f"{name}:{'+'.join(multiple)}" if multiple else name
            words = [answer for _value, answer in pairs]
            result.append((key, name, value, _combined_label(combined.parts, words, [i.label(lang) for i in items])))
    return result


def _peer_label(grouping: str, answer: str, question: str | None = None) -> str:
    """The heading of a peer group (a fact without its own wording gets a general one, with its short label if any)."""
    if grouping == "size":
        return str(_("Same size (%(size)s)", size=answer))
    if grouping == "region":
        return str(_("Same province or territory (%(region)s)", region=answer))
    if question:
        return str(_("Same answer as yours to “%(question)s” (%(answer)s)", question=question, answer=answer))
    return str(_("Same answer as yours (%(answer)s)", answer=answer))


def _combined_label(parts: tuple[str, ...], answers: list[str], questions: list[str]) -> str:
    """The heading of a combined peer group (size and region have their own wording; others a general one)."""
    if parts == ("size", "region"):
        return str(
            _("Same size and same province or territory (%(size)s, %(region)s)", size=answers[0], region=answers[1])
        )
    return str(
        _(
            "Same answers as yours to “%(first)s” and “%(second)s” (%(answers)s)",
            first=questions[0],
            second=questions[1],
            answers=", ".join(answers),
        )
    )


# --------------------------------------------------------------------------- the choice of group and its chart


@dataclass(frozen=True)
class PeerChoice:
    """Which of the organisation's peer groups the peer section shows (the GET form ``?peers=…``).

    ``chosen`` is the group key picked ("" for the default: every group); ``refused`` is True when
    the request named a group that is not one of the choices (the page then says so and shows the
    default); ``charted`` is the group drawn on the chart (the chosen one, else all organisations).
    """

    groups: list[PeerGroup]
    chosen: str
    refused: bool

    @property
    def shown(self) -> list[PeerGroup]:
        """The groups whose tables the section shows."""
        return [g for g in self.groups if g.key == self.chosen] if self.chosen else self.groups

    @property
    def charted(self) -> PeerGroup | None:
        """The group drawn on the chart, or None when it is below k."""
        group = self.shown[0] if self.shown else None
        return group if group is not None and group.shown else None


#: The longest group key read from the query string (longer is refused without being stored).
MAX_CHOICE = 100


def choose_peer_group(groups: list[PeerGroup], requested: str | None) -> PeerChoice:
    """Pick the group named by ``?peers=`` among the organisation's own groups; anything else is refused."""
    wanted = (requested or "").strip()
    if not wanted:
        return PeerChoice(groups, "", False)
    if len(wanted) <= MAX_CHOICE and any(group.key == wanted for group in groups):
        return PeerChoice(groups, wanted, False)
    return PeerChoice(groups, "", True)


def peer_chart(choice: PeerChoice, profile: scoring.Profile, lang: str) -> dict[str, object] | None:
    """What the peer chart draws: the charted group's private middle half and median, and the organisation's score.

    Only the private figures of a group of at least k (the same as in the table below the chart);
    None when no group can be drawn.
    """
    group = choice.charted
    if group is None:
        return None
    ids = [d.dimension.id for d in profile.dimensions]
    summaries = [group.summaries.get(dimension) for dimension in ids]
    return {
        "group": group.key,
        "title": group.label,
        "labels": [d.dimension.name.get(lang) for d in profile.dimensions],
        "band_label": str(_("Middle half of the group (approximate)")),
        "band": [None if s is None else [round(s.q1), round(s.q3)] for s in summaries],
        "median_label": str(_("Median of the group (approximate)")),
        "median": [None if s is None else round(s.median) for s in summaries],
        "own_label": str(_("Your organization")),
        "own": [d.score for d in profile.dimensions],
    }


def peer_rows(
    profile: scoring.Profile, lang: str, format_decimal: Callable[[float, str], str]
) -> Callable[[PeerGroup], list[PeerRow]]:
    """The rows of each group's table in the peer section, made in Python (a loop here costs less than in Jinja).

    ``format_decimal`` formats the private median and quartiles (whole numbers) as the template's did.
    """

    def rows(group: PeerGroup) -> list[PeerRow]:
        made: list[PeerRow] = []
        for d in profile.dimensions:
            name, score = d.dimension.name.get(lang), ("–" if d.score is None else d.score)
            summary = group.summaries.get(d.dimension.id)
            if summary:
                median, q1, q3 = (format_decimal(x, "0") for x in (summary.median, summary.q1, summary.q3))
                made.append((name, score, True, median, q1, q3, group.bands.get(d.dimension.id)))
            else:
                made.append((name, score, False, None, None, None, None))
        return made

    return rows
