"""The shape of ``questionnaire.yaml`` as msgspec schemas (types, required and unknown keys, enums, ids).

:func:`benchmark.core.questionnaire.load_questionnaire` converts the parsed YAML into
:class:`QuestionnaireFile`, then checks what a schema cannot say (item types from the
registry, sections and items that must exist, uniqueness, per-type options/rows/anchors)
and builds the model (:mod:`.model`).  Pure Python: never Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, get_args

import msgspec

from benchmark.core._schema import BilingualText, NonBlank, Schema

ITEM_ID_PATTERN = re.compile(r"^(q\d+(_\d+)?|n\d+)$")
OPTION_ID_PATTERN = re.compile(r"^[a-z0-9_]{1,40}$")
PAGE_ID_PATTERN = re.compile(r"^[a-z0-9-]{1,40}$")
#: Fact columns, groupings and breakdowns are identifiers (they name database columns and URL values).
FACT_NAME_PATTERN = re.compile(r"^[a-z_][a-z0-9_]{0,39}$")

ItemId = Annotated[str, msgspec.Meta(pattern=ITEM_ID_PATTERN.pattern)]
OptionId = Annotated[str, msgspec.Meta(pattern=OPTION_ID_PATTERN.pattern)]
PageId = Annotated[str, msgspec.Meta(pattern=PAGE_ID_PATTERN.pattern)]
FactName = Annotated[str, msgspec.Meta(pattern=FACT_NAME_PATTERN.pattern)]
Tier = Literal["core", "optional"]
TextStatus = Literal["source", "adapted", "reconstructed", "translation"]
OptionStatus = Literal["source", "adapted", "reconstructed"]
Layout = Literal["stack", "grid"]
ToolTier = Literal["basic", "technical", "other"]
#: The counts of respondents of the 2017 survey (at most 261).
Count2017 = Annotated[int, msgspec.Meta(ge=1, le=261)]

TIERS: frozenset[str] = frozenset(get_args(Tier))
TEXT_STATUSES: frozenset[str] = frozenset(get_args(TextStatus))
OPTION_STATUSES: frozenset[str] = frozenset(get_args(OptionStatus))
LAYOUTS: frozenset[str] = frozenset(get_args(Layout))
TOOL_TIERS: frozenset[str] = frozenset(get_args(ToolTier))


class SectionSchema(Schema, frozen=True):
    id: OptionId
    title: BilingualText


class OptionSchema(Schema, frozen=True):
    id: OptionId
    label: BilingualText
    status: OptionStatus
    exclusive: bool = False
    #: Tier of a tool in the shared task-grid list.
    tier: ToolTier | None = None


class RowSchema(Schema, frozen=True):
    id: OptionId
    label: BilingualText
    status: OptionStatus


class AnchorsSchema(Schema, frozen=True):
    min: BilingualText
    max: BilingualText


class FactSchema(Schema, frozen=True):
    column: FactName
    grouping: FactName | None = None
    breakdown: FactName | None = None
    peer_group: bool = False


class CombinedGroupingSchema(Schema, frozen=True):
    """``combined_groupings: [{grouping, of: [two fact groupings], peer_group?, status, rationale}]``."""

    grouping: FactName
    of: tuple[FactName, ...]
    status: OptionStatus
    rationale: NonBlank
    peer_group: bool = False


class ItemSchema(Schema, frozen=True):
    id: ItemId
    section: str
    #: A name registered in :mod:`benchmark.core.item_types` (checked by the loader: the registry can grow).
    type: str
    tier: Tier
    text: BilingualText
    text_status_fr: TextStatus
    #: A short name of the item (a few words, no instructions) for results, charts, exports and the PDF.
    short_label: BilingualText
    n_2017: Count2017 | None = None
    option_list_status: str | None = None
    option_list_rationale: str | None = None
    options: tuple[OptionSchema, ...] | None = None
    options_from: Literal["tool_list"] | None = None
    rows: tuple[RowSchema, ...] | None = None
    anchors: AnchorsSchema | None = None
    help: BilingualText | None = None
    required: bool = False
    new_since_2017: bool = False
    fact: FactSchema | None = None


class PageSchema(Schema, frozen=True):
    id: PageId
    section: str
    title: BilingualText
    items: tuple[str, ...]
    layout: Layout = "stack"
    intro: BilingualText | None = None


class ToolListSchema(Schema, frozen=True):
    options: tuple[OptionSchema, ...]
    status: str | None = None
    rationale: str | None = None


class QuestionnaireFile(msgspec.Struct, frozen=True):
    """The whole file; ``meta`` is free-form apart from what the loader checks."""

    meta: dict[str, Any]
    sections: tuple[SectionSchema, ...]
    items: tuple[ItemSchema, ...]
    pages: tuple[PageSchema, ...]
    tool_list: ToolListSchema | None = None
    #: Groupings by two facts together (issue 14, "same size and same province or territory").
    combined_groupings: tuple[CombinedGroupingSchema, ...] = ()


#: How list entries are named in the loader's messages (``item q6: option no: …``).
ENTRY_NAMES = {
    "sections": ("section", "id"),
    "items": ("item", "id"),
    "options": ("option", "id"),
    "rows": ("row", "id"),
    "pages": ("page", "id"),
    "combined_groupings": ("combined grouping", "grouping"),
}


def _keys(schema: type[msgspec.Struct]) -> frozenset[str]:
    return frozenset(field.encode_name for field in msgspec.structs.fields(schema))


#: The keys an entry may have (anything else is refused as a likely typo).
ITEM_KEYS = _keys(ItemSchema)
OPTION_KEYS = _keys(OptionSchema)
ROW_KEYS = _keys(RowSchema)
PAGE_KEYS = _keys(PageSchema)
SECTION_KEYS = _keys(SectionSchema)
FACT_KEYS = _keys(FactSchema)
COMBINED_GROUPING_KEYS = _keys(CombinedGroupingSchema)
