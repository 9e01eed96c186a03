"""The shape of ``scoring.yaml`` as msgspec schemas (types, required and unknown keys, bilingual text).

:func:`benchmark.core.scoring.load_rubric` converts the parsed YAML into :class:`RubricFile`,
then checks what a schema cannot say: dimensions, items, rows and options that must exist,
``max`` against the points, ``min_answered`` against the indicators, contiguous level bands.
Pure Python: never Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from benchmark.core._schema import BilingualText, NonBlank, Schema

PositiveInt = Annotated[int, msgspec.Meta(ge=1)]
Points = Annotated[int, msgspec.Meta(ge=0)]


class DimensionSchema(Schema, frozen=True):
    id: NonBlank
    name: BilingualText
    source_example: BilingualText
    min_answered: PositiveInt


class IndicatorSchema(Schema, frozen=True):
    id: NonBlank
    dimension: str
    item: str
    points: dict[str, Points]
    max: PositiveInt
    description: BilingualText
    anchor: NonBlank
    weight: PositiveInt = 1
    #: The matrix rows the indicator averages (a matrix item only).
    rows: tuple[str, ...] | None = None


class LevelSchema(Schema, frozen=True):
    level: PositiveInt
    min: int
    max: int
    name: BilingualText
    description: BilingualText


class RubricFile(msgspec.Struct, frozen=True):
    """The whole file; other top-level keys (``scales:``, the YAML anchors of shared points) are ignored."""

    rubric_version: NonBlank
    dimensions: tuple[DimensionSchema, ...]
    indicators: tuple[IndicatorSchema, ...]
    levels: tuple[LevelSchema, ...]
    show_derived_2017_means: bool = False


#: How list entries are named in the loader's messages (``indicator SK1: …``).
ENTRY_NAMES = {
    "dimensions": ("dimension", "id"),
    "indicators": ("indicator", "id"),
    "levels": ("level", "level"),
}
