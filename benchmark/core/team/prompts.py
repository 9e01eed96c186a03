"""The discussion prompts of a team's combined profile (bilingual data, validated at load).

Pure Python: no Flask, WTForms or SQLAlchemy.  The file gives one prompt for a component
where colleagues' scores are far apart (``{component}`` names it) and one prompt per kind of
spread (``choice``, ``multiple``, ``numeric``: see :mod:`benchmark.core.team.combine`) for an
item where their answers differ (``{item}`` names it).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from benchmark.core._schema import BilingualText, Schema, convert
from benchmark.core.team.combine import SPREAD_KINDS
from benchmark.core.text import LANGUAGES, Text


class TeamPromptsError(ValueError):
    """Raised when the team prompts file breaks a rule; the message names the entry."""


@dataclass(frozen=True)
class TeamPrompts:
    """The prompts of a combined profile: one per component, one per kind of item spread."""

    component: Text
    items: dict[str, Text]

    def for_component(self, name: str, lang: str) -> str:
        """The component prompt in ``lang`` with the component's name filled in."""
        return self.component.get(lang).replace("{component}", name)

    def for_item(self, kind: str, label: str, lang: str) -> str:
        """The prompt for an item of this spread kind in ``lang``, with the item's short label filled in."""
        return self.items[kind].get(lang).replace("{item}", label)


class _File(Schema, frozen=True):
    version: str
    source: str
    component: BilingualText
    items: dict[str, BilingualText]


def default_prompts_path() -> Path:
    """Return the path of the packaged team prompts file."""
    return Path(str(resources.files("benchmark.core") / "data" / "team_prompts.yaml"))


def load_team_prompts(path: Path | None = None) -> TeamPrompts:
    """Read and validate the team prompts.

    Checked: both languages of every prompt (the schema), a prompt for each spread kind and no
    other, and the placeholder (``{component}`` or ``{item}``) in both languages.

    :raises TeamPromptsError: naming the first bad entry.
    """
    raw = yaml.safe_load((path or default_prompts_path()).read_text(encoding="utf-8"))
    data = convert(raw, _File, TeamPromptsError, "team prompts", {"items": ("item kind", "")})
    missing = [kind for kind in SPREAD_KINDS if kind not in data.items]
    if missing:
        raise TeamPromptsError(f"item kind {missing[0]}: no prompt")
    unknown = sorted(set(data.items) - set(SPREAD_KINDS))
    if unknown:
        raise TeamPromptsError(f"item kind {unknown[0]}: not a kind of spread ({', '.join(SPREAD_KINDS)})")
    _placeholder(data.component, "{component}", "component")
    for kind, text in data.items.items():
        _placeholder(text, "{item}", f"item kind {kind}")
    return TeamPrompts(data.component.text(), {kind: text.text() for kind, text in data.items.items()})


def _placeholder(text: BilingualText, placeholder: str, where: str) -> None:
    for lang in LANGUAGES:
        if placeholder not in getattr(text, lang):
            raise TeamPromptsError(f"{where}: the {lang.upper()} text lacks {placeholder}")
