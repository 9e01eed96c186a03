"""Several respondents per organisation: team links, joining, leaving, and the colleagues' submissions.

The respondent who makes a team link owns the *team organisation* (their own anchor); every
assessment of that anchor may show, replace or revoke the link.  A colleague who opens the link
starts their own assessment under their own new anchor, a :class:`TeamMember` of the team, marked
``is_colleague`` so that it never counts in a pool (:mod:`benchmark.store.summary.contributions`).
Leaving takes a colleague's answers with them: their anchor leaves the team (their assessments
stay theirs, still never pooled) or is deleted with every assessment.  See also
:mod:`benchmark.store.models.teams`.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from benchmark.core import team as core_team
from benchmark.core.questionnaire import Questionnaire
from benchmark.extensions import db
from benchmark.store.assessments import TOKEN_PATTERN, hash_token, new_token, start_assessment
from benchmark.store.content import content
from benchmark.store.deletion import delete_organisation, newest_submission
from benchmark.store.models import Assessment, Organisation, Team, TeamMember, utcnow
from benchmark.store.scores import scores_of

#: The fewest submitted colleagues (the team organisation's own included) for a combined profile.
MIN_COMBINED = 2


class NotTheTeamOrganisation(Exception):
    """Raised when a colleague tries to manage the team link (only the team organisation may)."""


@dataclass(frozen=True)
class Place:
    """Where an assessment stands in a team: its team, and whether it is the team organisation's own."""

    team: Team | None
    is_owner: bool

    @property
    def is_colleague(self) -> bool:
        """A colleague (a member through the team link), not the team organisation."""
        return self.team is not None and not self.is_owner


def place_of(assessment: Assessment) -> Place:
    """The team an assessment's organisation owns or belongs to.

    Without a team: ``Place(None, True)`` (it may make a link), except for a colleague who left
    (``Place(None, False)``: their answers never count in pools, so they cannot stand for a team).
    """
    own = db.session.scalar(sa.select(Team).where(Team.organisation_id == assessment.organisation_id))
    if own is not None:
        return Place(own, True)
    member = db.session.scalar(
        sa.select(Team)
        .join(TeamMember, TeamMember.team_id == Team.id)
        .where(TeamMember.organisation_id == assessment.organisation_id)
    )
    return Place(member, member is None and not assessment.is_colleague)


def make_link(assessment: Assessment) -> str:
    """Make (or replace) the team link of the assessment's organisation; the old link stops working.

    :return: the link's token (shown once, never stored).
    :raises NotTheTeamOrganisation: for a colleague's assessment.
    """
    place = place_of(assessment)
    if not place.is_owner:
        raise NotTheTeamOrganisation
    token = new_token()
    team = place.team or Team(organisation_id=assessment.organisation_id)
    team.token_hash = hash_token(token)
    team.revoked_at = None
    db.session.add(team)
    db.session.commit()
    return token


def revoke_link(assessment: Assessment) -> bool:
    """Revoke the team link (colleagues who joined stay); False when there was none to revoke.

    :raises NotTheTeamOrganisation: for a colleague's assessment.
    """
    place = place_of(assessment)
    if not place.is_owner:
        raise NotTheTeamOrganisation
    if place.team is None or place.team.token_hash is None:
        return False
    place.team.token_hash = None
    place.team.revoked_at = utcnow()
    db.session.commit()
    return True


def find_by_link(token: str) -> Team | None:
    """The team a (not revoked) link token opens, or None."""
    if not TOKEN_PATTERN.match(token):
        return None
    return db.session.scalar(sa.select(Team).where(Team.token_hash == hash_token(token)))


def join(team: Team, questionnaire: Questionnaire, lang: str) -> tuple[Assessment, str]:
    """Start a colleague's own assessment (their own anchor, a member of ``team``, never pooled).

    :return: the new draft and its private token.
    """
    organisation = db.session.get(Organisation, team.organisation_id)
    synthetic = bool(organisation and organisation.is_synthetic)
    assessment, token = start_assessment(questionnaire, lang, None, synthetic=synthetic, colleague=True)
    db.session.add(TeamMember(organisation_id=assessment.organisation_id, team_id=team.id))
    db.session.commit()
    return assessment, token


def leave(assessment: Assessment, delete: bool) -> None:
    """A colleague leaves the team, taking their answers: kept apart (never pooled) or deleted.

    :raises NotTheTeamOrganisation: for the team organisation's own assessment (it revokes instead).
    """
    if not place_of(assessment).is_colleague:
        raise NotTheTeamOrganisation
    organisation_id = assessment.organisation_id
    db.session.execute(sa.delete(TeamMember).where(TeamMember.organisation_id == organisation_id))
    if delete:
        delete_organisation(organisation_id)
        return
    db.session.commit()


def submissions(team: Team) -> list[Assessment]:
    """The latest submission of the team organisation, then of each colleague in joining order."""
    anchors = [
        team.organisation_id,
        *db.session.scalars(
            sa.select(TeamMember.organisation_id).where(TeamMember.team_id == team.id).order_by(TeamMember.joined_at)
        ),
    ]
    return [latest for anchor in anchors if (latest := newest_submission(anchor)) is not None]


def members(team: Team) -> int:
    """How many respondents the team has (the team organisation included), submitted or not."""
    count = db.session.scalar(sa.select(sa.func.count()).where(TeamMember.team_id == team.id))
    return 1 + int(count or 0)


def combined(team: Team) -> core_team.TeamProfile | None:
    """The team's combined profile, or None with fewer than :data:`MIN_COMBINED` submissions."""
    latest = submissions(team)
    if len(latest) < MIN_COMBINED:
        return None
    stored = scores_of([assessment.id for assessment in latest])
    data = content()
    return core_team.combine(
        data.questionnaire,
        data.rubric.dimension_ids(),
        [assessment.answer_map() for assessment in latest],
        [stored[assessment.id] for assessment in latest],
    )


def plan_answers(assessment: Assessment) -> dict[str, object]:
    """The answers the action plan's steps are chosen from: the team's combined answers when it has one.

    A team organisation with :data:`MIN_COMBINED` or more submissions plans from
    :func:`benchmark.core.team.combined_answers` (its own answers first, so they win ties);
    anyone else from the assessment's own answers.
    """
    place = place_of(assessment)
    if place.team is not None and place.is_owner:
        latest = submissions(place.team)
        if len(latest) >= MIN_COMBINED:
            return core_team.combined_answers(content().questionnaire, [a.answer_map() for a in latest])
    return dict(assessment.answer_map())
