"""Reading and validating ``questionnaire.yaml`` (see :func:`load_questionnaire`).

Every rule the rest of the product relies on is checked here; a broken file stops the
application at start with a :class:`QuestionnaireError` that names the offending entry.
The per-type rules (which types have options, rows or anchors) come from the item-type
registry (:mod:`benchmark.core.item_types`).  Pure Python: never Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, cast

import yaml

from benchmark.core import item_types
from benchmark.core._shape import Shape
from benchmark.core.item_types import ItemKind
from benchmark.core.questionnaire.model import Fact, Item, Option, Page, Questionnaire, Row, Section
from benchmark.core.text import Text

#: The item types known when this module was imported (the loader asks the registry itself).
ITEM_TYPES: frozenset[str] = item_types.names()
TIERS: frozenset[str] = frozenset({"core", "optional"})
TEXT_STATUSES: frozenset[str] = frozenset({"source", "adapted", "reconstructed", "translation"})
OPTION_STATUSES: frozenset[str] = frozenset({"source", "adapted", "reconstructed"})
LAYOUTS: frozenset[str] = frozenset({"stack", "grid"})
ITEM_ID_PATTERN = re.compile(r"^(q\d+(_\d+)?|n\d+)$")
OPTION_ID_PATTERN = re.compile(r"^[a-z0-9_]{1,40}$")
PAGE_ID_PATTERN = re.compile(r"^[a-z0-9-]{1,40}$")
#: Fact columns, groupings and breakdowns are identifiers (they name database columns and URL values).
FACT_NAME_PATTERN = re.compile(r"^[a-z_][a-z0-9_]{0,39}$")
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
        "fact",
    }
)
OPTION_KEYS = frozenset({"id", "label", "status", "exclusive", "tier"})
ROW_KEYS = frozenset({"id", "label", "status"})
PAGE_KEYS = frozenset({"id", "section", "title", "intro", "layout", "items"})
SECTION_KEYS = frozenset({"id", "title"})
FACT_KEYS = frozenset({"column", "grouping", "breakdown", "peer_group"})
TOOL_TIERS = frozenset({"basic", "technical", "other"})


class QuestionnaireError(ValueError):
    """Raised when a questionnaire data file breaks a rule; the message names the entry."""


_shape = Shape(QuestionnaireError)


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
    data = _shape.mapping(raw, "questionnaire")
    meta = _shape.mapping(data.get("meta"), "meta")
    version = meta.get("questionnaire_version")
    if not isinstance(version, str) or not version:
        raise QuestionnaireError("meta: questionnaire_version is missing")
    if "rubric_version" in meta:
        raise QuestionnaireError(
            "meta: rubric_version does not belong here: the rubric version is declared once, "
            "as rubric_version in scoring.yaml (read it as rubric.version)"
        )
    sections = tuple(_parse_section(s) for s in _shape.sequence(data.get("sections"), "sections"))
    section_ids = _shape.unique([s.id for s in sections], "section")
    tools = _parse_tool_list(data.get("tool_list"))
    items = [_parse_item(i, tools, section_ids) for i in _shape.sequence(data.get("items"), "items")]
    _shape.unique([i.id for i in items], "item")
    _check_fact_names(items)
    item_map = {item.id: item for item in items}
    pages = tuple(_parse_page(p, item_map, section_ids) for p in _shape.sequence(data.get("pages"), "pages"))
    _shape.unique([p.id for p in pages], "page")
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
    data = _shape.mapping(raw, "section")
    section_id = _shape.identifier(data.get("id"), "section", OPTION_ID_PATTERN)
    _shape.known_keys(data, SECTION_KEYS, f"section {section_id}")
    return Section(id=section_id, title=_shape.text(data.get("title"), f"section {section_id}: title"))


def _parse_tool_list(raw: object) -> tuple[Option, ...]:
    if raw is None:
        return ()
    data = _shape.mapping(raw, "tool_list")
    return _parse_options(data.get("options"), "tool_list")


def _parse_item(raw: object, tools: tuple[Option, ...], section_ids: set[str]) -> Item:
    data = _shape.mapping(raw, "item")
    item_id = data.get("id")
    if not isinstance(item_id, str) or not ITEM_ID_PATTERN.match(item_id):
        raise QuestionnaireError(f"item {item_id!r}: id must match {ITEM_ID_PATTERN.pattern}")
    where = f"item {item_id}"
    _shape.known_keys(data, ITEM_KEYS, where)
    item_type = data.get("type")
    if not isinstance(item_type, str) or item_type not in item_types.names():
        raise QuestionnaireError(f"{where}: unknown type {item_type!r} (known: {sorted(item_types.names())})")
    kind = item_types.get(item_type)
    section = data.get("section")
    if section not in section_ids:
        raise QuestionnaireError(f"{where}: unknown section {section!r}")
    tier = _shape.one_of(data.get("tier"), TIERS, where, "tier")
    text_status = _shape.one_of(data.get("text_status_fr"), TEXT_STATUSES, where, "text_status_fr")
    n_2017 = data.get("n_2017")
    if n_2017 is not None and (not isinstance(n_2017, int) or not 0 < n_2017 <= 261):
        raise QuestionnaireError(f"{where}: n_2017 must be null or a count between 1 and 261")
    if item_id.startswith("n") and n_2017 is not None:
        raise QuestionnaireError(f"{where}: a new item (n…) cannot have a 2017 n")
    return Item(
        id=item_id,
        section=cast(str, section),
        type=item_type,
        tier=tier,
        text=_shape.text(data.get("text"), f"{where}: text"),
        text_status_fr=text_status,
        n_2017=n_2017,
        option_list_status=_shape.optional_str(data.get("option_list_status"), f"{where}: option_list_status"),
        option_list_rationale=_shape.optional_str(data.get("option_list_rationale"), f"{where}: option_list_rationale"),
        options=_item_options(data, kind, tools, where),
        rows=_item_rows(data, kind, where),
        help=_shape.optional_text(data.get("help"), f"{where}: help"),
        short_label=_shape.optional_text(data.get("short_label"), f"{where}: short_label"),
        anchors=_item_anchors(data, kind, where),
        required=_shape.flag(data, "required", where),
        fact=_parse_fact(data.get("fact"), kind, where),
    )


def _item_options(data: Mapping[str, Any], kind: ItemKind, tools: tuple[Option, ...], where: str) -> tuple[Option, ...]:
    if not kind.has_options:
        if data.get("options"):
            raise QuestionnaireError(f"{where}: {kind.too_few_options()}")
        return ()
    if data.get("options_from") == "tool_list":
        if not tools:
            raise QuestionnaireError(f"{where}: options_from tool_list but no tool_list is defined")
        return tools
    options = _parse_options(data.get("options"), where)
    if len(options) < kind.min_options:
        raise QuestionnaireError(f"{where}: {kind.too_few_options()}")
    return options


def _parse_options(raw: object, where: str) -> tuple[Option, ...]:
    options = []
    for entry in _shape.sequence(raw, f"{where}: options"):
        data = _shape.mapping(entry, f"{where}: option")
        option_id = _shape.identifier(data.get("id"), f"{where}: option", OPTION_ID_PATTERN)
        owhere = f"{where}: option {option_id}"
        _shape.known_keys(data, OPTION_KEYS, owhere)
        tier = data.get("tier")
        if tier is not None:
            _shape.one_of(tier, TOOL_TIERS, owhere, "tier")
        options.append(
            Option(
                id=option_id,
                label=_shape.text(data.get("label"), f"{owhere}: label"),
                status=_shape.one_of(data.get("status"), OPTION_STATUSES, owhere, "status"),
                exclusive=_shape.flag(data, "exclusive", owhere),
                tier=tier,
            )
        )
    _shape.unique([o.id for o in options], f"{where}: option")
    return tuple(options)


def _item_rows(data: Mapping[str, Any], kind: ItemKind, where: str) -> tuple[Row, ...]:
    raw_rows = data.get("rows")
    if not kind.has_rows:
        if raw_rows:
            raise QuestionnaireError(f"{where}: only a matrix item has rows")
        return ()
    rows = []
    for entry in _shape.sequence(raw_rows, f"{where}: rows"):
        row = _shape.mapping(entry, f"{where}: row")
        row_id = _shape.identifier(row.get("id"), f"{where}: row", OPTION_ID_PATTERN)
        rwhere = f"{where}: row {row_id}"
        _shape.known_keys(row, ROW_KEYS, rwhere)
        status = _shape.one_of(row.get("status"), OPTION_STATUSES, rwhere, "status")
        rows.append(Row(id=row_id, label=_shape.text(row.get("label"), f"{rwhere}: label"), status=status))
    if not rows:
        raise QuestionnaireError(f"{where}: a matrix needs at least one row")
    _shape.unique([r.id for r in rows], f"{where}: row")
    return tuple(rows)


def _item_anchors(data: Mapping[str, Any], kind: ItemKind, where: str) -> tuple[Text, Text] | None:
    raw = data.get("anchors")
    if not kind.has_anchors:
        if raw:
            raise QuestionnaireError(f"{where}: only a 0–10 scale has anchors")
        return None
    anchors = _shape.mapping(raw, f"{where}: anchors")
    return (
        _shape.text(anchors.get("min"), f"{where}: anchors.min"),
        _shape.text(anchors.get("max"), f"{where}: anchors.max"),
    )


def _parse_fact(raw: object, kind: ItemKind, where: str) -> Fact | None:
    """``fact: {column, grouping?, breakdown?, peer_group?}`` of a single or multiple choice item."""
    if raw is None:
        return None
    fwhere = f"{where}: fact"
    data = _shape.mapping(raw, fwhere)
    _shape.known_keys(data, FACT_KEYS, fwhere)
    if not kind.choice:
        raise QuestionnaireError(f"{fwhere}: only a single or multiple choice item can carry a fact, not {kind.name}")
    column = _fact_name(data.get("column"), fwhere, "column")
    if column is None:
        raise QuestionnaireError(f"{fwhere}: column is required")
    return Fact(
        column=column,
        grouping=_fact_name(data.get("grouping"), fwhere, "grouping"),
        breakdown=_fact_name(data.get("breakdown"), fwhere, "breakdown"),
        peer_group=_shape.flag(data, "peer_group", fwhere),
        multiple=kind.multiple,
    )


def _fact_name(raw: object, where: str, field: str) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str) or not FACT_NAME_PATTERN.match(raw):
        raise QuestionnaireError(f"{where}: {field} {raw!r} must be an identifier matching {FACT_NAME_PATTERN.pattern}")
    return raw


def _check_fact_names(items: Iterable[Item]) -> None:
    """Each fact column, grouping name and breakdown name is used by one item only."""
    for field in ("column", "grouping", "breakdown"):
        owner: dict[str, str] = {}
        for item in items:
            name = getattr(item.fact, field, None)
            if name is None:
                continue
            if name in owner:
                raise QuestionnaireError(
                    f"item {item.id}: fact: {field} {name!r} is already used by item {owner[name]}"
                )
            owner[name] = item.id


def _parse_page(raw: object, items: Mapping[str, Item], section_ids: set[str]) -> Page:
    data = _shape.mapping(raw, "page")
    page_id = _shape.identifier(data.get("id"), "page", PAGE_ID_PATTERN)
    where = f"page {page_id}"
    _shape.known_keys(data, PAGE_KEYS, where)
    section = data.get("section")
    if section not in section_ids:
        raise QuestionnaireError(f"{where}: unknown section {section!r}")
    item_ids = tuple(_shape.sequence(data.get("items"), f"{where}: items"))
    if not item_ids:
        raise QuestionnaireError(f"{where}: a page needs at least one item")
    for item_id in item_ids:
        if item_id not in items:
            raise QuestionnaireError(f"{where}: unknown item {item_id!r}")
        if items[item_id].section != section:
            raise QuestionnaireError(
                f"{where}: item {item_id} belongs to section {items[item_id].section}, not {section}"
            )
    layout = _shape.one_of(data.get("layout", "stack"), LAYOUTS, where, "layout")
    if layout == "grid":
        _check_grid(where, [items[i] for i in item_ids])
    return Page(
        id=page_id,
        section=cast(str, section),
        title=_shape.text(data.get("title"), f"{where}: title"),
        item_ids=cast(tuple[str, ...], item_ids),
        layout=layout,
        intro=_shape.optional_text(data.get("intro"), f"{where}: intro"),
    )


def _check_grid(where: str, grid_items: list[Item]) -> None:
    first = grid_items[0].options
    for item in grid_items:
        if not item.kind.multiple or item.options != first:
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
