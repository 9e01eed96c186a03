"""The shape of ``recommendations.yaml`` as msgspec schemas: sets, recommendations, links and rules.

A trigger or a ``when`` stays raw here: the condition language is a registry of kinds
(:mod:`.conditions`), each parsing and checking its own keys.  :func:`benchmark.core.rules.load_rules`
converts the parsed YAML into :class:`RulesFile`, then checks every reference (items, rows,
options, sets, dimensions, links, placeholders).  Pure Python: never Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

import msgspec

from benchmark.core._schema import BilingualText, NonBlank, Schema

RULE_ID_PATTERN = re.compile(r"^r\d+_[a-z0-9_]+$")
LINK_ID_PATTERN = re.compile(r"^L\d{2}$")
RECOMMENDATION_ID_PATTERN = re.compile(r"^R\d$")
URL_PATTERN = re.compile(r"^http")

RuleId = Annotated[str, msgspec.Meta(pattern=RULE_ID_PATTERN.pattern)]
LinkId = Annotated[str, msgspec.Meta(pattern=LINK_ID_PATTERN.pattern)]
RecommendationId = Annotated[str, msgspec.Meta(pattern=RECOMMENDATION_ID_PATTERN.pattern)]
Url = Annotated[str, msgspec.Meta(pattern=URL_PATTERN.pattern)]


class SetsSchema(Schema, frozen=True):
    #: Named lists of multiple-choice task items (``ALL``, ``INTERNAL`` …).
    tasks: dict[str, tuple[str, ...]] = {}
    #: Named lists of tool option ids (``BASIC``, ``TECH`` …).
    tools: dict[str, tuple[str, ...]] = {}


class RecommendationSchema(Schema, frozen=True):
    id: RecommendationId
    number: int
    text: BilingualText


class LinkSchema(Schema, frozen=True):
    id: LinkId
    name: NonBlank
    url_2017: Url
    english_only: bool
    indicates: BilingualText
    url_current: Url | None = None
    french_page: bool = False


class VariantSchema(BilingualText, frozen=True):
    """A why-text ``{en, fr}``, used when the condition ``when`` (still raw) holds."""

    when: Any = msgspec.UNSET


class StepSchema(BilingualText, frozen=True):
    """A next step ``{en, fr}``; offered only when the condition ``when`` (still raw) holds, if it has one."""

    when: Any = msgspec.UNSET


class RuleSchema(Schema, frozen=True):
    id: RuleId
    recommendation: str
    priority: int
    #: The condition, parsed by :func:`benchmark.core.rules.conditions.parse_condition`.
    trigger: Any
    why: tuple[VariantSchema, ...]
    steps: tuple[StepSchema, ...]
    links: tuple[str, ...] = ()
    full_list: bool = False


class RulesFile(msgspec.Struct, frozen=True):
    version: NonBlank
    recommendations: tuple[RecommendationSchema, ...]
    links: tuple[LinkSchema, ...]
    rules: tuple[RuleSchema, ...]
    sets: SetsSchema | None = None


#: How entries are named in the loader's messages (``rule r2_privacy: why[0]: …``).
ENTRY_NAMES = {
    "recommendations": ("recommendation", "id"),
    "links": ("link", "id"),
    "rules": ("rule", "id"),
    "tasks": ("task set", ""),
    "tools": ("tool set", ""),
}
