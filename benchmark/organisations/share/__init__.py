"""Blueprint ``share``: read-only board links to one assessment's results, its PDFs and its organisation's plan.

The routes that make and revoke a share are opened by the private link, so they belong to the
results pages (:mod:`.manage` adds them to the ``results`` blueprint, whose page they render again
with what was typed when a label is refused).
"""

from flask import Blueprint

bp = Blueprint("share", __name__)

from benchmark.organisations.share import manage, views  # noqa: E402,F401
