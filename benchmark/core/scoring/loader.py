"""Reading and validating ``scoring.yaml`` against a questionnaire (see :func:`load_rubric`).

The shape of the file is declared in :mod:`.schema`; this module checks what the rubric says
about the questionnaire and about itself.  Pure Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import yaml

from benchmark.core._schema import convert, unique
from benchmark.core.questionnaire import Item, Questionnaire
from benchmark.core.scoring.model import Dimension, Indicator, Level, Rubric, ScoringError
from benchmark.core.scoring.schema import ENTRY_NAMES, IndicatorSchema, LevelSchema, RubricFile


def default_rubric_path() -> Path:
    """Return the path of the packaged rubric."""
    return Path(str(resources.files("benchmark.core") / "data" / "scoring.yaml"))


def load_rubric(questionnaire: Questionnaire, path: Path | None = None) -> Rubric:
    """Read a rubric YAML file and validate it against ``questionnaire``.

    :param questionnaire: the questionnaire whose items, rows and options the rubric uses.
    :param path: the YAML file; the packaged ``scoring.yaml`` by default.
    :raises ScoringError: naming the first entry (e.g. ``indicator SK1``) that breaks a rule.
    """
    source = path or default_rubric_path()
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ScoringError(f"{source}: cannot read rubric: {error}") from error
    return parse_rubric(raw, questionnaire)


def parse_rubric(raw: object, questionnaire: Questionnaire) -> Rubric:
    """Build a :class:`Rubric` from parsed YAML, validating every rule.

    The shape (types, required and unknown keys, positive ``max``, ``weight`` and
    ``min_answered``, non-negative points) is declared in :mod:`.schema`.  Checked here:
    unique dimension and indicator ids; each indicator's dimension exists, its item exists
    and is a single, multi or matrix item; matrix indicators name existing rows (and only
    matrix indicators have rows); every points key is an option of the item and not "I don't
    know"; ``max`` equals the sum of points (multi) or the largest points (single, matrix);
    ``min_answered ≤`` the number of indicators of the dimension; level bands are contiguous
    from 0 to 100.

    :raises ScoringError: naming the first entry that breaks a rule.
    """
    for key in ("k_min_group", "k_min_cell"):
        if isinstance(raw, Mapping) and key in raw:
            raise ScoringError(
                f"{key} does not belong in the rubric: every k comes from the app config "
                "(PEER_MIN_GROUP, SECTOR_MIN_CELL, WORKSHOP_MIN_GROUP)"
            )
    data = convert(raw, RubricFile, ScoringError, "rubric", ENTRY_NAMES)
    dimensions = tuple(
        Dimension(id=d.id, name=d.name.text(), source_example=d.source_example.text(), min_answered=d.min_answered)
        for d in data.dimensions
    )
    dimension_ids = unique([d.id for d in dimensions], "dimension", ScoringError)
    indicators = tuple(_indicator(i, questionnaire, dimension_ids) for i in data.indicators)
    unique([i.id for i in indicators], "indicator", ScoringError)
    for dimension in dimensions:
        count = sum(1 for i in indicators if i.dimension == dimension.id)
        if not 1 <= dimension.min_answered <= count:
            raise ScoringError(
                f"dimension {dimension.id}: min_answered {dimension.min_answered} must be between 1 and {count}"
            )
    return Rubric(
        version=data.rubric_version,
        dimensions=dimensions,
        indicators=indicators,
        levels=_levels(data.levels),
        show_derived_2017_means=data.show_derived_2017_means,
    )


def _indicator(data: IndicatorSchema, questionnaire: Questionnaire, dimension_ids: set[str]) -> Indicator:
    where = f"indicator {data.id}"
    if data.dimension not in dimension_ids:
        raise ScoringError(f"{where}: unknown dimension {data.dimension!r}")
    item = questionnaire.items.get(data.item)
    if item is None:
        raise ScoringError(f"{where}: unknown item {data.item!r}")
    if not item.kind.has_options:
        raise ScoringError(f"{where}: item {item.id} is a 0–10 scale, which the rubric cannot score")
    rows = _indicator_rows(data.rows, item, where)
    _check_points(data.points, item, where)
    expected = sum(data.points.values()) if item.kind.multiple else max(data.points.values())
    if data.max != expected:
        raise ScoringError(f"{where}: max is {data.max} but the points allow {expected}")
    return Indicator(
        id=data.id,
        dimension=data.dimension,
        item=item.id,
        item_type=item.type,
        points=data.points,
        max=data.max,
        weight=data.weight,
        description=data.description.text(),
        anchor=data.anchor,
        rows=rows,
    )


def _indicator_rows(rows: tuple[str, ...] | None, item: Item, where: str) -> tuple[str, ...]:
    if not item.kind.has_rows:
        if rows:
            raise ScoringError(f"{where}: rows given but item {item.id} is not a matrix")
        return ()
    if rows is None:
        raise ScoringError(f"{where}: item {item.id} is a matrix; list the rows this indicator averages")
    if not rows:
        raise ScoringError(f"{where}: a matrix indicator needs at least one row of {item.id}")
    for row in rows:
        if item.row(row) is None:
            raise ScoringError(f"{where}: unknown row {row!r} of item {item.id}")
    if len(set(rows)) != len(rows):
        raise ScoringError(f"{where}: a row is listed twice")
    return rows


def _check_points(points: Mapping[str, int], item: Item, where: str) -> None:
    if not points:
        raise ScoringError(f"{where}: points are empty")
    for option_id in points:
        option = item.option(option_id)
        if option is None:
            raise ScoringError(f"{where}: unknown option {option_id!r} of item {item.id}")
        if option.missing:
            raise ScoringError(f"{where}: option {option_id!r} counts as missing and cannot score")
    if max(points.values()) == 0:
        raise ScoringError(f"{where}: at least one option must score points")


def _levels(entries: tuple[LevelSchema, ...]) -> tuple[Level, ...]:
    levels = []
    for data in entries:
        if data.min > data.max:
            raise ScoringError(f"level {data.level}: min must be <= max")
        levels.append(
            Level(
                number=data.level,
                min=data.min,
                max=data.max,
                name=data.name.text(),
                description=data.description.text(),
            )
        )
    if not levels:
        raise ScoringError("levels: at least one level band is needed")
    levels.sort(key=lambda level: level.min)
    expected = 0
    for index, level in enumerate(levels, start=1):
        if level.number != index:
            raise ScoringError(f"level {level.number}: levels must be numbered 1, 2, … in score order")
        if level.min != expected:
            raise ScoringError(f"level {level.number}: starts at {level.min}, expected {expected} (gap or overlap)")
        expected = level.max + 1
    if expected != 101:
        raise ScoringError("levels: the bands must end at 100")
    return tuple(levels)
