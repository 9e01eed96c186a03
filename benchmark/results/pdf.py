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
from pathlib import Path
from typing import Any, cast

from flask import current_app, get_template_attribute, render_template
from flask_babel import force_locale
from markupsafe import Markup

from benchmark.config import PROJECT_ROOT
from benchmark.core.baseline import status_marker
from benchmark.results.services import ResultsView

BODY_TEMPLATE = "results/_report_body.html"
REPORT_TEMPLATE = "results/report_pdf.html"
STYLESHEET = PROJECT_ROOT / "static" / "css" / "report.css"
#: Only local resources may be loaded while rendering (no network, no web fonts).
ALLOWED_PROTOCOLS = frozenset({"file", "data"})


class PdfError(RuntimeError):
    """Raised when WeasyPrint cannot produce the PDF (nothing partial is ever returned)."""


@dataclass(frozen=True)
class Block:
    """One rendered piece of the report: ``key`` pairs the EN and FR versions of the same piece."""

    key: str
    html: Markup


def render_report_pdf(view: ResultsView) -> bytes:
    """Render the profile in ``view.lang`` as a tagged PDF and return its bytes.

    :raises PdfError: if WeasyPrint fails (the caller shows an error page).
    """
    with force_locale(view.lang):
        blocks = list(report_blocks(view))
        html = render_template(
            REPORT_TEMPLATE,
            lang=view.lang,
            title=_macro("doc_title")(),
            running_title=_macro("running_title")(),
            bilingual=False,
            blocks=[block.html for block in blocks],
            rows=[],
            created=_created(view),
        )
    return html_to_pdf(html)


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
    others = sum(1 for c in view.comparisons if not c.has_figure)
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


def html_to_pdf(html: str, finisher: Callable[[Any, Any], None] | None = None) -> bytes:
    """Convert the report HTML to tagged PDF/UA-1 bytes with the report stylesheet.

    :param finisher: called with WeasyPrint's document and the pydyf PDF after tagging, before writing.
    :raises PdfError: on any WeasyPrint error, or if the output is not a complete PDF.
    """
    try:
        import weasyprint

        fetcher = weasyprint.URLFetcher(allowed_protocols=ALLOWED_PROTOCOLS)
        base_url = Path(current_app.static_folder or PROJECT_ROOT / "static").as_uri() + "/"
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
        stylesheet = weasyprint.CSS(filename=str(STYLESHEET), url_fetcher=fetcher)
        body = document.write_pdf(stylesheets=[stylesheet], pdf_variant="pdf/ua-1", finisher=finisher)
    except Exception as error:  # WeasyPrint raises many kinds; the view only needs to know it failed.
        raise PdfError(f"PDF rendering failed: {error.__class__.__name__}: {error}") from error
    if not isinstance(body, bytes) or not body.startswith(b"%PDF-") or b"%%EOF" not in body[-1024:]:
        raise PdfError("PDF rendering produced an incomplete file")
    return body


def tag_column_languages(document: Any, pdf: Any) -> None:
    """Mark the bilingual layout's cells with their language (``/Lang``) in the PDF structure tree.

    WeasyPrint sets the document language only, so a screen reader would read the
    French column with English rules.  The layout table is the only table whose
    cells have no table cell above them: in each of its rows the first cell is
    English and the second French (a row split across pages gives one row per page).
    """
    import pydyf

    elements = [obj for obj in pdf.objects if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/StructElem"]
    by_reference = {element.reference: element for element in elements}

    def inside_cell(element: Any) -> bool:
        parent = by_reference.get(element.get("P"))
        while parent is not None:
            if parent.get("S") in ("/TD", "/TH"):
                return True
            parent = by_reference.get(parent.get("P"))
        return False

    for row in elements:
        if row.get("S") != "/TR" or inside_cell(row):
            continue
        cells = [by_reference[k] for k in row["K"] if k in by_reference and by_reference[k].get("S") == "/TD"]
        for cell, lang in zip(cells, ("en", "fr"), strict=False):
            cell["Lang"] = pydyf.String(lang)


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
