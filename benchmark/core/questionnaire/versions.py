"""Questionnaire versions: a fingerprint per version, a crosswalk between versions and to the 2017 ids.

``benchmark/core/data/questionnaire_versions.yaml`` records every version of the questionnaire:
its id, the day it was recorded, its *structure* (for each item: type, option ids, exclusive option
ids, row ids — what answers are stored under and scoring reads; wording is not part of it) and the
fingerprint of that structure.  :func:`load_versions` refuses a questionnaire whose structure is not
the one recorded for its ``meta.questionnaire_version``: changing an item or an option without
recording a new version stops the application at start (and the data tests fail).

The crosswalk maps each version to the next (an item or option that disappears or is renamed must
be mapped, to its new id or to null) and the current items to the 2017 question ids.  Trends across
versions use only what the crosswalk maps (:meth:`Versions.map_item`, :meth:`Versions.map_option`).
Pure Python: never Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated

import msgspec
import yaml

from benchmark.core._schema import NonBlank, Schema, convert, unique
from benchmark.core.questionnaire.loader import QuestionnaireError
from benchmark.core.questionnaire.model import Questionnaire
from benchmark.core.questionnaire.schema import ItemId, OptionId

#: The structure of one item: ``{"type": …, "options": [ids], "exclusive": [ids], "rows": [ids]}``.
ItemStructure = Mapping[str, object]
#: A 2017 question id as the 2017 deck numbers them (``Q2.1``).
Id2017 = Annotated[str, msgspec.Meta(pattern=r"^Q\d+(\.\d+)?$")]
Date = Annotated[str, msgspec.Meta(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class ItemStructureSchema(Schema, frozen=True):
    """What answers are stored under and scoring reads: type, option, exclusive and row ids."""

    type: NonBlank
    options: tuple[OptionId, ...] = ()
    exclusive: tuple[OptionId, ...] = ()
    rows: tuple[OptionId, ...] = ()


class VersionSchema(Schema, frozen=True):
    """One recorded version."""

    id: Annotated[str, msgspec.Meta(pattern=r"^[0-9A-Za-z.\-]{1,20}$")]
    recorded: Date
    note: NonBlank
    fingerprint: Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{16}$")]
    structure: dict[ItemId, ItemStructureSchema]


class CrosswalkSchema(Schema, frozen=True):
    """From one version to the next: items and options that disappeared or were renamed (to null: dropped)."""

    from_: str = msgspec.field(name="from")
    to: str = ""
    items: dict[ItemId, ItemId | None] = {}
    options: dict[ItemId, dict[OptionId, OptionId | None]] = {}


class VersionsFile(msgspec.Struct, frozen=True):
    """``questionnaire_versions.yaml``."""

    versions: tuple[VersionSchema, ...]
    crosswalk: tuple[CrosswalkSchema, ...] = ()
    ids_2017: dict[ItemId, Id2017] = {}


ENTRY_NAMES = {"versions": ("version", "id"), "crosswalk": ("crosswalk", "to"), "structure": ("item", "")}


def default_versions_path() -> Path:
    """Return the path of the versions file shipped with the package."""
    return Path(str(resources.files("benchmark.core") / "data" / "questionnaire_versions.yaml"))


def structure(questionnaire: Questionnaire) -> dict[str, dict[str, object]]:
    """The structure of every item, in flow order (see the module docstring)."""
    result: dict[str, dict[str, object]] = {}
    for item in questionnaire.iter_items():
        entry: dict[str, object] = {"type": item.type}
        if item.options:
            entry["options"] = [o.id for o in item.options]
        exclusive = [o.id for o in item.options if o.exclusive]
        if exclusive:
            entry["exclusive"] = exclusive
        if item.rows:
            entry["rows"] = [r.id for r in item.rows]
        result[item.id] = entry
    return result


def fingerprint(items: Mapping[str, ItemStructure]) -> str:
    """16 hex digits of the SHA-256 of the structure (item order included: it is the flow order)."""
    canonical = [
        [item_id, str(entry["type"]), *(ids_of(entry, key) for key in ("options", "exclusive", "rows"))]
        for item_id, entry in items.items()
    ]
    return hashlib.sha256(json.dumps(canonical, separators=(",", ":")).encode()).hexdigest()[:16]


def ids_of(entry: Mapping[str, object] | None, key: str) -> list[str]:
    """The ids listed under ``key`` of an item's structure (none: an empty list)."""
    values = [] if entry is None else entry.get(key, [])
    return [str(v) for v in values] if isinstance(values, list | tuple) else []


def _as_structure(entries: Mapping[str, ItemStructureSchema]) -> dict[str, dict[str, object]]:
    result: dict[str, dict[str, object]] = {}
    for item_id, s in entries.items():
        entry: dict[str, object] = {"type": s.type}
        if s.options:
            entry["options"] = list(s.options)
        if s.exclusive:
            entry["exclusive"] = list(s.exclusive)
        if s.rows:
            entry["rows"] = list(s.rows)
        result[item_id] = entry
    return result


@dataclass(frozen=True)
class Version:
    """One recorded version of the questionnaire."""

    id: str
    recorded: str
    note: str
    fingerprint: str
    structure: Mapping[str, Mapping[str, object]]


@dataclass(frozen=True)
class Step:
    """The crosswalk from one version to the next (an id absent from the maps keeps its id)."""

    source: str
    target: str
    items: Mapping[str, str | None]
    options: Mapping[str, Mapping[str, str | None]]


@dataclass(frozen=True)
class Versions:
    """Every recorded version (oldest first), the crosswalk between them and to the 2017 ids."""

    versions: tuple[Version, ...]
    steps: tuple[Step, ...]
    ids_2017: Mapping[str, str]

    @property
    def current(self) -> Version:
        """The newest version (the questionnaire's own)."""
        return self.versions[-1]

    def ids(self) -> list[str]:
        """Every version id, oldest first."""
        return [v.id for v in self.versions]

    def get(self, version_id: str) -> Version | None:
        """The version with this id, or None."""
        return next((v for v in self.versions if v.id == version_id), None)

    def _path(self, source: str, target: str) -> list[Step] | None:
        ids = self.ids()
        if source not in ids or target not in ids or ids.index(source) > ids.index(target):
            return None
        return list(self.steps[ids.index(source) : ids.index(target)])

    def map_item(self, source: str, target: str, item_id: str) -> str | None:
        """The id in ``target`` of ``item_id`` of ``source`` (an earlier or the same version), or None if unmapped."""
        path = self._path(source, target)
        if path is None or item_id not in (self.get(source) or self.current).structure:
            return None
        current: str | None = item_id
        for step in path:
            current = step.items.get(current, current) if current is not None else None
        return current

    def map_option(self, source: str, target: str, item_id: str, option_id: str) -> tuple[str, str] | None:
        """``(item, option)`` in ``target`` of an option of ``source``, or None if the crosswalk does not map it."""
        path = self._path(source, target)
        version = self.get(source)
        if path is None or version is None or option_id not in _options(version.structure.get(item_id)):
            return None
        item: str | None = item_id
        option: str | None = option_id
        for step in path:
            assert item is not None and option is not None
            option = step.options.get(item, {}).get(option, option)
            item = step.items.get(item, item)
            if item is None or option is None:
                return None
        assert item is not None and option is not None
        return item, option

    def comparable_items(self, source: str, target: str) -> dict[str, str]:
        """Items of ``source`` the crosswalk maps into ``target`` (the only ones a trend may use)."""
        version = self.get(source)
        if version is None:
            return {}
        mapped = {item: self.map_item(source, target, item) for item in version.structure}
        return {item: to for item, to in mapped.items() if to is not None}

    def item_2017(self, item_id: str) -> str | None:
        """The 2017 question id of a current item, or None (a new item, or not mapped)."""
        return self.ids_2017.get(item_id)


def _options(entry: Mapping[str, object] | None) -> list[str]:
    return ids_of(entry, "options")


def load_versions(questionnaire: Questionnaire, path: Path | None = None) -> Versions:
    """Read the versions file and check it against ``questionnaire`` (see the module docstring).

    :raises QuestionnaireError: naming the version, crosswalk entry or item at fault.
    """
    source = path or default_versions_path()
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise QuestionnaireError(f"{source}: cannot read questionnaire versions: {error}") from error
    return parse_versions(raw, questionnaire)


def parse_versions(raw: object, questionnaire: Questionnaire) -> Versions:
    """Build :class:`Versions` from parsed data, validating it against ``questionnaire``."""
    data = convert(raw, VersionsFile, QuestionnaireError, "questionnaire versions", ENTRY_NAMES)
    if not data.versions:
        raise QuestionnaireError("questionnaire versions: at least one version is needed")
    unique([v.id for v in data.versions], "version", QuestionnaireError)
    versions = tuple(
        Version(v.id, v.recorded, v.note, v.fingerprint, _as_structure(v.structure)) for v in data.versions
    )
    for version in versions:
        if fingerprint(version.structure) != version.fingerprint:
            raise QuestionnaireError(
                f"version {version.id}: fingerprint {version.fingerprint} is not that of its structure "
                f"({fingerprint(version.structure)})"
            )
    _check_current(versions[-1], questionnaire)
    steps = tuple(_step(entry, versions) for entry in data.crosswalk)
    expected = [(a.id, b.id) for a, b in zip(versions, versions[1:], strict=False)]
    if [(s.source, s.target) for s in steps] != expected:
        raise QuestionnaireError(f"crosswalk: one entry per pair of consecutive versions is needed: {expected}")
    for item_id in data.ids_2017:
        if item_id not in versions[-1].structure or not item_id.startswith("q"):
            raise QuestionnaireError(f"ids_2017: {item_id} is not a current item asked in 2017 (q…)")
    return Versions(versions, steps, dict(data.ids_2017))


def _check_current(version: Version, questionnaire: Questionnaire) -> None:
    now = structure(questionnaire)
    if version.id != questionnaire.version:
        raise QuestionnaireError(
            f"questionnaire version {questionnaire.version} is not the newest recorded version ({version.id}): "
            "record it in questionnaire_versions.yaml"
        )
    if now != version.structure:
        changed = sorted(set(now) ^ set(version.structure) | {i for i in now if now[i] != version.structure.get(i)})
        raise QuestionnaireError(
            f"the questionnaire's items or options changed (items {', '.join(changed)}) but version "
            f"{version.id} records another structure: record a new version (fingerprint {fingerprint(now)}) "
            "with a crosswalk from the previous one"
        )


def _step(entry: CrosswalkSchema, versions: tuple[Version, ...]) -> Step:
    where = f"crosswalk {entry.from_} → {entry.to}"
    found = {v.id: v for v in versions}
    if entry.from_ not in found or entry.to not in found:
        raise QuestionnaireError(f"{where}: unknown version")
    old, new = found[entry.from_].structure, found[entry.to].structure
    for item_id, target in entry.items.items():
        if item_id not in old:
            raise QuestionnaireError(f"{where}: item {item_id} is not in version {entry.from_}")
        if target is not None and target not in new:
            raise QuestionnaireError(f"{where}: item {item_id} → {target}: no such item in version {entry.to}")
    for item_id in old:
        if item_id not in new and item_id not in entry.items:
            raise QuestionnaireError(f"{where}: item {item_id} is gone: map it to its new id or to null")
    for item_id in old:
        target_item = entry.items.get(item_id, item_id)
        if target_item is None:
            continue
        declared = entry.options.get(item_id, {})
        new_options = _options(new.get(target_item))
        for option_id in _options(old[item_id]):
            target = declared.get(option_id, option_id)
            if option_id in declared and target is None:
                continue
            if target not in new_options:
                raise QuestionnaireError(
                    f"{where}: item {item_id} option {option_id} is not in version {entry.to}: "
                    "map it to its new id or to null"
                )
    for item_id, options in entry.options.items():
        unknown = set(options) - set(_options(old.get(item_id)))
        if unknown:
            raise QuestionnaireError(f"{where}: item {item_id}: no option {sorted(unknown)[0]} in {entry.from_}")
    return Step(entry.from_, entry.to, dict(entry.items), {k: dict(v) for k, v in entry.options.items()})
