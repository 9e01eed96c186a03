"""The questionnaire and its companion data files, loaded and validated once at start.

A broken data file (an unknown item, option or link; a figure that does not
match its item) stops the app here with an error that names the entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app

from benchmark.core.baseline import Baseline, load_baseline
from benchmark.core.discussion import DimensionPrompts, load_discussion
from benchmark.core.glossary import Glossary, load_glossary
from benchmark.core.questionnaire import Questionnaire, load_questionnaire
from benchmark.core.questionnaire.versions import Versions, load_versions
from benchmark.core.rules import RuleSet, load_rules
from benchmark.core.scoring import Rubric, load_rubric
from benchmark.core.team import TeamPrompts, load_team_prompts
from benchmark.store.facts import check_storage


@dataclass(frozen=True)
class Content:
    """Everything the product reads from data files."""

    questionnaire: Questionnaire
    rubric: Rubric
    rules: RuleSet
    baseline: Baseline
    discussion: Mapping[str, DimensionPrompts]
    team_prompts: TeamPrompts
    #: Every recorded questionnaire version and the crosswalk between them (questionnaire_versions.yaml).
    versions: Versions


def init_app(app: Flask) -> None:
    """Load and cross-validate every data file, and check that every organisation fact has a place to go."""
    loaded = _load(
        app.config.get("QUESTIONNAIRE_PATH"),
        app.config.get("RUBRIC_PATH"),
        app.config.get("RULES_PATH"),
        app.config.get("BASELINE_PATH"),
        app.config.get("QUESTIONNAIRE_VERSIONS_PATH"),
    )
    check_storage(loaded.questionnaire)
    app.extensions["content"] = loaded
    app.extensions["glossary"] = load_glossary()  # stops here if the glossary is broken


@lru_cache(maxsize=8)
def _load(
    questionnaire_path: str | None,
    rubric_path: str | None,
    rules_path: str | None,
    baseline_path: str | None,
    versions_path: str | None = None,
) -> Content:
    # Data files are immutable while the process runs: parse each combination once.
    questionnaire = load_questionnaire(_path(questionnaire_path))
    rubric = load_rubric(questionnaire, _path(rubric_path))
    rules = load_rules(
        questionnaire, _path(rules_path), rubric.dimension_ids(), tuple(level.number for level in rubric.levels)
    )
    baseline = load_baseline(questionnaire, _path(baseline_path))
    discussion = load_discussion(rules, rubric.dimension_ids())
    versions = load_versions(questionnaire, _path(versions_path))
    return Content(questionnaire, rubric, rules, baseline, discussion, load_team_prompts(), versions)


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def content() -> Content:
    """Return the data of the running app."""
    loaded: Content = current_app.extensions["content"]
    return loaded


def questionnaire() -> Questionnaire:
    """Return the questionnaire of the running app."""
    return content().questionnaire


def glossary() -> Glossary:
    """Return the glossary of the running app (the product's words in both languages)."""
    loaded: Glossary = current_app.extensions["glossary"]
    return loaded
