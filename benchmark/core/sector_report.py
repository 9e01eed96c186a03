"""The sector report's structure (``benchmark/core/data/sector_report.yaml``): the 2017 report's sections.

Each section names the questionnaire items it reports; :func:`load_sector_report` checks that every
item exists and that no item is reported twice.  Pure Python: never Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import msgspec
import yaml

from benchmark.core._schema import BilingualText, Schema, convert, unique
from benchmark.core.questionnaire import Questionnaire
from benchmark.core.text import Text


class SectorReportError(ValueError):
    """Raised when the report's data file breaks a rule; the message names the section."""


class SectionSchema(Schema, frozen=True):
    """One section of the report."""

    id: str
    title: BilingualText
    items: tuple[str, ...]


class ReportFile(msgspec.Struct, frozen=True):
    """``sector_report.yaml``."""

    sections: tuple[SectionSchema, ...]


@dataclass(frozen=True)
class ReportSection:
    """A section: its id, bilingual title and the items it reports, in order."""

    id: str
    title: Text
    item_ids: tuple[str, ...]


def load_sector_report(questionnaire: Questionnaire, path: Path | None = None) -> tuple[ReportSection, ...]:
    """Read and check the report's sections against ``questionnaire``."""
    source = path or Path(str(resources.files("benchmark.core") / "data" / "sector_report.yaml"))
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SectorReportError(f"{source}: cannot read the sector report: {error}") from error
    data = convert(raw, ReportFile, SectorReportError, "sector report", {"sections": ("section", "id")})
    unique([s.id for s in data.sections], "section", SectorReportError)
    unique([i for s in data.sections for i in s.items], "item", SectorReportError)
    for section in data.sections:
        for item_id in section.items:
            if item_id not in questionnaire.items:
                raise SectorReportError(f"section {section.id}: unknown item {item_id!r}")
    return tuple(ReportSection(s.id, s.title.text(), s.items) for s in data.sections)
