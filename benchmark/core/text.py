"""Bilingual text: every string of the data files exists in both official languages."""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES: tuple[str, ...] = ("en", "fr")


@dataclass(frozen=True)
class Text:
    """A string in both official languages."""

    en: str
    fr: str

    def get(self, lang: str) -> str:
        """Return the text in ``lang`` (``"en"`` or ``"fr"``)."""
        return self.fr if lang == "fr" else self.en
