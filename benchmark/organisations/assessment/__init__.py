"""Blueprint ``assessment``: the questionnaire flow, save and resume."""

from flask import Blueprint

from benchmark.extensions import csrf

bp = Blueprint("assessment", __name__)
# Every POST here validates a FlaskForm, whose own CSRF check lets a page with a
# stale token be shown again *with the typed answers* instead of a bare 400.
csrf.exempt(bp)

from benchmark.organisations.assessment import views  # noqa: E402,F401
