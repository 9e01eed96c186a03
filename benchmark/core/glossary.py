"""The bilingual glossary of the product's words, and the variants it forbids.

``benchmark/core/data/glossary.yaml`` lists each term (component, level, peer group, workshop …) in
English and French with a definition in both languages and its provenance (TERMIUM Plus, the 2017
report, IRCC's usage).  A term may forbid variants per language (a regular expression and the reason):
the language checker (:mod:`benchmark.core.language_check`) reports every forbidden variant found in
the catalogue, the data files, the pages and the PDFs.  The glossary page shows the terms.  Pure Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated

import msgspec
import yaml

from benchmark.core._schema import BilingualText, NonBlank, Schema, convert, unique
from benchmark.core.text import Text
from benchmark.core.typography import Problem


class GlossaryError(ValueError):
    """Raised when the glossary file breaks a rule; the message names the entry."""


class _Variant(Schema, frozen=True):
    pattern: NonBlank
    reason: NonBlank


class _Forbidden(Schema, frozen=True):
    en: tuple[_Variant, ...] = ()
    fr: tuple[_Variant, ...] = ()


class _Term(Schema, frozen=True):
    id: Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]*$")]
    term: BilingualText
    definition: BilingualText
    source: NonBlank
    forbidden: _Forbidden = msgspec.field(default_factory=_Forbidden)


class _Meta(Schema, frozen=True):
    provenance: NonBlank


class _GlossaryFile(Schema, frozen=True):
    meta: _Meta
    terms: tuple[_Term, ...]


@dataclass(frozen=True)
class Variant:
    """A form the glossary forbids in one language, and why."""

    term: str
    lang: str
    pattern: re.Pattern[str]
    reason: str


@dataclass(frozen=True)
class Term:
    """One word of the product, in both languages, with its definition and provenance."""

    id: str
    term: Text
    definition: Text
    source: str


@dataclass(frozen=True)
class Glossary:
    """The terms in file order and every forbidden variant."""

    terms: tuple[Term, ...]
    variants: tuple[Variant, ...]
    provenance: str

    def problems(self, text: str, lang: str) -> list[Problem]:
        """A ``glossary`` problem for every forbidden variant of ``lang`` found in ``text``."""
        found = []
        for variant in self.variants:
            if variant.lang != lang:
                continue
            for match in variant.pattern.finditer(text):
                excerpt = text[max(0, match.start() - 25) : match.end() + 25].strip()
                found.append(
                    Problem("glossary", f"{variant.term}: {match.group(0)!r} ({variant.reason}) in {excerpt!r}")
                )
        return found


def default_glossary_path() -> Path:
    """Return the path of the packaged glossary."""
    return Path(str(resources.files("benchmark.core") / "data" / "glossary.yaml"))


def load_glossary(path: Path | None = None) -> Glossary:
    """Read and validate the glossary: unique ids, and every forbidden pattern a valid expression.

    :raises GlossaryError: naming the first bad entry.
    """
    source = path or default_glossary_path()
    raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    data = convert(raw, _GlossaryFile, GlossaryError, "glossary", {"terms": ("term", "id")})
    unique((term.id for term in data.terms), "term", GlossaryError)
    variants = []
    for term in data.terms:
        for lang in ("en", "fr"):
            for variant in getattr(term.forbidden, lang):
                try:
                    pattern = re.compile(variant.pattern)
                except re.error as error:
                    raise GlossaryError(f"term {term.id}: forbidden {lang} {variant.pattern!r}: {error}") from None
                variants.append(Variant(term.id, lang, pattern, variant.reason))
    terms = tuple(Term(term.id, term.term.text(), term.definition.text(), term.source) for term in data.terms)
    return Glossary(terms, tuple(variants), data.meta.provenance)
