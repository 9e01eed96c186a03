"""Every database model, one module per area; importing this package registers them all.

- :mod:`.assessments`: organisations, assessments, answers, provinces/territories, scores, summary counts
- :mod:`.accounts`: staff accounts and set-password links
- :mod:`.workshops`: workshops and participations
- :mod:`.releases`: released (frozen) copies of the summary counts, and what changed since
- :mod:`.plans`: organisations' action plans and funding lines
- :mod:`.shares`: read-only board links to one assessment's results and plan
- :mod:`.teams`: several respondents per organisation (a team link, its colleagues)
- :mod:`.api_tokens`, :mod:`.baselines`: the funder's API tokens and imported baselines
"""

from benchmark.store.models.accounts import EMAIL_MAX_LENGTH, ROLES, PasswordReset, User
from benchmark.store.models.api_tokens import ApiToken
from benchmark.store.models.assessments import (
    Answer,
    Assessment,
    AssessmentRegion,
    AssessmentScore,
    Organisation,
    SummaryCount,
    in_pool,
    pool_is_synthetic,
)
from benchmark.store.models.baselines import ImportedBaseline
from benchmark.store.models.clock import as_utc, utcnow
from benchmark.store.models.plans import FUNDING_CATEGORIES, MAX_AMOUNT, STEP_STATUSES, ActionPlanStep, FundingLine
from benchmark.store.models.releases import ReleasedCount, ReleasePending, SectorReportArchive, SummaryRelease
from benchmark.store.models.shares import SHARE_LABEL_MAX, BoardShare
from benchmark.store.models.teams import Team, TeamMember
from benchmark.store.models.workshops import Participation, Workshop

__all__ = [
    "FUNDING_CATEGORIES",
    "MAX_AMOUNT",
    "STEP_STATUSES",
    "ActionPlanStep",
    "BoardShare",
    "SHARE_LABEL_MAX",
    "FundingLine",
    "EMAIL_MAX_LENGTH",
    "ROLES",
    "Answer",
    "ApiToken",
    "Assessment",
    "AssessmentRegion",
    "AssessmentScore",
    "ImportedBaseline",
    "Organisation",
    "Participation",
    "PasswordReset",
    "ReleasePending",
    "SectorReportArchive",
    "ReleasedCount",
    "SummaryCount",
    "Team",
    "TeamMember",
    "SummaryRelease",
    "User",
    "Workshop",
    "as_utc",
    "in_pool",
    "pool_is_synthetic",
    "utcnow",
]
