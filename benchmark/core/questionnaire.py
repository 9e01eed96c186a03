"""The questionnaire as data: typed definitions and a validating loader.

The questionnaire (items, options, pages, provenance) lives in
``benchmark/core/data/questionnaire.yaml``.  :func:`load_questionnaire` reads it
and checks every rule the rest of the product relies on; a broken file stops
the application at start with a :class:`QuestionnaireError` that names the
offending entry.

This module is pure Python: it must never import Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast

import yaml

from benchmark.core._shape import Shape
from benchmark.core.text import LANGUAGES as LANGUAGES
from benchmark.core.text import Text as Text

ITEM_TYPES: frozenset[str] = frozenset({"single", "multi", "scale_0_10", "matrix"})
TIERS: frozenset[str] = frozenset({"core", "optional"})
TEXT_STATUSES: frozenset[str] = frozenset({"source", "adapted", "reconstructed", "translation"})
OPTION_STATUSES: frozenset[str] = frozenset({"source", "adapted", "reconstructed"})
LAYOUTS: frozenset[str] = frozenset({"stack", "grid"})
ITEM_ID_PATTERN = re.compile(r"^(q\d+(_\d+)?|n\d+)$")
OPTION_ID_PATTERN = re.compile(r"^[a-z0-9_]{1,40}$")
PAGE_ID_PATTERN = re.compile(r"^[a-z0-9-]{1,40}$")
ITEM_KEYS = frozenset(
    {
        "id",
        "section",
        "type",
        "tier",
        "text",
        "text_status_fr",
        "help",
        "short_label",
        "n_2017",
        "option_list_status",
        "option_list_rationale",
        "options",
        "options_from",
        "rows",
        "anchors",
        "required",
    }
)
OPTION_KEYS = frozenset({"id", "label", "status", "exclusive", "tier"})
ROW_KEYS = frozenset({"id", "label", "status"})
PAGE_KEYS = frozenset({"id", "section", "title", "intro", "layout", "items"})
SECTION_KEYS = frozenset({"id", "title"})
TOOL_TIERS = frozenset({"basic", "technical", "other"})
#: Answer option ids that count as "missing" for scoring (never as an answer).
MISSING_OPTION_IDS: frozenset[str] = frozenset({"dont_know"})

ItemType = Literal["single", "multi", "scale_0_10", "matrix"]
AnswerValue = str | int | list[str]


class QuestionnaireError(ValueError):
    """Raised when a questionnaire data file breaks a rule; the message names the entry."""


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

    def option(self, option_id: str) -> Option | None:
        """Return the option with ``option_id``, or None if the item has no such option."""
        for option in self.options:
            if option.id == option_id:
                return option
        return None

    def answer_keys(self) -> tuple[str, ...]:
        """Return the keys under which this item's answers are stored.

        Single, multiple and scale items store one answer under their own id;
        a matrix stores one answer per row under ``"<item>.<row>"``.
        """
        if self.type == "matrix":
            return tuple(f"{self.id}.{row.id}" for row in self.rows)
        return (self.id,)


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
        if item.type == "matrix":
            row = next((r for r in item.rows if r.id == row_id), None)
            if row is None:
                raise KeyError(key)
            return item, row
        if row_id:
            raise KeyError(key)
        return item, None


# --------------------------------------------------------------------------- answers


def check_answer(item: Item, value: object) -> str | None:
    """Check one stored answer value against its item definition.

    :param item: the item (for a matrix, the value is one row's answer).
    :param value: the value as stored: an option id, a list of option ids or an int.
    :return: None when valid, otherwise an error code (``"unknown_option"``,
        ``"out_of_range"``, ``"wrong_type"``, ``"exclusive"``, ``"duplicate"``, ``"empty"``).
    """
    if item.type == "scale_0_10":
        if isinstance(value, bool) or not isinstance(value, int):
            return "wrong_type"
        return None if 0 <= value <= 10 else "out_of_range"
    if item.type == "multi":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return "wrong_type"
        return check_multi_selection(item, cast(list[str], value))
    if not isinstance(value, str):
        return "wrong_type"
    return None if item.option(value) is not None else "unknown_option"


def check_multi_selection(item: Item, selected: list[str]) -> str | None:
    """Check a multiple-choice selection: known ids, no repeats, exclusive options alone."""
    if not selected:
        return "empty"
    if len(set(selected)) != len(selected):
        return "duplicate"
    options = [item.option(option_id) for option_id in selected]
    if any(option is None for option in options):
        return "unknown_option"
    if len(selected) > 1 and any(option is not None and option.exclusive for option in options):
        return "exclusive"
    return None


def describe_answer(item: Item, value: object, lang: str) -> str | None:
    """Return a stored answer as readable text in ``lang`` (None when not answered).

    Option ids become their labels (joined with "; " for several), a scale value
    becomes ``"7 / 10"``; ids the item does not know are left out.
    """
    if value is None:
        return None
    if item.type == "scale_0_10":
        return f"{value} / 10"
    ids = value if isinstance(value, list) else [value]
    labels = [option.label.get(lang) for option_id in ids if (option := item.option(str(option_id)))]
    return "; ".join(labels) if labels else None


def clean_answers(questionnaire: Questionnaire, answers: Mapping[str, object]) -> dict[str, AnswerValue]:
    """Return only the answers that are valid for ``questionnaire``, dropping the rest.

    Used when stored answers from an older version are re-read: anything the
    current definitions do not accept is left out rather than trusted.
    """
    cleaned: dict[str, AnswerValue] = {}
    for key, value in answers.items():
        try:
            item, _row = questionnaire.item_for_key(key)
        except KeyError:
            continue
        if check_answer(item, value) is None:
            cleaned[key] = cast(AnswerValue, value)
    return cleaned


# --------------------------------------------------------------------------- loading


def default_data_path() -> Path:
    """Return the path of the questionnaire shipped with the package."""
    return Path(str(resources.files("benchmark.core") / "data" / "questionnaire.yaml"))


def load_questionnaire(path: Path | None = None) -> Questionnaire:
    """Read and validate a questionnaire data file.

    :param path: the YAML file; the packaged questionnaire by default.
    :raises QuestionnaireError: naming the first entry that breaks a rule.
    """
    source = path or default_data_path()
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise QuestionnaireError(f"{source}: cannot read questionnaire data: {error}") from error
    return parse_questionnaire(raw)


def parse_questionnaire(raw: object) -> Questionnaire:
    """Build a :class:`Questionnaire` from already-parsed data, validating every rule.

    :raises QuestionnaireError: naming the first entry that breaks a rule.
    """
    data = _mapping(raw, "questionnaire")
    meta = _mapping(data.get("meta"), "meta")
    version = meta.get("questionnaire_version")
    if not isinstance(version, str) or not version:
        raise QuestionnaireError("meta: questionnaire_version is missing")
    sections = tuple(_parse_section(s) for s in _list(data.get("sections"), "sections"))
    section_ids = _unique([s.id for s in sections], "section")
    tools = _parse_tool_list(data.get("tool_list"))
    items = [_parse_item(i, tools, section_ids) for i in _list(data.get("items"), "items")]
    _unique([i.id for i in items], "item")
    item_map = {item.id: item for item in items}
    pages = tuple(_parse_page(p, item_map, section_ids) for p in _list(data.get("pages"), "pages"))
    _unique([p.id for p in pages], "page")
    _check_every_item_on_one_page(pages, item_map)
    return Questionnaire(
        version=version,
        meta=meta,
        sections=sections,
        pages=pages,
        items=item_map,
        _page_index={page.id: index for index, page in enumerate(pages)},
    )


def _parse_section(raw: object) -> Section:
    data = _mapping(raw, "section")
    section_id = _identifier(data.get("id"), "section", OPTION_ID_PATTERN)
    _known_keys(data, SECTION_KEYS, f"section {section_id}")
    return Section(id=section_id, title=_text(data.get("title"), f"section {section_id}: title"))


def _parse_tool_list(raw: object) -> tuple[Option, ...]:
    if raw is None:
        return ()
    data = _mapping(raw, "tool_list")
    return _parse_options(data.get("options"), "tool_list")


def _parse_item(raw: object, tools: tuple[Option, ...], section_ids: set[str]) -> Item:
    data = _mapping(raw, "item")
    item_id = data.get("id")
    if not isinstance(item_id, str) or not ITEM_ID_PATTERN.match(item_id):
        raise QuestionnaireError(f"item {item_id!r}: id must match {ITEM_ID_PATTERN.pattern}")
    where = f"item {item_id}"
    _known_keys(data, ITEM_KEYS, where)
    item_type = data.get("type")
    if item_type not in ITEM_TYPES:
        raise QuestionnaireError(f"{where}: unknown type {item_type!r} (known: {sorted(ITEM_TYPES)})")
    section = data.get("section")
    if section not in section_ids:
        raise QuestionnaireError(f"{where}: unknown section {section!r}")
    tier = data.get("tier")
    if tier not in TIERS:
        raise QuestionnaireError(f"{where}: tier must be one of {sorted(TIERS)}")
    text_status = data.get("text_status_fr")
    if text_status not in TEXT_STATUSES:
        raise QuestionnaireError(f"{where}: text_status_fr must be one of {sorted(TEXT_STATUSES)}")
    n_2017 = data.get("n_2017")
    if n_2017 is not None and (not isinstance(n_2017, int) or not 0 < n_2017 <= 261):
        raise QuestionnaireError(f"{where}: n_2017 must be null or a count between 1 and 261")
    if item_id.startswith("n") and n_2017 is not None:
        raise QuestionnaireError(f"{where}: a new item (n…) cannot have a 2017 n")
    options = _item_options(data, item_type, tools, where)
    rows = _item_rows(data, item_type, where)
    anchors = _item_anchors(data, item_type, where)
    return Item(
        id=item_id,
        section=cast(str, section),
        type=cast(ItemType, item_type),
        tier=cast(str, tier),
        text=_text(data.get("text"), f"{where}: text"),
        text_status_fr=cast(str, text_status),
        n_2017=n_2017,
        option_list_status=_optional_str(data.get("option_list_status"), f"{where}: option_list_status"),
        option_list_rationale=_optional_str(data.get("option_list_rationale"), f"{where}: option_list_rationale"),
        options=options,
        rows=rows,
        help=_optional_text(data.get("help"), f"{where}: help"),
        short_label=_optional_text(data.get("short_label"), f"{where}: short_label"),
        anchors=anchors,
        required=_flag(data, "required", where),
    )


def _item_options(data: Mapping[str, Any], item_type: str, tools: tuple[Option, ...], where: str) -> tuple[Option, ...]:
    if item_type == "scale_0_10":
        if data.get("options"):
            raise QuestionnaireError(f"{where}: a 0–10 scale takes anchors, not options")
        return ()
    if data.get("options_from") == "tool_list":
        if not tools:
            raise QuestionnaireError(f"{where}: options_from tool_list but no tool_list is defined")
        return tools
    options = _parse_options(data.get("options"), where)
    if item_type != "matrix" and len(options) < 2:
        raise QuestionnaireError(f"{where}: a {item_type} item needs at least two options")
    if item_type == "matrix" and len(options) < 2:
        raise QuestionnaireError(f"{where}: a matrix needs a scale of at least two options")
    return options


def _parse_options(raw: object, where: str) -> tuple[Option, ...]:
    options = []
    for entry in _list(raw, f"{where}: options"):
        data = _mapping(entry, f"{where}: option")
        option_id = _identifier(data.get("id"), f"{where}: option", OPTION_ID_PATTERN)
        _known_keys(data, OPTION_KEYS, f"{where}: option {option_id}")
        tier = data.get("tier")
        if tier is not None and tier not in TOOL_TIERS:
            raise QuestionnaireError(f"{where}: option {option_id}: tier must be one of {sorted(TOOL_TIERS)}")
        status = data.get("status")
        if status not in OPTION_STATUSES:
            raise QuestionnaireError(f"{where}: option {option_id}: status must be one of {sorted(OPTION_STATUSES)}")
        options.append(
            Option(
                id=option_id,
                label=_text(data.get("label"), f"{where}: option {option_id}: label"),
                status=cast(str, status),
                exclusive=_flag(data, "exclusive", f"{where}: option {option_id}"),
                tier=tier,
            )
        )
    _unique([o.id for o in options], f"{where}: option")
    return tuple(options)


def _item_rows(data: Mapping[str, Any], item_type: str, where: str) -> tuple[Row, ...]:
    raw_rows = data.get("rows")
    if item_type != "matrix":
        if raw_rows:
            raise QuestionnaireError(f"{where}: only a matrix item has rows")
        return ()
    rows = []
    for entry in _list(raw_rows, f"{where}: rows"):
        row = _mapping(entry, f"{where}: row")
        row_id = _identifier(row.get("id"), f"{where}: row", OPTION_ID_PATTERN)
        _known_keys(row, ROW_KEYS, f"{where}: row {row_id}")
        status = row.get("status")
        if status not in OPTION_STATUSES:
            raise QuestionnaireError(f"{where}: row {row_id}: status must be one of {sorted(OPTION_STATUSES)}")
        rows.append(Row(id=row_id, label=_text(row.get("label"), f"{where}: row {row_id}: label"), status=status))
    if not rows:
        raise QuestionnaireError(f"{where}: a matrix needs at least one row")
    _unique([r.id for r in rows], f"{where}: row")
    return tuple(rows)


def _item_anchors(data: Mapping[str, Any], item_type: str, where: str) -> tuple[Text, Text] | None:
    raw = data.get("anchors")
    if item_type != "scale_0_10":
        if raw:
            raise QuestionnaireError(f"{where}: only a 0–10 scale has anchors")
        return None
    anchors = _mapping(raw, f"{where}: anchors")
    return (_text(anchors.get("min"), f"{where}: anchors.min"), _text(anchors.get("max"), f"{where}: anchors.max"))


def _parse_page(raw: object, items: Mapping[str, Item], section_ids: set[str]) -> Page:
    data = _mapping(raw, "page")
    page_id = _identifier(data.get("id"), "page", PAGE_ID_PATTERN)
    where = f"page {page_id}"
    _known_keys(data, PAGE_KEYS, where)
    section = data.get("section")
    if section not in section_ids:
        raise QuestionnaireError(f"{where}: unknown section {section!r}")
    item_ids = tuple(_list(data.get("items"), f"{where}: items"))
    if not item_ids:
        raise QuestionnaireError(f"{where}: a page needs at least one item")
    for item_id in item_ids:
        if item_id not in items:
            raise QuestionnaireError(f"{where}: unknown item {item_id!r}")
        if items[item_id].section != section:
            raise QuestionnaireError(
                f"{where}: item {item_id} belongs to section {items[item_id].section}, not {section}"
            )
    layout = data.get("layout", "stack")
    if layout not in LAYOUTS:
        raise QuestionnaireError(f"{where}: layout must be one of {sorted(LAYOUTS)}")
    if layout == "grid":
        _check_grid(where, [items[i] for i in item_ids])
    return Page(
        id=page_id,
        section=cast(str, section),
        title=_text(data.get("title"), f"{where}: title"),
        item_ids=cast(tuple[str, ...], item_ids),
        layout=layout,
        intro=_optional_text(data.get("intro"), f"{where}: intro"),
    )


def _check_grid(where: str, grid_items: list[Item]) -> None:
    first = grid_items[0].options
    for item in grid_items:
        if item.type != "multi" or item.options != first:
            raise QuestionnaireError(
                f"{where}: item {item.id}: every grid column must be a multi item sharing one option list"
            )
        if item.short_label is None:
            raise QuestionnaireError(f"{where}: item {item.id}: a grid column needs a short_label")


def _check_every_item_on_one_page(pages: Iterable[Page], items: Mapping[str, Item]) -> None:
    seen: dict[str, str] = {}
    for page in pages:
        for item_id in page.item_ids:
            if item_id in seen:
                raise QuestionnaireError(f"item {item_id}: on two pages ({seen[item_id]}, {page.id})")
            seen[item_id] = page.id
    for item_id in items:
        if item_id not in seen:
            raise QuestionnaireError(f"item {item_id}: not on any page")


# --------------------------------------------------------------------------- helpers

_shape = Shape(QuestionnaireError)
_mapping = _shape.mapping
_list = _shape.sequence
_text = _shape.text
_unique = _shape.unique


def _known_keys(data: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise QuestionnaireError(f"{where}: unknown field(s) {', '.join(map(str, unknown))}")


def _flag(data: Mapping[str, Any], key: str, where: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise QuestionnaireError(f"{where}: {key} must be true or false")
    return value


def _identifier(raw: object, where: str, pattern: re.Pattern[str]) -> str:
    if not isinstance(raw, str) or not pattern.match(raw):
        raise QuestionnaireError(f"{where} {raw!r}: id must match {pattern.pattern}")
    return raw


def _optional_text(raw: object, where: str) -> Text | None:
    return None if raw is None else _text(raw, where)


def _optional_str(raw: object, where: str) -> str | None:
    if raw is None or isinstance(raw, str):
        return raw
    raise QuestionnaireError(f"{where}: expected text")
