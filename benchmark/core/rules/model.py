"""The recommendations file as data (:class:`RuleSet` …) and what evaluating it returns. Pure Python."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from benchmark.core.rules.conditions import Condition, Otherwise
from benchmark.core.rules.context import Context, Match
from benchmark.core.text import Text

#: At most this many links are shown per recommendation (design §4.5).
MAX_LINKS = 3
#: At most this many why-lines are shown per recommendation (design §4.5).
MAX_WHY_LINES = 3
#: The first this-many recommendations were shown expanded (design §4.5). Every recommendation that
#: fires is now shown open (issue 14: a triggered one is never collapsed); kept for the data's users.
EXPANDED_GROUPS = 5
#: The results page's summary and the PDF show this many next steps first (:func:`~.engine.top_steps`).
TOP_STEPS = 3

FRENCH_PAGE = Text(en="[French page]", fr="[page en français]")
ENGLISH_ONLY = Text(en="[English only]", fr="[en anglais seulement]")


@dataclass(frozen=True)
class Recommendation:
    """One of the five 2017 recommendations (FR verbatim, EN our rendering)."""

    id: str
    number: int
    text: Text


@dataclass(frozen=True)
class Link:
    """One of the twelve innovative-practice links of the 2017 report."""

    id: str
    name: str
    url_2017: str
    url_current: str | None
    english_only: bool
    french_page: bool
    indicates: Text

    @property
    def url(self) -> str:
        """The checked current URL if there is one, else the URL as printed in 2017."""
        return self.url_current or self.url_2017

    def available_in_french(self) -> bool:
        """True for links the source does not mark "[en anglais seulement]"."""
        return not self.english_only

    def note(self, lang: str) -> str | None:
        """Return the language note shown next to the link in ``lang``, if any."""
        if lang == "fr" and self.english_only:
            return ENGLISH_ONLY.fr
        if lang != "fr" and self.french_page:
            return FRENCH_PAGE.en
        return None


@dataclass(frozen=True)
class Variant:
    """One why-text; used when ``when`` holds (or always, when it is None)."""

    text: Text
    when: Condition | None = None


@dataclass(frozen=True)
class Rule:
    """One rule: trigger, why-text variants, steps and links for one recommendation."""

    id: str
    recommendation: str
    priority: int
    trigger: Condition
    why: tuple[Variant, ...]
    steps: tuple[Text, ...]
    links: tuple[str, ...]
    full_list: bool = False
    #: Per step, the condition under which it is offered (None: whenever the rule fires). A step that
    #: would contradict an answer ("turn on your website statistics" without a website) has one.
    step_when: tuple[Condition | None, ...] = ()

    def step_condition(self, index: int) -> Condition | None:
        """The condition of step ``index``, or None when it has none."""
        return self.step_when[index] if index < len(self.step_when) else None

    def offered_steps(self, ctx: Context) -> tuple[tuple[int, bool], ...]:
        """The steps offered for these answers: ``(index, targeted)``, targeted when the step's own condition held.

        A step whose condition does not hold is left out (on missing or "I don't know" answers too,
        like every condition): it could contradict what the organisation told us.
        """
        offered = []
        for index in range(len(self.steps)):
            condition = self.step_condition(index)
            if condition is None:
                offered.append((index, False))
            elif condition.evaluate(ctx) is not None:
                offered.append((index, True))
        return tuple(offered)

    @property
    def is_default(self) -> bool:
        """True for the rule that fires only when no other rule does."""
        return isinstance(self.trigger, Otherwise)


@dataclass(frozen=True)
class RuleSet:
    """The whole recommendations file, validated."""

    version: str
    recommendations: tuple[Recommendation, ...]
    links: tuple[Link, ...]
    rules: tuple[Rule, ...]
    task_sets: Mapping[str, tuple[str, ...]]
    tool_sets: Mapping[str, tuple[str, ...]]

    def recommendation(self, recommendation_id: str) -> Recommendation:
        """Return a recommendation by id (``R1`` … ``R5``)."""
        return next(r for r in self.recommendations if r.id == recommendation_id)

    def link(self, link_id: str) -> Link:
        """Return a link by id (``L01`` … ``L12``)."""
        return next(link for link in self.links if link.id == link_id)

    def rule(self, rule_id: str) -> Rule:
        """Return a rule by id."""
        return next(rule for rule in self.rules if rule.id == rule_id)


@dataclass(frozen=True)
class AnswerRef:
    """One answer that triggered a why-line, named for display.

    :ivar key: the answer key (``q8.privacy``) or ``level:D`` for a dimension level.
    :ivar question: a short name of the question (row label, task label or dimension name).
    :ivar answer: the answer as shown (option labels, the 0–10 value, or ``score/100 (level)``).
    """

    key: str
    question: str
    answer: str


@dataclass(frozen=True)
class WhyLine:
    """One rendered "why you see this" line of a fired rule."""

    rule_id: str
    text: str
    answers: tuple[AnswerRef, ...]
    steps: tuple[str, ...]


@dataclass(frozen=True)
class RenderedLink:
    """A practice link ready for display in one language."""

    id: str
    name: str
    url: str
    note: str | None
    indicates: str


@dataclass(frozen=True)
class NextStep:
    """One next step offered to an organisation, with how well it fits its answers.

    :ivar fit: 2 when the step's own condition held (it was written for answers like these),
        plus the number of answers that triggered its rule (at most 3); the default rule's steps fit 0.
    :ivar order: where it stands among all the steps offered (recommendation order, rule priority,
        step position): breaks ties in fit.
    """

    text: str
    recommendation: str
    rule_id: str
    index: int
    fit: int
    order: tuple[int, int, int]


@dataclass(frozen=True)
class RecommendationGroup:
    """One recommendation with the fired rules that point to it.

    :ivar text: the recommendation in ``lang`` (FR verbatim; EN our rendering).
    :ivar translated: True in the EN UI ("translated from the French report").
    :ivar why: every why-line in rule priority order (show :attr:`shown_why`).
    :ivar steps: the next steps of the fired rules, in rule order, without repeats.
    :ivar links: at most 3 links, FR-available first in the FR UI.
    :ivar expanded: True for every group (a recommendation that fired is never collapsed).
    :ivar full_list: True when the full list of 12 practices should be offered prominently.
    :ivar next_steps: :attr:`steps` with their fit (see :func:`~.engine.top_steps`).
    """

    recommendation: Recommendation
    text: str
    translated: bool
    rules: tuple[str, ...]
    why: tuple[WhyLine, ...]
    steps: tuple[str, ...]
    links: tuple[RenderedLink, ...]
    expanded: bool
    full_list: bool = False
    next_steps: tuple[NextStep, ...] = ()

    @property
    def shown_why(self) -> tuple[WhyLine, ...]:
        """The why-lines to show (at most :data:`MAX_WHY_LINES`, in rule order)."""
        return self.why[:MAX_WHY_LINES]


@dataclass(frozen=True)
class FiredRule:
    """A rule that fired, with its evidence and the variant chosen for its why-text."""

    rule: Rule
    match: Match
    variant: Variant
