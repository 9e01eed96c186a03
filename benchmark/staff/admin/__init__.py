"""Blueprint ``admin``: API tokens and imported baselines (admins only; accounts live in ``accounts``)."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from benchmark.staff.admin import views  # noqa: E402,F401
