"""Workshop discussion prompts per component, with the recommendations and links they lead to.

Pure Python: no Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import msgspec
import yaml

from benchmark.core._schema import BilingualText, Schema, convert
from benchmark.core.questionnaire import Text
from benchmark.core.rules import RuleSet


class DiscussionError(ValueError):
    """Raised when the discussion file breaks a rule; the message names the entry."""


@dataclass(frozen=True)
class DimensionPrompts:
    """What a cohort discusses when one component is among its weakest."""

    dimension: str
    prompts: tuple[Text, ...]
    recommendations: tuple[str, ...]
    links: tuple[str, ...]


def default_discussion_path() -> Path:
    """Return the path of the packaged discussion file."""
    return Path(str(resources.files("benchmark.core") / "data" / "discussion.yaml"))


class _Entry(Schema, frozen=True):
    prompts: tuple[BilingualText, ...] = ()
    recommendations: tuple[str, ...] = ()
    links: tuple[str, ...] = ()


class _DiscussionFile(msgspec.Struct, frozen=True):
    dimensions: dict[str, _Entry]


def load_discussion(
    rules: RuleSet, dimension_ids: tuple[str, ...], path: Path | None = None
) -> Mapping[str, DimensionPrompts]:
    """Read and validate the discussion prompts.

    The shape (prompts in EN and FR, lists of ids, no unknown keys) is declared by a msgspec
    schema; checked here: every dimension has prompts, and the recommendations and links exist.

    :param rules: the recommendations and links the prompts may name.
    :param dimension_ids: the rubric's dimensions; each needs prompts.
    :raises DiscussionError: naming the first bad entry.
    """
    raw = yaml.safe_load((path or default_discussion_path()).read_text(encoding="utf-8"))
    data = convert(raw, _DiscussionFile, DiscussionError, "discussion", {"dimensions": ("dimension", "")})
    unknown = set(data.dimensions) - set(dimension_ids)
    if unknown:
        raise DiscussionError(f"dimension {sorted(unknown)[0]}: not a dimension of the rubric")
    entries: dict[str, DimensionPrompts] = {}
    recommendation_ids = {r.id for r in rules.recommendations}
    link_ids = {link.id for link in rules.links}
    for dimension_id in dimension_ids:
        entry = data.dimensions.get(dimension_id)
        if entry is None:
            raise DiscussionError(f"dimension {dimension_id}: no prompts")
        entries[dimension_id] = _prompts(dimension_id, entry, recommendation_ids, link_ids)
    return entries


def _prompts(dimension_id: str, entry: _Entry, recommendations: set[str], links: set[str]) -> DimensionPrompts:
    where = f"dimension {dimension_id}"
    if not entry.prompts:
        raise DiscussionError(f"{where}: at least one prompt is needed")
    for recommendation in entry.recommendations:
        if recommendation not in recommendations:
            raise DiscussionError(f"{where}: unknown recommendation {recommendation!r}")
    for link in entry.links:
        if link not in links:
            raise DiscussionError(f"{where}: unknown link {link!r}")
    return DimensionPrompts(
        dimension=dimension_id,
        prompts=tuple(prompt.text() for prompt in entry.prompts),
        recommendations=entry.recommendations,
        links=entry.links,
    )
