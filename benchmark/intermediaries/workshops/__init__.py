"""Blueprint ``workshops``: cohorts join with a code; the facilitator sees a live anonymised picture.

Blueprint ``join``: the language-neutral join address of a bilingual workshop (``/join/CODE``).
"""

from flask import Blueprint

bp = Blueprint("workshops", __name__)
join_bp = Blueprint("join", __name__)

from benchmark.intermediaries.workshops import joining, views  # noqa: E402,F401
