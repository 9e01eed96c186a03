"""Blueprint ``api``: a documented JSON API at /api/v1 (questionnaire, baselines, suppressed aggregates)."""

from flask import Blueprint

from benchmark.extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)  # read-only JSON API: no cookies are used for authentication, only bearer tokens

from benchmark.api import views  # noqa: E402,F401
