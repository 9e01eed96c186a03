"""Reading and validating ``scoring.yaml`` against a questionnaire (see :func:`load_rubric`). Pure Python."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import cast

import yaml

from benchmark.core._shape import Shape
from benchmark.core.questionnaire import Item, Questionnaire
from benchmark.core.scoring.model import Dimension, Indicator, Level, Rubric, ScoringError


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

    Checks: unique dimension and indicator ids; each indicator's dimension exists,
    its item exists and is a single, multi or matrix item; matrix indicators name
    existing rows (and only matrix indicators have rows); every points key is an
    option of the item and not "I don't know"; points are non-negative integers;
    ``max`` equals the sum of points (multi) or the largest points (single,
    matrix); ``1 ≤ min_answered ≤`` the number of indicators of the dimension;
    level bands are contiguous from 0 to 100.

    :raises ScoringError: naming the first entry that breaks a rule.
    """
    data = _mapping(raw, "rubric")
    for key in ("k_min_group", "k_min_cell"):
        if key in data:
            raise ScoringError(
                f"{key} does not belong in the rubric: every k comes from the app config "
                "(PEER_MIN_GROUP, SECTOR_MIN_CELL, WORKSHOP_MIN_GROUP)"
            )
    version = data.get("rubric_version")
    if not isinstance(version, str) or not version:
        raise ScoringError("rubric_version is missing")
    dimensions = tuple(_parse_dimension(d) for d in _list(data.get("dimensions"), "dimensions"))
    _unique([d.id for d in dimensions], "dimension")
    dimension_ids = {d.id for d in dimensions}
    indicators = tuple(
        _parse_indicator(i, questionnaire, dimension_ids) for i in _list(data.get("indicators"), "indicators")
    )
    _unique([i.id for i in indicators], "indicator")
    for dimension in dimensions:
        count = sum(1 for i in indicators if i.dimension == dimension.id)
        if not 1 <= dimension.min_answered <= count:
            raise ScoringError(
                f"dimension {dimension.id}: min_answered {dimension.min_answered} must be between 1 and {count}"
            )
    levels = _parse_levels(data.get("levels"))
    return Rubric(
        version=version,
        dimensions=dimensions,
        indicators=indicators,
        levels=levels,
        show_derived_2017_means=bool(data.get("show_derived_2017_means", False)),
    )


def _parse_dimension(raw: object) -> Dimension:
    data = _mapping(raw, "dimension")
    dimension_id = data.get("id")
    if not isinstance(dimension_id, str) or not dimension_id:
        raise ScoringError(f"dimension {dimension_id!r}: id must be a non-empty string")
    where = f"dimension {dimension_id}"
    return Dimension(
        id=dimension_id,
        name=_text(data.get("name"), f"{where}: name"),
        source_example=_text(data.get("source_example"), f"{where}: source_example"),
        min_answered=_positive_int(data.get("min_answered"), f"{where}: min_answered"),
    )


def _parse_indicator(raw: object, questionnaire: Questionnaire, dimension_ids: set[str]) -> Indicator:
    data = _mapping(raw, "indicator")
    indicator_id = data.get("id")
    if not isinstance(indicator_id, str) or not indicator_id:
        raise ScoringError(f"indicator {indicator_id!r}: id must be a non-empty string")
    where = f"indicator {indicator_id}"
    dimension = data.get("dimension")
    if dimension not in dimension_ids:
        raise ScoringError(f"{where}: unknown dimension {dimension!r}")
    item_id = data.get("item")
    item = questionnaire.items.get(item_id) if isinstance(item_id, str) else None
    if item is None:
        raise ScoringError(f"{where}: unknown item {item_id!r}")
    if not item.kind.has_options:
        raise ScoringError(f"{where}: item {item.id} is a 0–10 scale, which the rubric cannot score")
    rows = _indicator_rows(data.get("rows"), item, where)
    points = _indicator_points(data.get("points"), item, where)
    maximum = _positive_int(data.get("max"), f"{where}: max")
    expected = sum(points.values()) if item.kind.multiple else max(points.values())
    if maximum != expected:
        raise ScoringError(f"{where}: max is {maximum} but the points allow {expected}")
    description = _text(data.get("description"), f"{where}: description")
    anchor = data.get("anchor")
    if not isinstance(anchor, str) or not anchor.strip():
        raise ScoringError(f"{where}: anchor is missing")
    return Indicator(
        id=indicator_id,
        dimension=cast(str, dimension),
        item=item.id,
        item_type=item.type,
        points=points,
        max=maximum,
        weight=_positive_int(data.get("weight", 1), f"{where}: weight"),
        description=description,
        anchor=anchor,
        rows=rows,
    )


def _indicator_rows(raw: object, item: Item, where: str) -> tuple[str, ...]:
    if not item.kind.has_rows:
        if raw:
            raise ScoringError(f"{where}: rows given but item {item.id} is not a matrix")
        return ()
    if raw is None:
        raise ScoringError(f"{where}: item {item.id} is a matrix; list the rows this indicator averages")
    rows = _list(raw, f"{where}: rows")
    if not rows:
        raise ScoringError(f"{where}: a matrix indicator needs at least one row of {item.id}")
    known = {row.id for row in item.rows}
    for row in rows:
        if row not in known:
            raise ScoringError(f"{where}: unknown row {row!r} of item {item.id}")
    if len(set(rows)) != len(rows):
        raise ScoringError(f"{where}: a row is listed twice")
    return tuple(cast(list[str], rows))


def _indicator_points(raw: object, item: Item, where: str) -> dict[str, int]:
    points = _mapping(raw, f"{where}: points")
    if not points:
        raise ScoringError(f"{where}: points are empty")
    result: dict[str, int] = {}
    for option_id, value in points.items():
        if not isinstance(option_id, str):
            raise ScoringError(f"{where}: option id {option_id!r} must be a string (quote it in YAML)")
        option = item.option(option_id)
        if option is None:
            raise ScoringError(f"{where}: unknown option {option_id!r} of item {item.id}")
        if option.missing:
            raise ScoringError(f"{where}: option {option_id!r} counts as missing and cannot score")
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ScoringError(f"{where}: points of {option_id!r} must be a non-negative integer")
        result[option_id] = value
    if max(result.values()) == 0:
        raise ScoringError(f"{where}: at least one option must score points")
    return result


def _parse_levels(raw: object) -> tuple[Level, ...]:
    levels = []
    for entry in _list(raw, "levels"):
        data = _mapping(entry, "level")
        number = _positive_int(data.get("level"), "level: level")
        where = f"level {number}"
        low, high = data.get("min"), data.get("max")
        if not isinstance(low, int) or not isinstance(high, int) or isinstance(low, bool) or low > high:
            raise ScoringError(f"{where}: min and max must be integers with min <= max")
        levels.append(
            Level(
                number=number,
                min=low,
                max=high,
                name=_text(data.get("name"), f"{where}: name"),
                description=_text(data.get("description"), f"{where}: description"),
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


# --------------------------------------------------------------------------- helpers

_shape = Shape(ScoringError)
_mapping = _shape.mapping
_list = _shape.sequence
_text = _shape.text
_unique = _shape.unique
_positive_int = _shape.positive_int
