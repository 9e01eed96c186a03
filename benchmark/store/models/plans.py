"""An organisation's action plan: its steps and the cost lines of its funding-needs statement.

The plan belongs to the organisation (not to one assessment), so a later assessment of the
same organisation ("take again", a workshop join) opens the same plan.  Both tables go with
the organisation: ``ON DELETE CASCADE`` in the schema, and :mod:`benchmark.store.deletion`
deletes the rows explicitly when it deletes the organisation's last assessment.

Component (dimension) and recommendation ids come from the data files (``scoring.yaml``,
``recommendations.yaml``); only the statuses and cost categories are fixed here.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from benchmark.extensions import Model
from benchmark.store.models.clock import utcnow

#: The state of a step, in display order.
STEP_STATUSES = ("todo", "in_progress", "done")
#: The cost categories of a funding line, in display order.
FUNDING_CATEGORIES = ("training", "hardware", "software", "it_support", "staff_time")
#: The largest amount one funding line may hold, in whole dollars.
MAX_AMOUNT = 10_000_000


class ActionPlanStep(Model):
    """One step of an organisation's action plan: picked from its recommendations, or its own words."""

    __tablename__ = "action_plan_step"
    __table_args__ = (sa.CheckConstraint("status IN ('todo', 'in_progress', 'done')", name="ck_action_plan_status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    #: One of the report's recommendations (``R1`` … of recommendations.yaml), if the step answers one.
    recommendation_id: Mapped[str | None] = mapped_column(sa.String(16))
    #: The rule and the number (from 0) of the next step picked from it; None for a step in the organisation's words.
    rule_id: Mapped[str | None] = mapped_column(sa.String(40))
    step_index: Mapped[int | None] = mapped_column()
    custom_text: Mapped[str | None] = mapped_column(sa.String(500))
    #: A component of the rubric (scoring.yaml), if the step concerns one.
    dimension: Mapped[str | None] = mapped_column(sa.String(16))
    owner: Mapped[str] = mapped_column(sa.String(120))
    due_on: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(16), default="todo")
    note: Mapped[str] = mapped_column(sa.String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class FundingLine(Model):
    """One cost line of the funding-needs statement: a component, a category and an amount in dollars."""

    __tablename__ = "funding_line"
    __table_args__ = (
        sa.CheckConstraint("amount >= 0", name="ck_funding_line_amount"),
        sa.CheckConstraint(
            "category IN ('training', 'hardware', 'software', 'it_support', 'staff_time')",
            name="ck_funding_line_category",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    dimension: Mapped[str] = mapped_column(sa.String(16))
    category: Mapped[str] = mapped_column(sa.String(16))
    amount: Mapped[int] = mapped_column(sa.Integer)
    description: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
