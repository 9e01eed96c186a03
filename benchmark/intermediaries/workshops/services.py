"""Workshops: create, join with a code, consent, and the anonymised cohort picture.

Every cohort figure needs at least k completed participants (``WORKSHOP_MIN_GROUP``,
5 by default); below that the view says "waiting for more responses".  The cohort
picture costs a fixed number of queries whatever the cohort size.

A facilitator controls who joins: four fake participants with known answers beside one real
organisation, or a copy of the figures before and after one participant completes or leaves,
would turn any exact median, quartile, count or mean into that organisation's answers and
scores (issue 13).  So every cohort figure carries deliberate noise
(:mod:`benchmark.core.suppression.noise`, privacy parameter ``DISCLOSURE_EPSILON`` per figure),
seeded by the deployment's secret, the figure's name and the cohort's data: re-reading the
same cohort shows the same figures, and any change of the cohort draws new noise.  No mean is
released.  Consenting participants' individual rows are shown only when no completed
participant, or at least k, declined to share (see :func:`individuals_shown`).
"""

from __future__ import annotations

import re
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import current_app

from benchmark.core import peers
from benchmark.core.rules import render_link
from benchmark.core.suppression import share_or_none
from benchmark.core.suppression.noise import figure_random, noisy_count
from benchmark.extensions import db
from benchmark.intermediaries.workshops import figures as cohort_figures
from benchmark.store import assessments as assessment_services
from benchmark.store.aggregates import option_counts, peer_groups_overall
from benchmark.store.content import content
from benchmark.store.models import Assessment, Participation, Team, TeamMember, Workshop
from benchmark.store.scores import dimensions, scores_of

#: Join-code alphabet without look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B).
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6
CODE_PATTERN = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")


def new_join_code() -> str:
    """Return an unused join code."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if db.session.scalar(sa.select(Workshop.id).where(Workshop.join_code == code)) is None:
            return code


def normalise_code(text: str) -> str | None:
    """Return a typed code in canonical form (upper case, no spaces or dashes), or None if malformed."""
    code = re.sub(r"[\s-]", "", text or "").upper()
    return code if CODE_PATTERN.match(code) else None


def create_workshop(
    facilitator_id: int,
    title: str,
    held_on: date | None,
    language: str,
    page_ids: list[str] | None,
    previous_id: int | None,
) -> Workshop:
    """Create an open workshop with a fresh join code."""
    all_pages = [page.id for page in content().questionnaire.pages]
    chosen = [page_id for page_id in all_pages if page_ids and page_id in page_ids]
    workshop = Workshop(
        facilitator_id=facilitator_id,
        title=title.strip(),
        held_on=held_on,
        language=language,
        page_ids=None if not chosen or chosen == all_pages else chosen,
        join_code=new_join_code(),
        previous_id=previous_id,
    )
    db.session.add(workshop)
    db.session.commit()
    return workshop


def visible_workshops(user: Any) -> list[Workshop]:
    """Return the workshops a user may see: their own, or all for an admin."""
    query = sa.select(Workshop).order_by(Workshop.created_at.desc(), Workshop.id.desc())
    if user.role != "admin":
        query = query.where(Workshop.facilitator_id == user.id)
    return list(db.session.scalars(query))


def workshop_for(user: Any, workshop_id: int) -> Workshop | None:
    """Return a workshop if the user may see it (another facilitator's gives None, like a missing one)."""
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None or (user.role != "admin" and workshop.facilitator_id != user.id):
        return None
    return workshop


def workshop_by_code(text: str) -> Workshop | None:
    """Return the workshop with this code, open or closed, or None (wrong and malformed codes alike)."""
    code = normalise_code(text)
    if code is None:
        return None
    return db.session.scalar(sa.select(Workshop).where(Workshop.join_code == code))


def set_status(workshop: Workshop, status: str) -> None:
    """Open or close a workshop to new participants."""
    workshop.status = "closed" if status == "closed" else "open"
    db.session.commit()


def join(
    workshop: Workshop,
    lang: str,
    earlier: Assessment | None,
    share_individual: bool,
    synthetic: bool = False,
    name: str | None = None,
) -> tuple[Participation, str]:
    """Add an organisation to a workshop with a new draft limited to the workshop's pages.

    :param earlier: an earlier assessment of the same organisation (its private link), whose
        answers pre-fill the draft and whose organisation it keeps (for before/after pairs).
    :param synthetic: generated data (benchmarks), never pooled with real submissions.
    :param name: the name or pseudonym the facilitator sees; kept only with consent to share.
    :return: the participation and the new draft's private token.
    """
    assessment, token = assessment_services.start_assessment(
        content().questionnaire,
        lang,
        workshop.title,
        previous=earlier,
        page_ids=workshop.page_ids,
        synthetic=synthetic,
    )
    participation = Participation(
        workshop_id=workshop.id,
        assessment_id=assessment.id,
        share_individual=share_individual,
        display_name=(name or "").strip() or None if share_individual else None,
    )
    db.session.add(participation)
    db.session.commit()
    return participation, token


def participation_for(workshop_id: int, assessment: Assessment) -> Participation | None:
    """Return the participation of an assessment in a workshop, if any."""
    return db.session.scalar(
        sa.select(Participation).where(
            Participation.workshop_id == workshop_id, Participation.assessment_id == assessment.id
        )
    )


# --------------------------------------------------------------------------- the cohort picture


@dataclass
class CohortView:
    """The anonymised picture of one workshop's cohort (figures are None below k)."""

    workshop: Workshop
    k: int
    joined: int
    completed: int
    components: dict[str, peers.PeerSummary | None]
    sector_medians: dict[str, float | None]
    items: list[dict[str, Any]]
    weakest: list[dict[str, Any]]
    individuals: list[dict[str, Any]] = field(default_factory=list)
    declined: int = 0
    withheld: int = 0
    pairs: dict[str, Any] | None = None
    levels: dict[str, list[dict[str, Any]] | None] = field(default_factory=dict)

    @property
    def in_progress(self) -> int:
        """Participants who joined but have not submitted."""
        return self.joined - self.completed

    @property
    def shown(self) -> bool:
        """True when enough participants completed for any figure to show."""
        return self.completed >= self.k

    @property
    def individuals_hidden(self) -> bool:
        """True when consenting participants' rows are withheld (1 … k−1 completed participants declined)."""
        return not individuals_shown(self.declined, self.k)


def individuals_shown(declined: int, k: int) -> bool:
    """Whether consenting participants' individual rows may be shown, given how many completed ones declined.

    With 1 … k−1 decliners, the consenting rows beside the cohort's figures narrow down the few
    who declined (with one decliner, the rows and the quartiles all but give its scores); with
    none there is nobody to expose, and with k or more the rest hides among k organisations.
    """
    return declined == 0 or declined >= k


def cohort_view(
    workshop: Workshop, lang: str, rows: list[Any] | None = None, previous_rows: list[Any] | None = None
) -> CohortView:
    """Build the cohort picture (a fixed number of queries, whatever the cohort size).

    :param rows: the workshop's :func:`cohort_rows` when already read (the live view's cache
        renders from the rows its version was taken from); ``previous_rows`` the earlier workshop's.
    """
    k = int(current_app.config["WORKSHOP_MIN_GROUP"])
    rows = cohort_rows(workshop.id) if rows is None else rows
    completed = completed_once(rows)
    scores = scores_of([row.id for row in completed])
    completed_scores = [scores[row.id] for row in completed]
    components = cohort_figures.components(workshop.id, completed_scores, k)
    view = CohortView(
        workshop=workshop,
        k=k,
        joined=len({row.unit for row in rows}),  # organisations, a team once (in_progress: joined - completed)
        completed=len(completed),
        components=components,
        sector_medians=peer_groups_overall(),
        items=_item_shares(workshop.id, [row.id for row in completed], k, lang) if len(completed) >= k else [],
        weakest=_weakest(components, lang),
        declined=sum(1 for row in completed if not row.share_individual),
        levels=cohort_figures.levels(workshop.id, completed_scores, k) if len(completed) >= k else {},
    )
    view.individuals = [
        {
            "label": row.display_name or row.label or f"#{index}",
            "scores": {d: scores[row.id][d] for d in dimensions()},
            "submitted_at": row.submitted_at,
        }
        for index, row in enumerate(completed, start=1)
        if row.share_individual and individuals_shown(view.declined, k)
    ]
    if not individuals_shown(view.declined, k):
        view.withheld = sum(1 for row in completed if row.share_individual)
    if workshop.previous_id:
        before = latest_scores_by_organisation(workshop.previous_id, previous_rows)
        after = latest_scores_by_organisation(workshop.id, rows)
        view.pairs = cohort_figures.paired_change(workshop.previous_id, workshop.id, before, after, k)
    return view


def cohort_columns() -> list[Any]:
    """One participant's columns in a cohort row (here and in the live view's one statement)."""
    unit = sa.func.coalesce(Team.organisation_id, Assessment.organisation_id).label("unit")
    return [
        Assessment.id,
        Assessment.status,
        Assessment.label,
        Assessment.organisation_id,
        Assessment.submitted_at,
        Participation.share_individual,
        Participation.display_name,
        unit,
    ]


def cohort_rows(workshop_id: int) -> list[Any]:
    """The participants' assessments in join order (their scores: :func:`scores_of`, one more query).

    ``unit`` is what counts once: the team organisation for a colleague who answered through a
    team link (issue 15: an organisation counts once in every workshop figure), else the
    assessment's own organisation.
    """
    columns = cohort_columns()
    query = (
        sa.select(*columns)
        .join(Participation, Participation.assessment_id == Assessment.id)
        .outerjoin(TeamMember, TeamMember.organisation_id == Assessment.organisation_id)
        .outerjoin(Team, Team.id == TeamMember.team_id)
        .where(Participation.workshop_id == workshop_id)
        .order_by(Participation.joined_at, Participation.id)
    )
    return list(db.session.execute(query))


def completed_once(rows: list[Any]) -> list[Any]:
    """The submitted rows, one per unit (its latest in join order), in the order they were kept."""
    latest: dict[int, Any] = {}
    for row in rows:
        if row.status == "submitted":
            latest.pop(row.unit, None)  # a later submission of the same unit replaces the earlier one
            latest[row.unit] = row
    return list(latest.values())


def _item_shares(workshop_id: int, assessment_ids: list[int], k: int, lang: str) -> list[dict[str, Any]]:
    """The cohort's share choosing each option that has a 2017 figure, beside that figure.

    Both the count choosing the option and the base (participants who answered the item) are
    noisy (:func:`benchmark.core.suppression.noise.noisy_count`, the count kept within the
    base), their noise seeded by the cohort's answers to that item and the cohort's size.  A
    share (percent) of those noisy counts is shown only when at least k chose the option AND at
    least k did not (:func:`benchmark.core.suppression.share_or_none`), else None: 11 of 12
    would tell the facilitator the twelfth organisation's answer.  ``answered`` is the noisy base.
    """
    epsilon, secret = cohort_figures.privacy()
    data = content()
    figures = data.baseline.all_figures()
    item_ids = sorted({figure.item_id for figure in figures})
    answered, chosen = option_counts(assessment_ids, item_ids)
    completed = len(assessment_ids)
    # What each item's figures are computed from: its option counts, its base and the cohort size.
    item_data: dict[str, dict[object, int]] = {
        item_id: {("answered",): answered[item_id], ("completed",): completed} for item_id in item_ids
    }
    for (item_id, option_id), count in chosen.items():
        item_data[item_id][("option", option_id)] = count
    shown_options = Counter(figure.item_id for figure in figures)
    bases: dict[str, int] = {}
    rows = []
    for figure in figures:
        count_epsilon = epsilon / (1 + shown_options[figure.item_id])
        item = data.questionnaire.items[figure.item_id]
        option = item.option(figure.option_id)
        seed = item_data[figure.item_id]
        if figure.item_id not in bases:
            rng = figure_random(secret, f"workshop:{workshop_id}:{figure.item_id}:answered", seed)
            bases[figure.item_id] = noisy_count(answered[figure.item_id], count_epsilon, rng)
        base = bases[figure.item_id]
        rng = figure_random(secret, f"workshop:{workshop_id}:{figure.item_id}:{figure.option_id}:chosen", seed)
        count = min(noisy_count(chosen[(figure.item_id, figure.option_id)], count_epsilon, rng), base)
        share = share_or_none(count, base, k)
        rows.append(
            {
                "item": item,
                "option_label": option.label.get(lang) if option else figure.option_id,
                "figure": figure.format(lang),
                "answered": base,
                "share": None if share is None else 100 * float(share),
            }
        )
    return rows


def _weakest(components: dict[str, peers.PeerSummary | None], lang: str) -> list[dict[str, Any]]:
    """The cohort's two lowest components (by median) with prompts, recommendations and links."""
    data = content()
    shown = sorted(((s.median, d) for d, s in components.items() if s is not None))
    result = []
    for cohort_median, dimension_id in shown[:2]:
        prompts = data.discussion[dimension_id]
        result.append(
            {
                "dimension": data.rubric.dimension(dimension_id).name.get(lang),
                "median": cohort_median,
                "prompts": [prompt.get(lang) for prompt in prompts.prompts],
                "recommendations": [data.rules.recommendation(r).text.get(lang) for r in prompts.recommendations],
                "links": [render_link(data.rules.link(link_id), lang) for link_id in prompts.links],
            }
        )
    return result


def latest_scores_by_organisation(workshop_id: int, rows: list[Any] | None = None) -> dict[int, dict[str, int | None]]:
    """The scores of each organisation's latest submitted assessment in a workshop (a team counts once)."""
    latest = {row.unit: row.id for row in completed_once(cohort_rows(workshop_id) if rows is None else rows)}
    stored = scores_of(latest.values())
    return {unit: stored[assessment_id] for unit, assessment_id in latest.items()}
