"""The API's human documentation page (``/<lang_code>/api``), built from the live OpenAPI document."""

from __future__ import annotations

from flask import current_app, render_template

from benchmark.funder.api import docs_bp
from benchmark.funder.api.openapi import openapi_document
from benchmark.store import api_tokens as tokens


@docs_bp.route("/api")
def page() -> str:
    """Document the JSON API (paths and parameters come from the live OpenAPI document)."""
    return render_template(
        "pages/api.html",
        document=openapi_document(),
        k=current_app.config["SECTOR_MIN_CELL"],
        default_days=tokens.DEFAULT_DAYS,
    )
