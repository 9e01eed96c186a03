"""Reading and validating ``questionnaire.yaml`` (see :func:`load_questionnaire`).

Every rule the rest of the product relies on is checked here; a broken file stops the
application at start with a :class:`QuestionnaireError` that names the offending entry.
The shape of the file (types, keys, enums, ids, bilingual text) is declared in
:mod:`.schema`; this module checks the rest: what the entries say about each other
(sections, items and pages that must exist, uniqueness, facts) and the per-type rules
(which types have options, rows or anchors) of the item-type registry
(:mod:`benchmark.core.item_types`).  Pure Python: never Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path

import yaml

from benchmark.core import item_types
from benchmark.core._schema import convert, optional_text, unique
from benchmark.core.item_types import ItemKind
from benchmark.core.questionnaire.model import CombinedGrouping, Fact, Item, Option, Page, Questionnaire, Row, Section
from benchmark.core.questionnaire.schema import (
    ENTRY_NAMES,
    CombinedGroupingSchema,
    FactSchema,
    ItemSchema,
    OptionSchema,
    PageSchema,
    QuestionnaireFile,
)
from benchmark.core.text import Text

#: The item types known when this module was imported (the loader asks the registry itself).
ITEM_TYPES: frozenset[str] = item_types.names()


class QuestionnaireError(ValueError):
    """Raised when a questionnaire data file breaks a rule; the message names the entry."""


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
    data = convert(raw, QuestionnaireFile, QuestionnaireError, "questionnaire", ENTRY_NAMES)
    version = data.meta.get("questionnaire_version")
    if not isinstance(version, str) or not version:
        raise QuestionnaireError("meta: questionnaire_version is missing")
    if "rubric_version" in data.meta:
        raise QuestionnaireError(
            "meta: rubric_version does not belong here: the rubric version is declared once, "
            "as rubric_version in scoring.yaml (read it as rubric.version)"
        )
    sections = tuple(Section(id=s.id, title=s.title.text()) for s in data.sections)
    section_ids = unique([s.id for s in sections], "section", QuestionnaireError)
    tools = () if data.tool_list is None else _options(data.tool_list.options, "tool_list")
    items = [_item(entry, tools, section_ids) for entry in data.items]
    unique([i.id for i in items], "item", QuestionnaireError)
    _check_fact_names(items)
    item_map = {item.id: item for item in items}
    pages = tuple(_page(entry, item_map, section_ids) for entry in data.pages)
    unique([p.id for p in pages], "page", QuestionnaireError)
    _check_every_item_on_one_page(pages, item_map)
    return Questionnaire(
        version=version,
        meta=data.meta,
        sections=sections,
        pages=pages,
        items=item_map,
        combined_groupings=_combined_groupings(data.combined_groupings, items),
        _page_index={page.id: index for index, page in enumerate(pages)},
    )


def _item(data: ItemSchema, tools: tuple[Option, ...], section_ids: set[str]) -> Item:
    where = f"item {data.id}"
    if data.type not in item_types.names():
        raise QuestionnaireError(f"{where}: unknown type {data.type!r} (known: {sorted(item_types.names())})")
    kind = item_types.get(data.type)
    if data.section not in section_ids:
        raise QuestionnaireError(f"{where}: unknown section {data.section!r}")
    if data.id.startswith("n") and data.n_2017 is not None:
        raise QuestionnaireError(f"{where}: a new item (n…) cannot have a 2017 n")
    return Item(
        id=data.id,
        section=data.section,
        type=data.type,
        tier=data.tier,
        text=data.text.text(),
        text_status_fr=data.text_status_fr,
        n_2017=data.n_2017,
        option_list_status=data.option_list_status,
        option_list_rationale=data.option_list_rationale,
        options=_item_options(data, kind, tools, where),
        rows=_item_rows(data, kind, where),
        help=optional_text(data.help),
        short_label=optional_text(data.short_label),
        anchors=_item_anchors(data, kind, where),
        required=data.required,
        new_since_2017=data.new_since_2017,
        fact=_fact(data.fact, kind, where),
    )


def _item_options(data: ItemSchema, kind: ItemKind, tools: tuple[Option, ...], where: str) -> tuple[Option, ...]:
    if not kind.has_options:
        if data.options:
            raise QuestionnaireError(f"{where}: {kind.too_few_options()}")
        return ()
    if data.options_from == "tool_list":
        if not tools:
            raise QuestionnaireError(f"{where}: options_from tool_list but no tool_list is defined")
        return tools
    if data.options is None:
        raise QuestionnaireError(f"{where}: options are required (or options_from: tool_list)")
    options = _options(data.options, where)
    if len(options) < kind.min_options:
        raise QuestionnaireError(f"{where}: {kind.too_few_options()}")
    return options


def _options(entries: tuple[OptionSchema, ...], where: str) -> tuple[Option, ...]:
    unique([o.id for o in entries], f"{where}: option", QuestionnaireError)
    return tuple(
        Option(id=o.id, label=o.label.text(), status=o.status, exclusive=o.exclusive, tier=o.tier) for o in entries
    )


def _item_rows(data: ItemSchema, kind: ItemKind, where: str) -> tuple[Row, ...]:
    if not kind.has_rows:
        if data.rows:
            raise QuestionnaireError(f"{where}: only a matrix item has rows")
        return ()
    if not data.rows:
        raise QuestionnaireError(f"{where}: a matrix needs at least one row")
    unique([r.id for r in data.rows], f"{where}: row", QuestionnaireError)
    return tuple(Row(id=r.id, label=r.label.text(), status=r.status) for r in data.rows)


def _item_anchors(data: ItemSchema, kind: ItemKind, where: str) -> tuple[Text, Text] | None:
    if not kind.has_anchors:
        if data.anchors:
            raise QuestionnaireError(f"{where}: only a 0–10 scale has anchors")
        return None
    if data.anchors is None:
        raise QuestionnaireError(f"{where}: a 0–10 scale needs anchors: {{min, max}}")
    return (data.anchors.min.text(), data.anchors.max.text())


def _fact(data: FactSchema | None, kind: ItemKind, where: str) -> Fact | None:
    """``fact: {column, grouping?, breakdown?, peer_group?}`` of a single or multiple choice item."""
    if data is None:
        return None
    if not kind.choice:
        raise QuestionnaireError(
            f"{where}: fact: only a single or multiple choice item can carry a fact, not {kind.name}"
        )
    return Fact(
        column=data.column,
        grouping=data.grouping,
        breakdown=data.breakdown,
        peer_group=data.peer_group,
        multiple=kind.multiple,
    )


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


def _page(data: PageSchema, items: Mapping[str, Item], section_ids: set[str]) -> Page:
    where = f"page {data.id}"
    if data.section not in section_ids:
        raise QuestionnaireError(f"{where}: unknown section {data.section!r}")
    if not data.items:
        raise QuestionnaireError(f"{where}: a page needs at least one item")
    for item_id in data.items:
        if item_id not in items:
            raise QuestionnaireError(f"{where}: unknown item {item_id!r}")
        if items[item_id].section != data.section:
            raise QuestionnaireError(
                f"{where}: item {item_id} belongs to section {items[item_id].section}, not {data.section}"
            )
    if data.layout == "grid":
        _check_grid(where, [items[i] for i in data.items])
    return Page(
        id=data.id,
        section=data.section,
        title=data.title.text(),
        item_ids=data.items,
        layout=data.layout,
        intro=optional_text(data.intro),
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


#: Grouping names the summary counts use themselves (a fact or combined grouping cannot take them).
RESERVED_GROUPINGS = frozenset({"all", "month"})


def _combined_groupings(
    entries: tuple[CombinedGroupingSchema, ...], items: Iterable[Item]
) -> dict[str, CombinedGrouping]:
    """``combined_groupings:``: each combines two distinct groupings of facts; a peer group only of peer-group facts."""
    facts = {item.fact.grouping: item.fact for item in items if item.fact is not None and item.fact.grouping}
    result: dict[str, CombinedGrouping] = {}
    for entry in entries:
        where = f"combined grouping {entry.grouping}"
        if entry.grouping in facts or entry.grouping in RESERVED_GROUPINGS or entry.grouping in result:
            raise QuestionnaireError(f"{where}: the name is already a grouping")
        if len(entry.of) != 2 or len(set(entry.of)) != 2:
            raise QuestionnaireError(f"{where}: of: two different groupings of facts are needed, not {list(entry.of)}")
        for part in entry.of:
            fact = facts.get(part)
            if fact is None:
                raise QuestionnaireError(
                    f"{where}: of: {part!r} is not the grouping of a fact (known: {sorted(facts)})"
                )
            if entry.peer_group and not fact.peer_group:
                raise QuestionnaireError(f"{where}: a peer group can combine only peer-group facts, not {part!r}")
        result[entry.grouping] = CombinedGrouping(
            entry.grouping, tuple(entry.of), entry.peer_group, entry.status, entry.rationale
        )
    return result
