"""The funding-needs statement, in both languages: needs per component, the 2017 recommendation each
answers and the cost lines with their amounts; rendered as HTML (for the PDF) and as a .docx.

The statement is built once per language under that language's locale (labels included), so the
PDF and the editable document carry the English section, then the French one, whatever the page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from babel.numbers import format_decimal
from docx import Document
from flask_babel import force_locale
from flask_babel import gettext as _

from benchmark.organisations.plan import services
from benchmark.organisations.plan.forms import category_labels
from benchmark.store.content import content
from benchmark.store.models import ActionPlanStep, Assessment

LOCALES = {"en": "en_CA", "fr": "fr_CA"}


def dollars(amount: int, lang: str) -> str:
    """``$1,200`` in English, ``1 200 $`` in French."""
    number = format_decimal(amount, locale=LOCALES[lang])
    return f"{number}\u00a0$" if lang == "fr" else f"${number}"


@dataclass
class CostLine:
    category: str
    description: str
    amount: str


@dataclass
class ComponentNeeds:
    """What one component needs (or the steps that name no component, ``name`` empty)."""

    name: str
    needs: list[str] = field(default_factory=list)
    recommendations: list[str] = field(default_factory=list)
    costs: list[CostLine] = field(default_factory=list)
    total: str = ""


@dataclass
class StatementSection:
    """The statement in one language, labels included."""

    lang: str
    title: str
    intro: str
    labels: dict[str, str]
    components: list[ComponentNeeds]
    total: str


def build_section(assessment: Assessment, lang: str) -> StatementSection:
    """The statement in ``lang`` (called under that locale: labels are translated here)."""
    organisation_id = assessment.organisation_id
    steps = services.steps_of(organisation_id)
    lines = services.funding_lines_of(organisation_id)
    categories = {key: str(label) for key, label in category_labels().items()}
    components: list[ComponentNeeds] = []
    grand_total = 0
    for dimension in content().rubric.dimensions:
        mine = [s for s in steps if s.dimension == dimension.id]
        costs = [line for line in lines if line.dimension == dimension.id]
        if not mine and not costs:
            continue
        total = sum(line.amount for line in costs)
        grand_total += total
        components.append(
            ComponentNeeds(
                name=dimension.name.get(lang),
                needs=[services.step_text(s).get(lang) for s in mine],
                recommendations=_recommendations(mine, lang),
                costs=[CostLine(categories[c.category], c.description, dollars(c.amount, lang)) for c in costs],
                total=dollars(total, lang),
            )
        )
    loose = [s for s in steps if s.dimension is None]
    if loose:
        components.append(
            ComponentNeeds(
                name=_("Across components"),
                needs=[services.step_text(s).get(lang) for s in loose],
                recommendations=_recommendations(loose, lang),
            )
        )
    return StatementSection(
        lang=lang,
        title=_("Funding-needs statement"),
        intro=_(
            "Digital-capacity needs of our organization, from our self-assessment with the Settlement Digital "
            "Capacity Benchmark, and what meeting them would cost."
        ),
        labels={
            "needs": _("Needs"),
            "recommendations": _("2017 report recommendations it answers"),
            "costs": _("Cost lines"),
            "category": _("Cost category"),
            "description": _("What it pays for"),
            "amount": _("Amount"),
            "component_total": _("Total for this component"),
            "total": _("Total of all cost lines"),
            "none": _("No cost line yet."),
        },
        components=components,
        total=dollars(grand_total, lang),
    )


def _recommendations(steps: list[ActionPlanStep], lang: str) -> list[str]:
    seen: list[str] = []
    for step in steps:
        recommendation = services.recommendation_of(step.recommendation_id)
        if recommendation is not None:
            line = _(
                "Recommendation %(number)s: %(text)s", number=recommendation.number, text=recommendation.text.get(lang)
            )
            if line not in seen:
                seen.append(line)
    return seen


def both_sections(assessment: Assessment) -> list[StatementSection]:
    """The English section, then the French one."""
    sections = []
    for lang in ("en", "fr"):
        with force_locale(lang):
            sections.append(build_section(assessment, lang))
    return sections


def docx_bytes(sections: list[StatementSection]) -> bytes:
    """The statement as an editable Word document (English, then French after a page break)."""
    document = Document()
    for number, section in enumerate(sections):
        if number:
            document.add_page_break()  # type: ignore[no-untyped-call]  # python-docx leaves it unannotated
        document.add_heading(section.title, level=1)
        document.add_paragraph(section.intro)
        for component in section.components:
            document.add_heading(component.name, level=2)
            if component.needs:
                document.add_heading(section.labels["needs"], level=3)
                for need in component.needs:
                    document.add_paragraph(need, style="List Bullet")
            if component.recommendations:
                document.add_heading(section.labels["recommendations"], level=3)
                for line in component.recommendations:
                    document.add_paragraph(line, style="List Bullet")
            if component.costs:
                document.add_heading(section.labels["costs"], level=3)
                table = document.add_table(rows=1, cols=3)
                table.style = "Table Grid"
                for cell, key in zip(table.rows[0].cells, ("category", "description", "amount"), strict=True):
                    cell.text = section.labels[key]
                for cost in component.costs:
                    row = table.add_row().cells
                    row[0].text, row[1].text, row[2].text = cost.category, cost.description, cost.amount
                document.add_paragraph(f"{section.labels['component_total']}: {component.total}")
        document.add_paragraph(f"{section.labels['total']}: {section.total}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
