"""Reference figures to compare answers with: the 2017 sector survey and later baselines.

A *baseline* is a set of per-option shares for questionnaire items, each with its
base ``n``, its source and a *status* that says how far the figure can be
trusted (for 2017: ``stated`` = the source gives the number for this option;
``reading`` = attaching the number to this option is our interpretation).

The packaged 2017 baseline (``benchmark/core/data/baseline_2017.json``) holds
only the 9 figures that survive in the sources (8 per-option shares and the q1
aggregate) plus the per-item ``n`` and the report's qualitative takeaways. It is
derived from ``shared/sources/baseline-2017.json`` and must never gain a figure
that file does not have.

The same :class:`Baseline` type is meant for baselines imported later (a full
set of per-option shares, or shares computed from respondent-level records);
``meta.kind`` tells them apart and ``meta.status_definitions`` lists the
statuses a baseline may use.

Every entry is validated against a :class:`~benchmark.core.questionnaire.Questionnaire`:
an item, option or matrix row the questionnaire does not have raises
:class:`BaselineError` naming the entry.

This module is pure Python: it must never import Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import get_args

from benchmark.core._schema import convert
from benchmark.core.baseline_schema import (
    ENTRY_NAMES,
    BaselineFile,
    BaselineItemSchema,
    BaselineKind,
    TakeawaySchema,
)
from benchmark.core.questionnaire import Questionnaire, Text

#: Kinds of baseline the loader accepts.
BASELINE_KINDS: frozenset[str] = frozenset(get_args(BaselineKind))

#: UI markers of the figure statuses used by the 2017 baseline (design §5).
STATUS_MARKERS: Mapping[str, Text] = {
    "stated": Text(en="published figure", fr="chiffre publié"),
    "reading": Text(en="our reading of the report", fr="notre interprétation du rapport"),
    "imported": Text(en="imported survey data", fr="données d'enquête importées"),
}

#: Tooltip explaining the ``reading`` status (design §5).
READING_TOOLTIP = Text(
    en=(
        "The 2017 report gives this percentage in a summary sentence; attaching it to this "
        "answer option is our interpretation."
    ),
    fr=(
        "Le rapport de 2017 donne ce pourcentage dans une phrase de synthèse; l'associer à ce "
        "choix de réponse est notre interprétation."
    ),
)

#: How an aggregate reads: its label is what the providers did (a verb phrase), so the sentence has a subject.
AGGREGATE_SENTENCE = Text(
    en="In 2017, {figure} of providers {statement}.", fr="En 2017, {figure} des fournisseurs {statement}."
)

#: Narrow no-break space, used before ``%`` in French.
NNBSP = "\u202f"


class BaselineError(ValueError):
    """Raised when a baseline file breaks a rule; the message names the entry."""


@dataclass(frozen=True)
class Figure:
    """The share of an item's respondents who chose one option.

    :ivar pct: the percentage exactly as published (never re-based or rounded).
    :ivar n: the item's base (the number who answered the question), if known.
    :ivar status: how the figure attaches to the option (a key of the baseline's
        ``status_definitions``, e.g. ``stated`` or ``reading``).
    """

    item_id: str
    option_id: str
    pct: float
    status: str
    n: int | None
    source: str
    confidence: str | None = None
    count: int | None = None
    raw_text: str | None = None
    note: str | None = None

    def marker(self, lang: str) -> str:
        """Return the UI status marker in ``lang`` (the status id if it has none)."""
        return status_marker(self.status, lang)

    def format(self, lang: str) -> str:
        """Return the figure with its n and status marker, e.g. ``40.7% (n = 248, published figure)``.

        French uses a decimal comma and a narrow no-break space before ``%``.
        """
        return format_figure(self.pct, self.n, self.status, lang)


@dataclass(frozen=True)
class Aggregate:
    """A published share that is not attached to one option (e.g. q1: "86 % rated it important")."""

    item_id: str
    id: str
    pct: float
    status: str
    n: int | None
    source: str
    label: Text
    raw_text: str | None = None
    note: str | None = None

    def format(self, lang: str) -> str:
        """Return the aggregate with its n and status marker (see :meth:`Figure.format`)."""
        return format_figure(self.pct, self.n, self.status, lang)

    def sentence(self, lang: str) -> str:
        """The aggregate as a whole sentence with its subject: ``In 2017, 86% (n = 249, …) of providers rated …``."""
        return AGGREGATE_SENTENCE.get(lang).format(figure=self.format(lang), statement=self.label.get(lang))


@dataclass(frozen=True)
class Takeaway:
    """A qualitative finding of the report (no number), attached to an item, a row or a screen group."""

    key: str
    id: str
    text: Text
    source: str
    row: str | None = None
    option: str | None = None
    source_text: str | None = None


@dataclass(frozen=True)
class BaselineItem:
    """What a baseline holds for one item: its base n, per-option figures and aggregates."""

    id: str
    n: int | None
    figures: Mapping[str, Figure] = field(default_factory=dict)
    aggregates: tuple[Aggregate, ...] = ()


@dataclass(frozen=True)
class Baseline:
    """A named set of reference figures with provenance.

    :ivar name: display name in both languages.
    :ivar kind: ``published_figures`` (2017), ``per_option_shares`` or ``respondent_level``.
    :ivar year: the fieldwork year.
    :ivar derived_from: the file the figures were taken or computed from.
    :ivar status_definitions: the statuses this baseline uses, with their meaning.
    """

    name: Text
    kind: str
    year: int | None
    study: str
    fieldwork: str
    sources: Mapping[str, str]
    derived_from: str
    status_definitions: Mapping[str, str]
    items: Mapping[str, BaselineItem]
    qualitative: Mapping[str, tuple[Takeaway, ...]] = field(default_factory=dict)
    population: str | None = None

    def item(self, item_id: str) -> BaselineItem | None:
        """Return what the baseline holds for ``item_id``, or None if the item is not covered."""
        return self.items.get(item_id)

    def figure(self, item_id: str, option_id: str) -> Figure | None:
        """Return the figure for an option, or None when none was published."""
        item = self.items.get(item_id)
        return None if item is None else item.figures.get(option_id)

    def n(self, item_id: str) -> int | None:
        """Return the number who answered ``item_id`` in the baseline, or None if not stated."""
        item = self.items.get(item_id)
        return None if item is None else item.n

    def aggregates(self, item_id: str) -> tuple[Aggregate, ...]:
        """Return the aggregates published for ``item_id`` (e.g. the q1 86 %)."""
        item = self.items.get(item_id)
        return () if item is None else item.aggregates

    def takeaways(self, key: str) -> tuple[Takeaway, ...]:
        """Return the qualitative takeaways for an item id or a group key (``internal_tasks`` …)."""
        return self.qualitative.get(key, ())

    def all_figures(self) -> list[Figure]:
        """Return every per-option figure in file order."""
        return [figure for item in self.items.values() for figure in item.figures.values()]

    def numeric_count(self) -> int:
        """Return the number of numeric figures (per-option figures plus aggregates)."""
        return sum(len(item.figures) + len(item.aggregates) for item in self.items.values())


# --------------------------------------------------------------------------- formatting


def status_marker(status: str, lang: str) -> str:
    """Return the UI marker of a figure status in ``lang`` (the status id for unknown statuses)."""
    marker = STATUS_MARKERS.get(status)
    return status if marker is None else marker.get(lang)


def format_pct(pct: float, lang: str) -> str:
    """Format a percentage as published: ``40.7%`` (EN, The Canadian Style), ``40,7 %`` with U+202F (FR)."""
    number = str(int(pct)) if float(pct).is_integer() else repr(float(pct))
    if lang == "fr":
        return f"{number.replace('.', ',')}{NNBSP}%"
    return f"{number}%"


def format_figure(pct: float, n: int | None, status: str, lang: str) -> str:
    """Format a figure with its base and status, e.g. ``40.7% (n = 248, published figure)``."""
    base = f"n = {n}" if n is not None else ("n non indiqué" if lang == "fr" else "n not stated")
    return f"{format_pct(pct, lang)} ({base}, {status_marker(status, lang)})"


# --------------------------------------------------------------------------- loading


def default_baseline_path() -> Path:
    """Return the path of the packaged 2017 baseline."""
    return Path(str(resources.files("benchmark.core") / "data" / "baseline_2017.json"))


def load_baseline(questionnaire: Questionnaire, path: Path | None = None) -> Baseline:
    """Read a baseline JSON file and validate it against ``questionnaire``.

    :param questionnaire: the questionnaire whose items and options the baseline must use.
    :param path: the JSON file; the packaged 2017 baseline by default.
    :raises BaselineError: naming the first entry that breaks a rule.
    """
    source = path or default_baseline_path()
    try:
        raw = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BaselineError(f"{source}: cannot read baseline: {error}") from error
    return parse_baseline(raw, questionnaire)


def parse_baseline(raw: object, questionnaire: Questionnaire) -> Baseline:
    """Build a :class:`Baseline` from parsed JSON, validating it against ``questionnaire``.

    The shape (types, required keys, percentages in 0–100, n a positive integer or null …)
    is declared in :mod:`benchmark.core.baseline_schema`.  Checked here: every item exists in
    the questionnaire; every figure's option is an option of its item (and not "I don't
    know"); every status is defined in ``meta.status_definitions``; every qualitative key is
    an item id or a known group, and its row/option exist.

    :raises BaselineError: naming the first entry that breaks a rule.
    """
    data = convert(raw, BaselineFile, BaselineError, "baseline", ENTRY_NAMES)
    meta = data.meta
    if not meta.status_definitions:
        raise BaselineError("meta: status_definitions is empty")
    items = {
        item_id: _item(item_id, entry, questionnaire, meta.status_definitions) for item_id, entry in data.items.items()
    }
    qualitative = {key: _takeaways(key, entries, questionnaire) for key, entries in data.qualitative.items()}
    return Baseline(
        name=meta.name.text(),
        kind=meta.kind,
        year=meta.year,
        study=meta.study,
        fieldwork=meta.fieldwork,
        sources=meta.sources,
        derived_from=meta.derived_from,
        status_definitions=meta.status_definitions,
        items=items,
        qualitative=qualitative,
        population=meta.population,
    )


#: Group keys a qualitative takeaway may use besides item ids.
TAKEAWAY_GROUPS: frozenset[str] = frozenset({"internal_tasks", "external_tasks"})


def _item(
    item_id: str, data: BaselineItemSchema, questionnaire: Questionnaire, statuses: Mapping[str, str]
) -> BaselineItem:
    where = f"item {item_id}"
    item = questionnaire.items.get(item_id)
    if item is None:
        raise BaselineError(f"{where}: not an item of the questionnaire")
    figures: dict[str, Figure] = {}
    for option_id, fig in data.figures.items():
        fwhere = f"{where}: figure {option_id}"
        option = item.option(option_id)
        if option is None:
            raise BaselineError(f"{fwhere}: {option_id!r} is not an option of {item_id}")
        if option.missing:
            raise BaselineError(f"{fwhere}: a figure cannot attach to a 'don't know' option")
        figures[option_id] = Figure(
            item_id=item_id,
            option_id=option_id,
            pct=fig.pct,
            status=_status(fig.status, statuses, fwhere),
            n=data.n,
            source=fig.source,
            confidence=fig.confidence,
            count=fig.count,
            raw_text=fig.raw_text,
            note=fig.note,
        )
    aggregates = tuple(
        Aggregate(
            item_id=item_id,
            id=agg.id,
            pct=agg.pct,
            status=_status(agg.status, statuses, f"{where}: aggregate {agg.id}"),
            n=data.n,
            source=agg.source,
            label=agg.label.text(),
            raw_text=agg.raw_text,
            note=agg.note,
        )
        for agg in data.aggregates
    )
    return BaselineItem(id=item_id, n=data.n, figures=figures, aggregates=aggregates)


def _takeaways(key: str, entries: tuple[TakeawaySchema, ...], questionnaire: Questionnaire) -> tuple[Takeaway, ...]:
    where = f"qualitative {key}"
    item = questionnaire.items.get(key)
    if item is None and key not in TAKEAWAY_GROUPS:
        raise BaselineError(f"{where}: neither an item of the questionnaire nor a group {sorted(TAKEAWAY_GROUPS)}")
    for data in entries:
        if data.row is not None and (item is None or item.row(data.row) is None):
            raise BaselineError(f"{where}: {data.id}: unknown row {data.row!r}")
        if data.option is not None and (item is None or item.option(data.option) is None):
            raise BaselineError(f"{where}: {data.id}: unknown option {data.option!r}")
    return tuple(
        Takeaway(
            key=key,
            id=data.id,
            text=data.text.text(),
            source=data.source,
            row=data.row,
            option=data.option,
            source_text=data.source_text,
        )
        for data in entries
    )


def _status(status: str, statuses: Mapping[str, str], where: str) -> str:
    if status not in statuses:
        raise BaselineError(f"{where}: status {status!r} is not defined in meta.status_definitions")
    return status
