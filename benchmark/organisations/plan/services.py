"""The action plan: its steps and funding lines (reads and writes), the 90-day check and what moved.

The plan belongs to the organisation, so every submitted assessment of it opens the same plan.
Steps picked from the recommendations are stored as (rule, step number) and shown from the
recommendations file in either language; component and recommendation ids come from the data files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from benchmark.core import rules
from benchmark.core.rules import Recommendation
from benchmark.core.text import Text
from benchmark.extensions import db
from benchmark.store import teams
from benchmark.store.content import content
from benchmark.store.models import ActionPlanStep, Assessment, FundingLine, as_utc, utcnow
from benchmark.store.scores import profile_of, scores_of

#: Days from the latest submission (or plan change) to the check of the plan.
CHECK_DAYS = 90


@dataclass(frozen=True)
class StepChoice:
    """A next step of a recommendation the organisation can pick (``value`` is ``rule:number``)."""

    value: str
    recommendation: Recommendation
    text: Text


@dataclass(frozen=True)
class StepFields:
    """What the step form sends, checked."""

    choice: str
    custom_text: str
    recommendation_id: str
    dimension: str
    owner: str
    due_on: date
    status: str
    note: str


@dataclass(frozen=True)
class Moved:
    """One component's score at the two latest submissions."""

    dimension: str
    name: Text
    before: int | None
    after: int | None

    @property
    def change(self) -> int | None:
        return None if self.before is None or self.after is None else self.after - self.before


def latest_submission(organisation_id: int) -> Assessment | None:
    """The organisation's most recent submission."""
    return db.session.scalar(
        sa.select(Assessment)
        .where(Assessment.organisation_id == organisation_id, Assessment.status == "submitted")
        .order_by(Assessment.submitted_at.desc(), Assessment.id.desc())
        .limit(1)
    )


def step_choices(assessment: Assessment, keep: ActionPlanStep | None = None) -> list[StepChoice]:
    """The next steps of the recommendations for the organisation's latest submission, in rule order.

    ``keep``: a step being edited whose next step no longer fires (a later submission) stays a choice.
    """
    latest = latest_submission(assessment.organisation_id) or assessment
    answers = teams.plan_answers(latest)  # a team's combined answers, once two colleagues submitted
    rule_set = content().rules
    profile = profile_of(answers)
    fired_rules = [fired.rule for fired in rules.evaluate_rules(answers, profile, rule_set)]
    kept = next((r for r in rule_set.rules if keep is not None and r.id == keep.rule_id), None)
    if kept is not None and kept not in fired_rules:
        fired_rules.append(kept)
    # Only the steps offered for these answers (a step's `when`), as on the results page; the kept one stays.
    ctx = rules.Context(answers, profile)
    return [
        StepChoice(f"{rule.id}:{number}", rule_set.recommendation(rule.recommendation), text)
        for rule in fired_rules
        for number, text in enumerate(rule.steps)
        if any(number == index for index, _ in rule.offered_steps(ctx))
        or (keep is not None and rule is kept and keep.step_index == number)
    ]


def step_text(step: ActionPlanStep) -> Text:
    """A step's words in both languages (the organisation's own words are shown as typed)."""
    if step.rule_id is not None and step.step_index is not None:
        rule = next((r for r in content().rules.rules if r.id == step.rule_id), None)
        if rule is not None and 0 <= step.step_index < len(rule.steps):
            return rule.steps[step.step_index]
    text = step.custom_text or ""
    return Text(en=text, fr=text)


def recommendation_of(recommendation_id: str | None) -> Recommendation | None:
    """A recommendation of the data file by id, or None."""
    return next((r for r in content().rules.recommendations if r.id == recommendation_id), None)


def steps_of(organisation_id: int) -> list[ActionPlanStep]:
    """The plan's steps: by due date, then in the order they were written."""
    return list(
        db.session.scalars(
            sa.select(ActionPlanStep)
            .where(ActionPlanStep.organisation_id == organisation_id)
            .order_by(ActionPlanStep.due_on, ActionPlanStep.id)
        )
    )


def funding_lines_of(organisation_id: int) -> list[FundingLine]:
    """The funding lines in the rubric's component order, then as entered."""
    order = {d: n for n, d in enumerate(content().rubric.dimension_ids())}
    lines = db.session.scalars(sa.select(FundingLine).where(FundingLine.organisation_id == organisation_id))
    return sorted(lines, key=lambda line: (order.get(line.dimension, len(order)), line.id))


def find_step(organisation_id: int, step_id: int) -> ActionPlanStep | None:
    """A step of this organisation's plan (another organisation's step is None)."""
    return db.session.scalar(
        sa.select(ActionPlanStep).where(ActionPlanStep.id == step_id, ActionPlanStep.organisation_id == organisation_id)
    )


def _apply(step: ActionPlanStep, fields: StepFields) -> None:
    if fields.choice:
        rule_id, _, number = fields.choice.partition(":")
        step.rule_id, step.step_index = rule_id, int(number)
        step.recommendation_id = content().rules.rule(rule_id).recommendation
        step.custom_text = None
    else:
        step.rule_id = step.step_index = None
        step.recommendation_id = fields.recommendation_id or None
        step.custom_text = fields.custom_text
    step.dimension = fields.dimension or None
    step.owner = fields.owner
    step.due_on = fields.due_on
    step.status = fields.status
    step.note = fields.note
    step.updated_at = utcnow()


def add_step(organisation_id: int, fields: StepFields) -> ActionPlanStep:
    """Add a step to the organisation's plan."""
    step = ActionPlanStep(organisation_id=organisation_id)
    _apply(step, fields)
    db.session.add(step)
    db.session.commit()
    return step


def update_step(step: ActionPlanStep, fields: StepFields) -> None:
    """Change a step."""
    _apply(step, fields)
    db.session.commit()


def delete_step(step: ActionPlanStep) -> None:
    """Remove a step from the plan."""
    db.session.delete(step)
    db.session.commit()


def add_funding_line(organisation_id: int, dimension: str, category: str, amount: int, description: str) -> None:
    """Add a cost line to the funding-needs statement."""
    db.session.add(
        FundingLine(
            organisation_id=organisation_id,
            dimension=dimension,
            category=category,
            amount=amount,
            description=description,
        )
    )
    db.session.commit()


def delete_funding_line(organisation_id: int, line_id: int) -> bool:
    """Remove a cost line of this organisation; False when there is none."""
    line = db.session.scalar(
        sa.select(FundingLine).where(FundingLine.id == line_id, FundingLine.organisation_id == organisation_id)
    )
    if line is None:
        return False
    db.session.delete(line)
    db.session.commit()
    return True


def check_date(organisation_id: int) -> date | None:
    """The day of the 90-day check: 90 days after the latest submission or plan change (None without a plan)."""
    changed = db.session.scalar(
        sa.select(sa.func.max(ActionPlanStep.updated_at)).where(ActionPlanStep.organisation_id == organisation_id)
    )
    if changed is None:
        return None
    latest = latest_submission(organisation_id)
    submitted = latest.submitted_at if latest is not None else None
    moments: list[datetime] = [m for m in (as_utc(changed), as_utc(submitted)) if m is not None]
    return max(moments).date() + timedelta(days=CHECK_DAYS)


def what_moved(organisation_id: int) -> list[Moved] | None:
    """Per component, the scores of the two latest submissions (None before a second submission)."""
    latest_two = list(
        db.session.scalars(
            sa.select(Assessment.id)
            .where(Assessment.organisation_id == organisation_id, Assessment.status == "submitted")
            .order_by(Assessment.submitted_at.desc(), Assessment.id.desc())
            .limit(2)
        )
    )
    if len(latest_two) < 2:
        return None
    after_id, before_id = latest_two
    scores = scores_of(latest_two)
    return [
        Moved(d.id, d.name, scores[before_id].get(d.id), scores[after_id].get(d.id))
        for d in content().rubric.dimensions
    ]


def today() -> date:
    """Today's date (UTC), for overdue checks."""
    return utcnow().date()
