"""The questionnaire and its companion data files, loaded and validated once at start."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app

from benchmark.core.questionnaire import Questionnaire, load_questionnaire


def init_app(app: Flask) -> None:
    """Load the questionnaire; a broken data file stops the app here, naming the entry."""
    app.extensions["questionnaire"] = _load(app.config.get("QUESTIONNAIRE_PATH"))


@lru_cache(maxsize=8)
def _load(path: str | Path | None) -> Questionnaire:
    # Data files are immutable while the process runs: parse each one once.
    return load_questionnaire(Path(path) if path else None)


def questionnaire() -> Questionnaire:
    """Return the questionnaire of the running app."""
    q: Questionnaire = current_app.extensions["questionnaire"]
    return q
