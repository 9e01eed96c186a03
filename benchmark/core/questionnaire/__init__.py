"""The questionnaire as data: typed definitions and a validating loader.

The questionnaire (items, options, pages, provenance, organisation facts) lives in
``benchmark/core/data/questionnaire.yaml``.  :func:`load_questionnaire` reads it
and checks every rule the rest of the product relies on; a broken file stops
the application at start with a :class:`QuestionnaireError` that names the
offending entry.

* :mod:`.model` — :class:`Item`, :class:`Option`, :class:`Page`, :class:`Questionnaire`, :class:`Fact` …
* :mod:`.answers` — :func:`check_answer`, :func:`describe_answer`, :func:`clean_answers`
* :mod:`.loader` — :func:`load_questionnaire`, :func:`parse_questionnaire`
* :mod:`.schema` — the shape of the data file (msgspec schemas)
* per-type behaviour — :mod:`benchmark.core.item_types` (``item.kind``)

This package is pure Python: it must never import Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

from benchmark.core.item_types import MISSING_OPTION_IDS, AnswerValue, check_multi_selection
from benchmark.core.questionnaire.answers import check_answer, clean_answers, describe_answer
from benchmark.core.questionnaire.loader import (
    ITEM_TYPES,
    QuestionnaireError,
    default_data_path,
    load_questionnaire,
    parse_questionnaire,
)
from benchmark.core.questionnaire.model import (
    COMBINED_SEPARATOR,
    CombinedGrouping,
    Fact,
    Item,
    ItemType,
    Option,
    Page,
    Questionnaire,
    Row,
    Section,
)
from benchmark.core.questionnaire.schema import (
    COMBINED_GROUPING_KEYS,
    FACT_KEYS,
    ITEM_ID_PATTERN,
    ITEM_KEYS,
    LAYOUTS,
    OPTION_ID_PATTERN,
    OPTION_KEYS,
    OPTION_STATUSES,
    PAGE_ID_PATTERN,
    PAGE_KEYS,
    ROW_KEYS,
    SECTION_KEYS,
    TEXT_STATUSES,
    TIERS,
    TOOL_TIERS,
)
from benchmark.core.text import LANGUAGES, Text

__all__ = [
    "COMBINED_GROUPING_KEYS",
    "COMBINED_SEPARATOR",
    "FACT_KEYS",
    "ITEM_ID_PATTERN",
    "ITEM_KEYS",
    "ITEM_TYPES",
    "LANGUAGES",
    "LAYOUTS",
    "MISSING_OPTION_IDS",
    "OPTION_ID_PATTERN",
    "OPTION_KEYS",
    "OPTION_STATUSES",
    "PAGE_ID_PATTERN",
    "PAGE_KEYS",
    "ROW_KEYS",
    "SECTION_KEYS",
    "TEXT_STATUSES",
    "TIERS",
    "TOOL_TIERS",
    "AnswerValue",
    "CombinedGrouping",
    "Fact",
    "Item",
    "ItemType",
    "Option",
    "Page",
    "Questionnaire",
    "QuestionnaireError",
    "Row",
    "Section",
    "Text",
    "check_answer",
    "check_multi_selection",
    "clean_answers",
    "default_data_path",
    "describe_answer",
    "load_questionnaire",
    "parse_questionnaire",
]
