"""Blueprint ``results``: the personalised profile, its JSON and PDF downloads, and "take again"."""

from flask import Blueprint

bp = Blueprint("results", __name__)

from benchmark.organisations.results import views  # noqa: E402,F401
