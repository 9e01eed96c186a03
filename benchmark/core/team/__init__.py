"""Several respondents per organisation: the team's combined profile and where colleagues disagree.

Pure Python: no Flask, WTForms or SQLAlchemy.  :mod:`benchmark.core.team.combine` combines the
colleagues' answers and component scores; :mod:`benchmark.core.team.prompts` loads the
discussion prompts shown beside the components and items where they disagree most.
"""

from benchmark.core.team.combine import (
    ComponentSpread,
    ItemSpread,
    OptionShare,
    TeamProfile,
    choice_spread,
    combine,
    combined_answers,
    median_score,
    multiple_spread,
    numeric_spread,
)
from benchmark.core.team.prompts import TeamPrompts, TeamPromptsError, default_prompts_path, load_team_prompts

__all__ = [
    "ComponentSpread",
    "ItemSpread",
    "OptionShare",
    "TeamProfile",
    "TeamPrompts",
    "TeamPromptsError",
    "choice_spread",
    "combine",
    "combined_answers",
    "default_prompts_path",
    "load_team_prompts",
    "median_score",
    "multiple_spread",
    "numeric_spread",
]
