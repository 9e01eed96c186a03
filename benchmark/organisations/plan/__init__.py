"""Blueprint ``plan``: an organisation's action plan, its 90-day check and its funding-needs statement."""

from flask import Blueprint

from benchmark.extensions import csrf

bp = Blueprint("plan", __name__)
# Every POST here validates a FlaskForm, whose own CSRF check lets a step or cost line with a
# stale token be shown again *with what was typed* instead of a bare 400.
csrf.exempt(bp)

from benchmark.organisations.plan import views  # noqa: E402,F401
