"""Blueprint ``workshops``: cohorts join with a code; the facilitator sees a live anonymised picture."""

from flask import Blueprint

bp = Blueprint("workshops", __name__)

from benchmark.intermediaries.workshops import views  # noqa: E402,F401
