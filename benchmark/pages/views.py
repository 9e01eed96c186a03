"""Public information pages."""

from flask import render_template

from benchmark.content import questionnaire
from benchmark.pages import bp


@bp.route("/")
def home() -> str:
    """Say what the tool is and for whom, and where to start."""
    return render_template("pages/home.html")


@bp.route("/privacy")
def privacy() -> str:
    """The privacy notice: what is collected, why, who sees it, how long it is kept."""
    return render_template("pages/privacy.html", questionnaire=questionnaire())
