"""Public information pages."""

from flask import current_app, render_template

from benchmark.content import content, questionnaire
from benchmark.pages import bp


@bp.route("/")
def home() -> str:
    """Say what the tool is and for whom, and where to start."""
    return render_template("pages/home.html")


@bp.route("/privacy")
def privacy() -> str:
    """The privacy notice: what is collected, why, who sees it, how long it is kept."""
    return render_template("pages/privacy.html", questionnaire=questionnaire())


@bp.route("/how-scores-work")
def methodology() -> str:
    """Explain the scoring, generated from the same rubric data the code uses."""
    data = content()
    return render_template(
        "pages/methodology.html",
        rubric=data.rubric,
        questionnaire=data.questionnaire,
        baseline=data.baseline,
        k=current_app.config["PEER_MIN_GROUP"],
    )
