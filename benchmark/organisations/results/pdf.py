"""The results as a tagged PDF (PDF/UA-1), in one language or side by side in both.

WeasyPrint runs no JavaScript, so the component chart is drawn server-side as
inline SVG (with a ``<title>`` that becomes the figure's alternative text) and
every number is also printed as text in a table.

The report is built from blocks: each block is one macro of
``templates/results/_report_body.html`` rendered under one locale.  The
one-language report prints the blocks in order; the bilingual report pairs the
English and French blocks row by row (EN left, FR right), so each section
lines up with its translation.

A failure never yields a truncated file: the whole PDF is rendered to bytes in
memory, checked, and only then returned.  Any WeasyPrint error becomes
:class:`PdfError`, so the view can show an error page instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

from flask import get_template_attribute, render_template
from flask_babel import force_locale
from markupsafe import Markup

from benchmark.core.baseline import status_marker
from benchmark.organisations.results.services import ResultsView
from benchmark.web.responses import PdfError, html_to_pdf, tag_column_languages

__all__ = ["PdfError", "render_bilingual_pdf", "render_report_pdf", "report_html"]

BODY_TEMPLATE = "results/_report_body.html"
REPORT_TEMPLATE = "results/report_pdf.html"


@dataclass(frozen=True)
class Block:
    """One rendered piece of the report: ``key`` pairs the EN and FR versions of the same piece."""

    key: str
    html: Markup


def render_report_pdf(view: ResultsView) -> bytes:
    """Render the profile in ``view.lang`` as a tagged PDF and return its bytes.

    :raises PdfError: if WeasyPrint fails (the caller shows an error page).
    """
    return html_to_pdf(report_html(view))


def report_html(view: ResultsView) -> str:
    """The one-language report as the HTML that WeasyPrint turns into the PDF (also checked in a browser)."""
    with force_locale(view.lang):
        blocks = list(report_blocks(view))
        return render_template(
            REPORT_TEMPLATE,
            lang=view.lang,
            title=_macro("doc_title")(),
            running_title=_macro("running_title")(),
            bilingual=False,
            blocks=[block.html for block in blocks],
            rows=[],
            created=_created(view),
        )


def render_bilingual_pdf(view_en: ResultsView, view_fr: ResultsView) -> bytes:
    """Render the profile side by side, English left and French right, as one tagged PDF.

    ``view_en`` and ``view_fr`` are the same assessment built in each language
    (each under its own locale, so that group labels are translated).

    :raises PdfError: if WeasyPrint fails.
    """
    with force_locale("en"):
        english = list(report_blocks(view_en))
        title_en, running_en = _macro("doc_title")(), _macro("running_title")()
    with force_locale("fr"):
        french = list(report_blocks(view_fr))
        title_fr, running_fr = _macro("doc_title")(), _macro("running_title")()
    with force_locale("en"):
        html = render_template(
            REPORT_TEMPLATE,
            lang="en",
            title=Markup(" / ").join((title_en, title_fr)),
            running_title=Markup(" / ").join((running_en, running_fr)),
            bilingual=True,
            blocks=[],
            rows=pair_blocks(english, french),
            created=_created(view_en),
        )
    return html_to_pdf(html, finisher=tag_column_languages)


def report_blocks(view: ResultsView) -> Iterator[Block]:
    """Yield the report's blocks for ``view`` in the current locale, in reading order."""
    lang = view.lang
    yield Block("header", _macro("header")(view))
    yield Block("summary", _macro("summary")(view))
    yield Block("components", _macro("components")(view, view.peer_medians))
    if view.previous is not None and view.previous_profile is not None:
        yield Block("change", _macro("change")(view))
    yield Block("peers", _macro("peers_intro")(view))
    for group in view.peer_groups:
        yield Block(f"peers:{group.key}", _macro("peer_group")(view, group))
    yield Block("recommendations", _macro("recommendations_intro")(view))
    for recommendation in view.recommendations:
        yield Block(f"rec:{recommendation.recommendation.id}", _macro("recommendation")(view, recommendation))
    markers = {"stated": status_marker("stated", lang), "reading": status_marker("reading", lang)}
    yield Block("baseline", _macro("baseline_intro")(view, markers))
    with_figures = [c for c in view.comparisons if c.figures]
    if with_figures:
        yield Block("baseline:figures", _macro("baseline_table")(view, with_figures))
    for comparison in view.comparisons:
        if comparison.aggregates and not comparison.figures:
            yield Block(f"baseline:{comparison.item.id}", _macro("baseline_aggregate")(view, comparison))
    others = sum(1 for c in view.comparisons if not c.has_figure and not c.item.new_since_2017)
    yield Block("baseline:none", _macro("baseline_none")(view, others))
    if view.all_links:
        yield Block("practices", _macro("practices")(view))
    yield Block("source", _macro("source")(view))


def pair_blocks(left: list[Block], right: list[Block]) -> list[tuple[Markup, Markup]]:
    """Pair two block lists by key, keeping the order of ``left``; a block only one side has gets an empty cell."""
    right_by_key = {block.key: block for block in right}
    left_keys = {block.key for block in left}
    rows: list[tuple[Markup, Markup]] = []
    for block in left:
        partner = right_by_key.get(block.key)
        rows.append((block.html, partner.html if partner else Markup("")))
    rows.extend((Markup(""), block.html) for block in right if block.key not in left_keys)
    return rows


def _macro(name: str) -> Callable[..., Markup]:
    """Return a macro of the report body template (its ``_()`` calls follow the current locale).

    The template is autoescaped (``.html``), so a macro returns :class:`~markupsafe.Markup`.
    """
    return cast(Callable[..., Markup], get_template_attribute(BODY_TEMPLATE, name))


def _created(view: ResultsView) -> str:
    """The document's creation date (W3C format) for the PDF metadata: the submission time."""
    moment = view.assessment.submitted_at or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
