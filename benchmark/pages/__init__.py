"""Blueprint ``pages``: home, privacy notice and other public information pages."""

from flask import Blueprint

bp = Blueprint("pages", __name__)

from benchmark.pages import paper, views  # noqa: E402,F401
