"""What an import returns (:class:`ImportResult`) and the baseline it builds. Pure Python."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from benchmark.core.baseline import Baseline, BaselineItem
from benchmark.core.baseline_import.table import ImportProblem
from benchmark.core.scoring import round_half_up
from benchmark.core.text import Text

#: The status of every imported figure.
IMPORTED_STATUS = "imported"

STATUS_DEFINITIONS = {
    "per_option_shares": {IMPORTED_STATUS: "per-option figure as given in the imported file"},
    "respondent_level": {
        IMPORTED_STATUS: "share computed exactly from the imported respondent-level records "
        "(base: respondents who answered the item, 'don't know' excluded)"
    },
}


@dataclass(frozen=True)
class ImportResult:
    """The outcome of an import: either errors, or a baseline (never both).

    :ivar errors: every problem found, in file order (empty when the file is valid).
    :ivar baseline: the imported baseline, or None when anything is wrong.
    :ivar exact_pct: per answer key and option, the exact share in percent.
    :ivar answered: per answer key, the base n (respondent-level: answered, ``dont_know`` excluded).
    :ivar dont_know: per answer key, respondents who answered "I don't know" (respondent-level only).
    :ivar distributions: per dimension id, the histogram ``{score: respondents}`` (respondent-level only).
    :ivar respondents: the number of respondent records (respondent-level only).
    """

    errors: list[ImportProblem]
    baseline: Baseline | None
    exact_pct: dict[str, dict[str, Fraction]] = field(default_factory=dict)
    answered: dict[str, int] = field(default_factory=dict)
    dont_know: dict[str, int] = field(default_factory=dict)
    distributions: dict[str, dict[int, int]] = field(default_factory=dict)
    respondents: int = 0

    @property
    def ok(self) -> bool:
        """True when the file was valid and a baseline was built."""
        return not self.errors and self.baseline is not None


def baseline_name(name: str | Text, source: str) -> Text:
    """The display name of an imported baseline (one string serves both languages).

    :raises ValueError: if the name or ``source`` is blank (a caller error, not a file error).
    """
    text = name if isinstance(name, Text) else Text(en=name, fr=name)
    if not text.en.strip() or not text.fr.strip():
        raise ValueError("the baseline needs a name")
    if not source.strip():
        raise ValueError("the baseline needs a source")
    return text


def display_pct(exact: Fraction) -> float:
    """Round an exact percentage half-up to one decimal, for display."""
    return float(Fraction(round_half_up(exact * 10), 10))


def make_baseline(title: Text, kind: str, source: str, year: int | None, items: Mapping[str, BaselineItem]) -> Baseline:
    """Build the imported baseline of ``kind`` (``per_option_shares`` or ``respondent_level``)."""
    return Baseline(
        name=title,
        kind=kind,
        year=year,
        study=title.en,
        fieldwork="not stated",
        sources={"import": source},
        derived_from=source,
        status_definitions=dict(STATUS_DEFINITIONS[kind]),
        items=dict(items),
    )
