"""The shape of a baseline file (``baseline_2017.json``) as msgspec schemas.

:func:`benchmark.core.baseline.load_baseline` converts the parsed JSON into
:class:`BaselineFile`, then checks what a schema cannot say: items, options and rows
that must exist in the questionnaire and statuses that must be defined in
``meta.status_definitions``.  Unknown keys are kept out of the model but allowed: a
baseline carries provenance notes of its own.  Pure Python: never Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from benchmark.core._schema import BilingualText, NonBlank

BaselineKind = Literal["published_figures", "per_option_shares", "respondent_level"]
#: A percentage exactly as published.
Pct = Annotated[float, msgspec.Meta(ge=0, le=100)]
PositiveInt = Annotated[int, msgspec.Meta(ge=1)]
Count = Annotated[int, msgspec.Meta(ge=0)]


class FigureSchema(msgspec.Struct, frozen=True):
    pct: Pct
    status: str
    source: NonBlank
    confidence: str | None = None
    count: Count | None = None
    raw_text: str | None = None
    note: str | None = None


class AggregateSchema(msgspec.Struct, frozen=True):
    id: NonBlank
    pct: Pct
    status: str
    source: NonBlank
    label: BilingualText
    raw_text: str | None = None
    note: str | None = None


class BaselineItemSchema(msgspec.Struct, frozen=True):
    n: PositiveInt | None = None
    figures: dict[str, FigureSchema] = {}
    aggregates: tuple[AggregateSchema, ...] = ()


class TakeawaySchema(msgspec.Struct, frozen=True):
    id: NonBlank
    text: BilingualText
    source: NonBlank
    row: str | None = None
    option: str | None = None
    source_text: str | None = None


class MetaSchema(msgspec.Struct, frozen=True):
    name: BilingualText
    study: NonBlank
    fieldwork: NonBlank
    sources: dict[str, str]
    derived_from: NonBlank
    status_definitions: dict[str, str]
    kind: BaselineKind = "published_figures"
    year: int | None = None
    population: str | None = None


class BaselineFile(msgspec.Struct, frozen=True):
    meta: MetaSchema
    items: dict[str, BaselineItemSchema]
    qualitative: dict[str, tuple[TakeawaySchema, ...]] = {}


#: How entries are named in the loader's messages (``item q6: figure yes: …``, ``qualitative q8: takeaway t1: …``).
ENTRY_NAMES = {
    "items": ("item", ""),
    "figures": ("figure", ""),
    "aggregates": ("aggregate", "id"),
    "qualitative": ("qualitative", ""),
    "qualitative[]": ("takeaway", "id"),
}
