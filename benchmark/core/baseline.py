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
from typing import Any, cast

from benchmark.core._shape import Shape
from benchmark.core.questionnaire import Questionnaire, Text

#: Kinds of baseline the loader accepts.
BASELINE_KINDS: frozenset[str] = frozenset({"published_figures", "per_option_shares", "respondent_level"})

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
        """Return the figure with its n and status marker, e.g. ``40.7 % (n = 248, published figure)``.

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
    """Format a percentage as published: ``40.7 %`` (EN), ``40,7 %`` with a narrow no-break space (FR)."""
    number = str(int(pct)) if float(pct).is_integer() else repr(float(pct))
    if lang == "fr":
        return f"{number.replace('.', ',')}{NNBSP}%"
    return f"{number} %"


def format_figure(pct: float, n: int | None, status: str, lang: str) -> str:
    """Format a figure with its base and status, e.g. ``40.7 % (n = 248, published figure)``."""
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

    Checks: every item exists in the questionnaire; every figure's option is an
    option of its item (and not "I don't know"); percentages lie in 0–100; n is
    a positive integer or null; every status is defined in ``meta.status_definitions``;
    every qualitative key is an item id or a known group, and its row/option exist.

    :raises BaselineError: naming the first entry that breaks a rule.
    """
    data = _mapping(raw, "baseline")
    meta = _mapping(data.get("meta"), "meta")
    kind = meta.get("kind", "published_figures")
    if kind not in BASELINE_KINDS:
        raise BaselineError(f"meta: kind must be one of {sorted(BASELINE_KINDS)}")
    statuses = _mapping(meta.get("status_definitions"), "meta: status_definitions")
    if not statuses:
        raise BaselineError("meta: status_definitions is empty")
    year = meta.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise BaselineError("meta: year must be an integer")
    items: dict[str, BaselineItem] = {}
    for item_id, entry in _mapping(data.get("items"), "items").items():
        items[item_id] = _parse_item(item_id, entry, questionnaire, statuses)
    qualitative = {
        key: _parse_takeaways(key, entry, questionnaire)
        for key, entry in _mapping(data.get("qualitative", {}), "qualitative").items()
    }
    return Baseline(
        name=_text(meta.get("name"), "meta: name"),
        kind=cast(str, kind),
        year=year,
        study=_str(meta.get("study"), "meta: study"),
        fieldwork=_str(meta.get("fieldwork"), "meta: fieldwork"),
        sources={str(k): str(v) for k, v in _mapping(meta.get("sources"), "meta: sources").items()},
        derived_from=_str(meta.get("derived_from"), "meta: derived_from"),
        status_definitions={str(k): str(v) for k, v in statuses.items()},
        items=items,
        qualitative=qualitative,
        population=cast("str | None", meta.get("population")),
    )


#: Group keys a qualitative takeaway may use besides item ids.
TAKEAWAY_GROUPS: frozenset[str] = frozenset({"internal_tasks", "external_tasks"})


def _parse_item(item_id: str, raw: object, questionnaire: Questionnaire, statuses: Mapping[str, Any]) -> BaselineItem:
    where = f"item {item_id}"
    item = questionnaire.items.get(item_id)
    if item is None:
        raise BaselineError(f"{where}: not an item of the questionnaire")
    data = _mapping(raw, where)
    n = data.get("n")
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n <= 0):
        raise BaselineError(f"{where}: n must be null or a positive integer")
    figures: dict[str, Figure] = {}
    for option_id, entry in _mapping(data.get("figures", {}), f"{where}: figures").items():
        fwhere = f"{where}: figure {option_id}"
        option = item.option(option_id)
        if option is None:
            raise BaselineError(f"{fwhere}: {option_id!r} is not an option of {item_id}")
        if option.missing:
            raise BaselineError(f"{fwhere}: a figure cannot attach to a 'don't know' option")
        fig = _mapping(entry, fwhere)
        figures[option_id] = Figure(
            item_id=item_id,
            option_id=option_id,
            pct=_pct(fig.get("pct"), fwhere),
            status=_status(fig.get("status"), statuses, fwhere),
            n=n,
            source=_str(fig.get("source"), f"{fwhere}: source"),
            confidence=cast("str | None", fig.get("confidence")),
            count=_count(fig.get("count"), fwhere),
            raw_text=cast("str | None", fig.get("raw_text")),
            note=cast("str | None", fig.get("note")),
        )
    aggregates = []
    for entry in _list(data.get("aggregates", []), f"{where}: aggregates"):
        agg = _mapping(entry, f"{where}: aggregate")
        agg_id = _str(agg.get("id"), f"{where}: aggregate id")
        awhere = f"{where}: aggregate {agg_id}"
        aggregates.append(
            Aggregate(
                item_id=item_id,
                id=agg_id,
                pct=_pct(agg.get("pct"), awhere),
                status=_status(agg.get("status"), statuses, awhere),
                n=n,
                source=_str(agg.get("source"), f"{awhere}: source"),
                label=_text(agg.get("label"), f"{awhere}: label"),
                raw_text=cast("str | None", agg.get("raw_text")),
                note=cast("str | None", agg.get("note")),
            )
        )
    return BaselineItem(id=item_id, n=n, figures=figures, aggregates=tuple(aggregates))


def _parse_takeaways(key: str, raw: object, questionnaire: Questionnaire) -> tuple[Takeaway, ...]:
    where = f"qualitative {key}"
    item = questionnaire.items.get(key)
    if item is None and key not in TAKEAWAY_GROUPS:
        raise BaselineError(f"{where}: neither an item of the questionnaire nor a group {sorted(TAKEAWAY_GROUPS)}")
    takeaways = []
    for entry in _list(raw, where):
        data = _mapping(entry, where)
        takeaway_id = _str(data.get("id"), f"{where}: id")
        twhere = f"{where}: {takeaway_id}"
        row = cast("str | None", data.get("row"))
        option = cast("str | None", data.get("option"))
        if row is not None and (item is None or all(r.id != row for r in item.rows)):
            raise BaselineError(f"{twhere}: unknown row {row!r}")
        if option is not None and (item is None or item.option(option) is None):
            raise BaselineError(f"{twhere}: unknown option {option!r}")
        takeaways.append(
            Takeaway(
                key=key,
                id=takeaway_id,
                text=_text(data.get("text"), f"{twhere}: text"),
                source=_str(data.get("source"), f"{twhere}: source"),
                row=row,
                option=option,
                source_text=cast("str | None", data.get("source_text")),
            )
        )
    return tuple(takeaways)


# --------------------------------------------------------------------------- helpers

_shape = Shape(BaselineError)
_mapping = _shape.mapping
_list = _shape.sequence
_text = _shape.text
_str = _shape.nonempty_str


def _pct(raw: object, where: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not 0 <= raw <= 100:
        raise BaselineError(f"{where}: pct must be a number between 0 and 100")
    return raw


def _count(raw: object, where: str) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise BaselineError(f"{where}: count must be null or a non-negative integer")
    return raw


def _status(raw: object, statuses: Mapping[str, Any], where: str) -> str:
    if not isinstance(raw, str) or raw not in statuses:
        raise BaselineError(f"{where}: status {raw!r} is not defined in meta.status_definitions")
    return raw
