"""Blueprint ``team``: several respondents per organisation (a team link, joining, the combined profile, leaving).

``/<lang>/team/join/<team token>`` lets a colleague start their own assessment for the team's
organisation; ``/<lang>/team/<private token>`` is a respondent's "Your team" page: the combined
profile, and the link (team organisation) or leaving (colleague).
"""

from flask import Blueprint

bp = Blueprint("team", __name__)

from benchmark.organisations.team import views  # noqa: E402,F401
