"""Workshop discussion prompts per component, with the recommendations and links they lead to.

Pure Python: no Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

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


def load_discussion(
    rules: RuleSet, dimension_ids: tuple[str, ...], path: Path | None = None
) -> Mapping[str, DimensionPrompts]:
    """Read and validate the discussion prompts.

    :param rules: the recommendations and links the prompts may name.
    :param dimension_ids: the rubric's dimensions; each needs prompts.
    :raises DiscussionError: naming the first bad entry.
    """
    raw = yaml.safe_load((path or default_discussion_path()).read_text(encoding="utf-8"))
    if not isinstance(raw, Mapping) or not isinstance(raw.get("dimensions"), Mapping):
        raise DiscussionError("discussion: expected a mapping with 'dimensions'")
    entries: dict[str, DimensionPrompts] = {}
    recommendation_ids = {r.id for r in rules.recommendations}
    link_ids = {link.id for link in rules.links}
    for dimension_id in dimension_ids:
        entry = raw["dimensions"].get(dimension_id)
        if not isinstance(entry, Mapping):
            raise DiscussionError(f"dimension {dimension_id}: no prompts")
        entries[dimension_id] = _parse(dimension_id, entry, recommendation_ids, link_ids)
    unknown = set(raw["dimensions"]) - set(dimension_ids)
    if unknown:
        raise DiscussionError(f"dimension {sorted(unknown)[0]}: not a dimension of the rubric")
    return entries


def _parse(dimension_id: str, entry: Mapping[str, Any], recommendations: set[str], links: set[str]) -> DimensionPrompts:
    where = f"dimension {dimension_id}"
    prompts = []
    for prompt in entry.get("prompts") or []:
        if not isinstance(prompt, Mapping) or not all(isinstance(prompt.get(lang), str) for lang in ("en", "fr")):
            raise DiscussionError(f"{where}: every prompt needs EN and FR text")
        prompts.append(Text(en=prompt["en"], fr=prompt["fr"]))
    if not prompts:
        raise DiscussionError(f"{where}: at least one prompt is needed")
    for recommendation in entry.get("recommendations") or []:
        if recommendation not in recommendations:
            raise DiscussionError(f"{where}: unknown recommendation {recommendation!r}")
    for link in entry.get("links") or []:
        if link not in links:
            raise DiscussionError(f"{where}: unknown link {link!r}")
    return DimensionPrompts(
        dimension=dimension_id,
        prompts=tuple(prompts),
        recommendations=tuple(entry.get("recommendations") or ()),
        links=tuple(entry.get("links") or ()),
    )
