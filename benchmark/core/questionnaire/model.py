"""The questionnaire's typed definitions: options, rows, items, pages and the whole questionnaire.

Built and validated by :func:`benchmark.core.questionnaire.load_questionnaire`.
Pure Python: never Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from benchmark.core import item_types
from benchmark.core.item_types import MISSING_OPTION_IDS, ItemKind
from benchmark.core.text import Text

#: The ``type:`` of an item: a name registered in :mod:`benchmark.core.item_types`.
ItemType = str


@dataclass(frozen=True)
class Option:
    """One answer option of a choice item or one point of a matrix scale."""

    id: str
    label: Text
    status: str
    exclusive: bool = False
    #: Tier of a tool in the shared task-grid list (``basic``/``technical``/``other``).
    tier: str | None = None

    @property
    def missing(self) -> bool:
        """True for options such as "I don't know" that count as no answer when scoring."""
        return self.id in MISSING_OPTION_IDS


@dataclass(frozen=True)
class Row:
    """One row of a matrix item (each row is answered on the item's scale)."""

    id: str
    label: Text
    status: str


@dataclass(frozen=True)
class Fact:
    """An organisation fact: an answer copied out of the answers for grouping and peer comparison.

    :ivar column: the assessment column the answer is copied into (``size_band`` …); for a
        multiple-choice item, the name of the table that holds one row per selected option.
    :ivar grouping: the name of the summary-count grouping by this fact, if any.
    :ivar breakdown: the public name of the breakdown in the sector view and the API ``?by=``, if any.
    :ivar peer_group: True when the results page compares with peers who gave the same answer.
    :ivar multiple: True when the item is multiple-choice (several values per assessment).
    """

    column: str
    grouping: str | None = None
    breakdown: str | None = None
    peer_group: bool = False
    multiple: bool = False


@dataclass(frozen=True)
class CombinedGrouping:
    """A summary-count grouping by two facts together (one group per pair of the two facts' values).

    :ivar name: the grouping's name in the summary counts (at most 8 characters, checked by the store).
    :ivar parts: the groupings of the two facts, in the declared order (the value is theirs joined by
        :data:`COMBINED_SEPARATOR`: ``6_10.qc``).
    :ivar peer_group: True when the results page compares with peers who gave the same two answers.
    """

    name: str
    parts: tuple[str, ...]
    peer_group: bool = False
    status: str = "reconstructed"
    rationale: str = ""


#: Joins the values of a combined grouping's facts (option ids never hold a dot).
COMBINED_SEPARATOR = "."


@dataclass(frozen=True)
class Item:
    """One question, with its 2017 provenance."""

    id: str
    section: str
    type: ItemType
    tier: str
    text: Text
    text_status_fr: str
    n_2017: int | None
    option_list_status: str | None
    option_list_rationale: str | None
    options: tuple[Option, ...]
    rows: tuple[Row, ...] = ()
    help: Text | None = None
    short_label: Text | None = None
    anchors: tuple[Text, Text] | None = None
    required: bool = False
    fact: Fact | None = None
    #: Added since 2017 (not asked then): the results say "new question", never "no figure published".
    new_since_2017: bool = False

    @property
    def kind(self) -> ItemKind:
        """The behaviour of this item's type (see :mod:`benchmark.core.item_types`)."""
        return item_types.get(self.type)

    def label(self, lang: str) -> str:
        """The item's short name in ``lang`` (results, charts, exports, PDF), else its whole text."""
        return (self.short_label or self.text).get(lang)

    def option(self, option_id: str) -> Option | None:
        """Return the option with ``option_id``, or None if the item has no such option."""
        for option in self.options:
            if option.id == option_id:
                return option
        return None

    def row(self, row_id: str) -> Row | None:
        """Return the matrix row with ``row_id``, or None."""
        return next((row for row in self.rows if row.id == row_id), None)

    def answer_keys(self) -> tuple[str, ...]:
        """Return the keys under which this item's answers are stored.

        Single, multiple and scale items store one answer under their own id;
        a matrix stores one answer per row under ``"<item>.<row>"``.
        """
        return self.kind.answer_keys(self)


@dataclass(frozen=True)
class Section:
    """A section label from the 2017 deck (several pages may share one)."""

    id: str
    title: Text


@dataclass(frozen=True)
class Page:
    """One screen of the questionnaire flow."""

    id: str
    section: str
    title: Text
    item_ids: tuple[str, ...]
    layout: str = "stack"
    intro: Text | None = None


@dataclass(frozen=True, eq=False)
class Questionnaire:
    """The whole questionnaire: a version, sections, pages in flow order and items."""

    version: str
    meta: Mapping[str, Any]
    sections: tuple[Section, ...]
    pages: tuple[Page, ...]
    items: Mapping[str, Item]
    #: Groupings by two facts together, by name (``combined_groupings:`` of the data file).
    combined_groupings: Mapping[str, CombinedGrouping] = field(default_factory=dict)
    _page_index: Mapping[str, int] = field(default_factory=dict, repr=False)

    def page(self, page_id: str) -> Page | None:
        """Return the page with ``page_id``, or None."""
        index = self._page_index.get(page_id)
        return None if index is None else self.pages[index]

    def page_number(self, page_id: str) -> int:
        """Return the 1-based position of a page in the flow."""
        return self._page_index[page_id] + 1

    def section(self, section_id: str) -> Section:
        """Return the section with ``section_id``."""
        return next(s for s in self.sections if s.id == section_id)

    def page_items(self, page: Page) -> list[Item]:
        """Return the items shown on ``page`` in display order."""
        return [self.items[item_id] for item_id in page.item_ids]

    def page_answer_keys(self, page: Page) -> list[str]:
        """Return every answer key that ``page`` can set."""
        return [key for item in self.page_items(page) for key in item.answer_keys()]

    def page_of_item(self, item_id: str) -> Page:
        """Return the page that shows ``item_id``."""
        return next(p for p in self.pages if item_id in p.item_ids)

    def iter_items(self) -> Iterator[Item]:
        """Yield every item in flow order."""
        for page in self.pages:
            yield from self.page_items(page)

    def answer_keys(self) -> list[str]:
        """Return every answer key in flow order."""
        return [key for item in self.iter_items() for key in item.answer_keys()]

    def item_for_key(self, key: str) -> tuple[Item, Row | None]:
        """Return the item (and matrix row, if any) an answer key belongs to.

        :raises KeyError: if the key names no item or row.
        """
        item_id, _, row_id = key.partition(".")
        item = self.items[item_id]
        if item.kind.has_rows:
            row = item.row(row_id)
            if row is None:
                raise KeyError(key)
            return item, row
        if row_id:
            raise KeyError(key)
        return item, None

    @cached_property
    def facts(self) -> tuple[Item, ...]:
        """The items that carry an organisation fact, in questionnaire (flow) order."""
        return tuple(item for item in self.iter_items() if item.fact is not None)

    @cached_property
    def groupings(self) -> Mapping[str, Item]:
        """Summary-count grouping name → the item whose fact it groups by (questionnaire order)."""
        return {item.fact.grouping: item for item in self.facts if item.fact and item.fact.grouping}

    @cached_property
    def breakdowns(self) -> Mapping[str, Item]:
        """Public breakdown name (sector view, API ``?by=``) → its item (questionnaire order)."""
        return {item.fact.breakdown: item for item in self.facts if item.fact and item.fact.breakdown}
