"""The organisation's answers beside the 2017 figures: the content's part made once, the answers put in per page.

Which options of an item have a published 2017 figure, their labels and formatted figures, the
item's aggregate sentences, qualitative takeaways and sources depend only on the content and the
language: :func:`compare_items` takes them from :mod:`.fragments` (made once per content and
language, never holding an answer) and adds the organisation's answer to each.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from benchmark.core.baseline import Figure
from benchmark.core.questionnaire import Item, Option, describe_answer
from benchmark.organisations.results import fragments
from benchmark.store.content import content


@dataclass(frozen=True)
class FigureRow:
    """One 2017 figure beside the organisation's own answer."""

    item: Item
    option_label: str
    figure: Figure
    formatted: str
    selected: bool | None  # None when the organisation skipped the item or answered "I don't know"
    answer: str = "skipped"  # "yes", "no", "dont_know" (or another missing option) or "skipped"


@dataclass(frozen=True)
class ItemComparison:
    """The 2017 comparison of one item: figures (if any), aggregates and qualitative findings."""

    item: Item
    your_answer: str | None
    figures: list[FigureRow]
    aggregates: list[str]
    takeaways: list[str]
    #: Where the item's published figures come from (a file of the steering repository or a URL), in order.
    sources: tuple[str, ...] = ()

    @property
    def has_figure(self) -> bool:
        """True when at least one 2017 number was published for this item."""
        return bool(self.figures or self.aggregates)


@dataclass(frozen=True)
class ItemFigures:
    """What the content says of one item's 2017 comparison (the same for every organisation)."""

    item: Item
    options: tuple[tuple[str, str, Figure, str], ...]  # (option id, label, figure, formatted figure)
    aggregates: tuple[str, ...]
    takeaways: tuple[str, ...]
    sources: tuple[str, ...]


def item_figures(item: Item, lang: str) -> ItemFigures:
    """The content's part of one item's comparison in ``lang``."""
    baseline = content().baseline
    options = []
    for option in item.options:
        figure = baseline.figure(item.id, option.id)
        if figure is not None:
            options.append((option.id, option.label.get(lang), figure, figure.format(lang)))
    aggregates = baseline.aggregates(item.id)
    found = [figure.source for _id, _label, figure, _text in options] + [aggregate.source for aggregate in aggregates]
    return ItemFigures(
        item,
        tuple(options),
        tuple(aggregate.sentence(lang) for aggregate in aggregates),
        tuple(takeaway.text.get(lang) for takeaway in baseline.takeaways(item.id)),
        tuple(dict.fromkeys(found)),
    )


def _all_item_figures(lang: str) -> tuple[ItemFigures, ...]:
    return tuple(item_figures(item, lang) for item in content().questionnaire.iter_items())


def compare_items(answers: dict[str, Any], lang: str) -> list[ItemComparison]:
    """Every item of the questionnaire beside its 2017 figures, in questionnaire order."""
    parts = fragments.kept("item_figures", lang, lambda: _all_item_figures(lang))
    describe = fragments.describer(lang)
    options = fragments.kept("options", "", _options)  # the same in every language
    return [_compare(part, answers.get(part.item.id), describe, options) for part in parts]


def compare_item(item: Item, answers: dict[str, Any], lang: str) -> ItemComparison:
    """Set the organisation's answer to one item beside whatever 2017 published for it."""
    return _compare(
        item_figures(item, lang), answers.get(item.id), lambda item, value: describe_answer(item, value, lang)
    )


def _compare(
    part: ItemFigures,
    value: Any,
    describe: Callable[[Item, Any], str | None],
    options: Mapping[tuple[str, str], Option] | None = None,
) -> ItemComparison:
    item = part.item
    rows = []
    state = answer_state(item, value, options)
    for option_id, label, figure, formatted in part.options:
        selected = None
        if state == "answered":
            selected = option_id in value if isinstance(value, list) else option_id == value
        answer = state if selected is None else ("yes" if selected else "no")
        rows.append(FigureRow(item, label, figure, formatted, selected, answer))
    your_answer = None if item.kind.has_rows else describe(item, value)
    return ItemComparison(item, your_answer, rows, list(part.aggregates), list(part.takeaways), part.sources)


def answer_state(item: Item, value: Any, options: Mapping[tuple[str, str], Option] | None = None) -> str:
    """``skipped``, ``answered``, or the id of the "I don't know"-like option the organisation chose.

    An "I don't know" answer says nothing about the other options: beside a 2017 figure it is
    shown as such, never as "No".  ``options``: the questionnaire's options by (item id, option
    id), the first of an id as :meth:`Item.option` finds it (looked up there when not given).
    """
    if value is None or value == []:
        return "skipped"
    chosen = value if isinstance(value, list) else [value]
    for option_id in chosen:
        option = item.option(str(option_id)) if options is None else options.get((item.id, str(option_id)))
        if option is not None and option.missing:
            return option.id
    return "answered"


def _options() -> dict[tuple[str, str], Option]:
    found: dict[tuple[str, str], Option] = {}
    for item in content().questionnaire.iter_items():
        for option in item.options:
            found.setdefault((item.id, option.id), option)
    return found
