"""Response helpers every wing shares: CSV text safe for spreadsheets, and tagged PDF from HTML.

PDFs are rendered by WeasyPrint as PDF/UA-1.  A failure never yields a truncated file:
the whole PDF is rendered to bytes in memory, checked, and only then returned; any
WeasyPrint error becomes :class:`PdfError`, so the view can show an error page instead.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pydyf
import weasyprint
from flask import Response, abort, current_app

from benchmark.config import PROJECT_ROOT

STYLESHEET = PROJECT_ROOT / "static" / "css" / "report.css"
#: Only local resources may be loaded while rendering (no network, no web fonts).
ALLOWED_PROTOCOLS = frozenset({"file", "data"})
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0")
#: Skipped before looking for a formula sign: any whitespace, and separators a spreadsheet may split a cell on.
LEADING_SEPARATORS = re.compile(r"\A[\s\0,;|\"']+")


def safe_cell(value: object) -> str:
    """Neutralise spreadsheet formulas (CSV injection): prefix risky cells with an apostrophe.

    A cell is risky when it starts with a formula sign, also after leading spaces or separators
    (``" =1+1"``, ``";=1+1"``) and in full-width form (``＝``, ``＋``, ``－``, ``＠``: NFKC-normalised).
    A number the app computed (``int`` or ``float``, never text someone typed) stays a number, so a
    negative change reads as ``-52`` and a spreadsheet can sum it: its text can never be a formula.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    rest = LEADING_SEPARATORS.sub("", unicodedata.normalize("NFKC", text), count=1)
    return "'" + text if rest.startswith(FORMULA_PREFIXES) else text


def csv_text(header: list[str], rows: list[list[object]]) -> str:
    """Write rows as CSV (RFC 4180 quoting, formulas neutralised, headers included); UTF-8 BOM for Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([[safe_cell(cell) for cell in row] for row in rows])
    return "\ufeff" + buffer.getvalue()


class PdfError(RuntimeError):
    """Raised when WeasyPrint cannot produce the PDF (nothing partial is ever returned)."""


def html_to_pdf(html: str, finisher: Callable[[Any, Any], None] | None = None) -> bytes:
    """Convert the report HTML to tagged PDF/UA-1 bytes with the report stylesheet.

    :param finisher: called with WeasyPrint's document and the pydyf PDF after tagging, before writing.
    :raises PdfError: on any WeasyPrint error, or if the output is not a complete PDF.
    """
    try:
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


def pdf_download(html: str, filename: str) -> Response:
    """The PDF of ``html`` as an attachment; a rendering failure is logged and becomes a 503 page."""
    try:
        body = html_to_pdf(html)
    except PdfError:
        current_app.logger.exception("PDF rendering failed: %s", filename)
        abort(503)
    response = Response(body, mimetype="application/pdf")
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    return response
