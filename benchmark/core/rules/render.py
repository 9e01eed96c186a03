"""Rendering for display: why-lines with their placeholders, answer references and practice links.

Placeholders in why-texts: ``{label:KEY}`` (the answer's option labels), ``{value:KEY}`` (the raw
value), ``{score:D}`` and ``{level:D}`` (a dimension), ``{fig:ITEM.OPTION}`` (a baseline figure with
n and status), and ``{k}``/``{tools}`` (what a counting condition with ``bind: true`` found).
Pure Python: never Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from benchmark.core.baseline import Baseline
from benchmark.core.questionnaire import Item, Questionnaire
from benchmark.core.rules.context import Context
from benchmark.core.rules.model import AnswerRef, FiredRule, Link, RenderedLink, RuleSet, WhyLine
from benchmark.core.scoring import Profile
from benchmark.core.text import Text

#: Every placeholder a why-text may use (see the module docstring).
#: ``{kind:arg}``, ``{k}`` / ``{tools}``, or ``{k|singular|plural}``: the count with its noun in the right
#: plural form (English: 1 is singular; French: 0 and 1 are, as in the catalogue's ``plural=(n > 1)``).
PLACEHOLDER = re.compile(r"\{(?:(label|value|score|level|fig):([A-Za-z0-9_.]+)|(k|tools)|k\|([^{}|]+)\|([^{}|]+))\}")

NOT_PUBLISHED = Text(en="not published", fr="non publié")
NO_TOOLS = Text(en="none", fr="aucun")


def render_link(link: Link, lang: str) -> RenderedLink:
    """Render one practice link for ``lang``."""
    return RenderedLink(
        id=link.id, name=link.name, url=link.url, note=link.note(lang), indicates=link.indicates.get(lang)
    )


def practice_links(rules: RuleSet, lang: str) -> list[RenderedLink]:
    """Return the full list of 12 practice links (FR-available first in the FR UI)."""
    links = list(rules.links)
    if lang == "fr":
        links.sort(key=lambda link: not link.available_in_french())
    return [render_link(link, lang) for link in links]


def lower_first(text: str) -> str:
    """Lower-case the first letter for use inside a sentence, unless it starts an acronym (``IT``, ``SMS``)."""
    if not text or (len(text) > 1 and text[1].isupper()):
        return text
    return text[0].lower() + text[1:]


_EXAMPLES = re.compile(r"\s*\((?:e\.g\.|p\. ex\.)[^)]*\)")


def short_option_label(label: str) -> str:
    """Return an option label without its examples in parentheses (``Video (e.g. YouTube)`` → ``Video``)."""
    return _EXAMPLES.sub("", label).strip()


class Renderer:
    """Renders why-lines and answer references for one set of answers in one language."""

    def __init__(
        self,
        answers: Mapping[str, object],
        profile: Profile,
        questionnaire: Questionnaire,
        baseline: Baseline,
        rules: RuleSet,
        lang: str,
    ) -> None:
        self.answers = answers
        self.profile = profile
        self.questionnaire = questionnaire
        self.baseline = baseline
        self.rules = rules
        self.lang = lang

    def why_line(self, fired: FiredRule) -> WhyLine:
        """Render the why-text of a fired rule with its placeholders, answers and steps."""
        text = PLACEHOLDER.sub(lambda m: self._placeholder(m, fired), fired.variant.text.get(self.lang))
        answers = tuple(self.answer_ref(key) for key in fired.match.keys)
        offered = fired.rule.offered_steps(Context(self.answers, self.profile))
        steps = tuple(fired.rule.steps[index].get(self.lang) for index, _targeted in offered)
        return WhyLine(rule_id=fired.rule.id, text=text, answers=answers, steps=steps)

    def _placeholder(self, m: re.Match[str], fired: FiredRule) -> str:
        kind, arg, bare = m.group(1), m.group(2), m.group(3)
        bound = fired.match.bound
        if m.group(4) is not None:
            count = bound.count if bound else 0
            singular = count <= 1 if self.lang == "fr" else count == 1
            return f"{count} {m.group(4) if singular else m.group(5)}"
        if bare == "k":
            return str(bound.count) if bound else "0"
        if bare == "tools":
            if bound is None or not bound.options:
                return NO_TOOLS.get(self.lang)
            item = self.questionnaire.items[bound.item]
            return ", ".join(lower_first(short_option_label(self._option_label(item, o))) for o in bound.options)
        if kind == "label":
            return lower_first(self.answer_text(arg))
        if kind == "value":
            value = self.answers.get(arg)
            return "—" if value is None else str(value)
        if kind == "score":
            value = self.profile.score(arg)
            return "—" if value is None else str(value)
        if kind == "level":
            level = self.profile.level(arg)
            return "—" if level is None else level.name.get(self.lang)
        item_id, _, option_id = arg.partition(".")
        figure = self.baseline.figure(item_id, option_id)
        return NOT_PUBLISHED.get(self.lang) if figure is None else figure.format(self.lang)

    def _option_label(self, item: Item, option_id: str) -> str:
        option = item.option(option_id)
        return option_id if option is None else option.label.get(self.lang)

    def answer_text(self, key: str) -> str:
        """Return the stored answer of ``key`` as shown: option label(s) or the number."""
        raw = self.answers.get(key)
        if raw is None:
            return "—"
        item, _row = self.questionnaire.item_for_key(key)
        if isinstance(raw, list):
            return ", ".join(self._option_label(item, str(o)) for o in raw)
        if isinstance(raw, str):
            return self._option_label(item, raw)
        return str(raw)

    def answer_ref(self, key: str) -> AnswerRef:
        """Name one triggering answer (or dimension level) for display."""
        if key.startswith("level:"):
            dimension_id = key.partition(":")[2]
            ds = self.profile.get(dimension_id)
            level = "—" if ds.level is None else ds.level.name.get(self.lang)
            return AnswerRef(key, ds.dimension.name.get(self.lang), f"{ds.score}/100 ({level})")
        item, row = self.questionnaire.item_for_key(key)
        if row is not None:
            question = row.label.get(self.lang)
        elif item.short_label is not None:
            question = item.short_label.get(self.lang)
        else:
            question = item_number(item.id)
        return AnswerRef(key, question, self.answer_text(key))


def item_number(item_id: str) -> str:
    """Return the display number of an item id (``q2_2`` → ``Q2.2``, ``n1`` → ``N1``)."""
    return item_id[0].upper() + item_id[1:].replace("_", ".")
