"""A workshop's join addresses and QR code.

A bilingual workshop (language ``"bi"``) is joined through a language-neutral address,
``/join/CODE``, where each participant chooses English or French; a one-language workshop's
address opens its join page in that language.  Each side of the handout carries its own
language's address.
"""

from __future__ import annotations

import io

import segno
from flask_babel import gettext as _
from markupsafe import Markup, escape

from benchmark.store.models import Workshop
from benchmark.web.links import public_url

#: The ``language`` of a workshop whose participants choose their language on joining.
BILINGUAL = "bi"


def join_url(workshop: Workshop, lang: str | None = None) -> str:
    """The address participants open (the QR code encodes the one without ``lang``).

    :param lang: "en" or "fr" for that language's join page (each side of the handout); None for
        the workshop's own address (language-neutral for a bilingual workshop).
    """
    if lang is None and workshop.language == BILINGUAL:
        return public_url("join.choose_language", code=workshop.join_code)
    target = lang or workshop.language
    return public_url("workshops.join", lang_code=target if target in ("en", "fr") else "en", code=workshop.join_code)


def qr_svg(url: str, scale: int = 6) -> str:
    """Render a QR code as an SVG document (server-side, no script)."""
    code = segno.make(url, error="m")
    buffer = io.BytesIO()
    code.save(buffer, kind="svg", scale=scale, dark="#000000", light="#ffffff", title=_("QR code to join the workshop"))
    return buffer.getvalue().decode("utf-8")


def qr_inline(url: str) -> Markup:
    """The QR code as an inline ``<svg role="img">`` element (no XML declaration), sized by CSS."""
    code = segno.make(url, error="m")
    buffer = io.BytesIO()
    code.save(
        buffer,
        kind="svg",
        scale=1,
        xmldecl=False,
        svgns=True,
        dark="#000000",
        light="#ffffff",
        title=_("QR code to join the workshop"),
        svgclass="qr-code",
        lineclass=None,
        omitsize=True,
    )
    svg = buffer.getvalue().decode("utf-8")
    label = escape(_("QR code to join the workshop"))
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))  # noqa: S704 (segno's own SVG)
