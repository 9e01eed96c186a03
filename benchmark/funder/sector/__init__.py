"""Blueprint ``sector``: IRCC's read-only view of uptake and change, with exports."""

from flask import Blueprint

bp = Blueprint("sector", __name__)

from benchmark.funder.sector import report_views, views  # noqa: E402,F401
