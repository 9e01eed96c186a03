"""Blueprints ``api`` (a documented JSON API at /api/v1: questionnaire, baselines, suppressed aggregates)
and ``api_docs`` (its documentation page, under the language prefix)."""

from flask import Blueprint

from benchmark.extensions import csrf

bp = Blueprint("api", __name__)
docs_bp = Blueprint("api_docs", __name__)
csrf.exempt(bp)  # read-only JSON API: no cookies are used for authentication, only bearer tokens

from benchmark.funder.api import docs, views  # noqa: E402,F401
