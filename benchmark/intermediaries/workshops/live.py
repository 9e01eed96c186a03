"""The live view's cohort picture, rendered once per cohort version and kept per app (bounded, issue 18).

The facilitator's live page polls ``/<lang>/workshops/<id>/live`` every few seconds, and the
cohort rarely changes between two polls.  So the rendered picture (``_cohort.html``, and the
live page's consenting rows) is kept under ``(workshop id, language, projector or not, cohort
version)``, and a poll costs the sign-in check and ONE statement of one row (:func:`cohort_state`,
run on the driver's cursor: :mod:`benchmark.store.plain`), which reads, for one workshop:

* the workshop's own row: who may see it (the access check is never skipped), its status and
  settings, and the earlier workshop of its series;
* the id of the pool's latest summary release (the "all organizations" medians read it);
* the count of changes to the cohort of the workshop and of the earlier one (before/after pairs):
  ``workshop.cohort_changes``, which the database's triggers raise in the same transaction as any
  change to what the figures read (migration 0017): a participation added, changed (consent,
  name) or removed, its assessment completed, relabelled, moved or deleted, its organisation
  joining or leaving a team (the unit it counts as).

The *version* is that row (plus the rubric's version), compared by value: a participant joining,
completing, giving or withdrawing consent, being renamed, deleting its data, joining or leaving a
team, the workshop being closed or a new release being cut all give another version, and an
entry can never be served for anything but the exact data it was rendered from.  When no entry
holds the version, one more statement reads the participations' rows together with the counts, and
the picture is rendered from those very rows and kept under the version they came with (the
scores and answers it also reads are frozen on submission), so an entry never holds figures of a
later state than its key says, even when the cohort changes during the render.  The figures'
noise is seeded by the figures' data (:mod:`.figures`), so the same version shows the same
figures whether it is rendered or read from here.  Nothing else is kept between requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, render_template
from markupsafe import Markup
from sqlalchemy.orm import aliased

from benchmark.core.lru import BoundedCache, kept_in
from benchmark.extensions import db
from benchmark.intermediaries.workshops import services
from benchmark.store.content import content
from benchmark.store.models import Assessment, Participation, Team, TeamMember, User, Workshop, pool_is_synthetic
from benchmark.store.plain import PlainStatement
from benchmark.store.summary import releases
from benchmark.web.page_cache import CachedPage

#: Pictures kept per app (a few tens of KB each): two languages and the projector of the workshops in use.
SIZE = 256

#: The name of the cache in ``app.extensions`` (emptied by :func:`benchmark.organisations.results.cache.clear`).
CACHE = "workshop_picture_cache"

#: The columns of the workshop's own row that the version holds (status and settings).
WORKSHOP_COLUMNS = ("facilitator_id", "workshop_status", "previous_id", "language", "title", "held_on", "release")
#: Where the two cohorts' change counts are in a row of either statement (after the account's four columns).
CHANGES = len(WORKSHOP_COLUMNS) + 4


@dataclass(frozen=True)
class Picture:
    """The rendered cohort picture and, on the live page, the consenting participants' rows."""

    cohort: Markup
    individuals: Markup
    #: The cohort picture as the poll sends it: kept compressed (web/page_cache.py).
    cohort_page: CachedPage


@dataclass(frozen=True)
class Account:
    """The signed-in account as :func:`benchmark.web.auth.admit` checks it."""

    id: int
    role: str
    is_active: bool
    session_version: int


@dataclass(frozen=True)
class CohortState:
    """What one statement says: the signed-in account, whether the workshop exists, who may see it, its version."""

    account: Account
    facilitator_id: int | None
    previous_id: int | None
    version: tuple[Any, ...]

    def visible_to(self, user: Any) -> bool:
        """Whether ``user`` may see the workshop: its facilitator, or an admin (never a missing workshop)."""
        return self.facilitator_id is not None and bool(user.role == "admin" or self.facilitator_id == user.id)


#: The two statements per pool (real or synthetic), built once: building one costs more than running it.
_VERSIONS: dict[bool, PlainStatement] = {}
_ROWS: dict[bool, PlainStatement] = {}


def cohort_state(workshop_id: int, account_id: int) -> CohortState | None:
    """The account, the workshop's access and its cohort version in one statement (None: no such account).

    The account's columns are those :func:`benchmark.web.auth.admit` checks; ``facilitator_id`` is
    None when there is no such workshop.
    """
    statement = _statement(_VERSIONS, cohort=False)
    rows = statement.rows(workshop_id=workshop_id, account_id=account_id)
    if not rows:
        return None
    (first,) = statement.typed(rows)
    account = Account(first.account_id, first.account_role, first.account_active, first.account_version)
    return CohortState(account, first.facilitator_id, first.previous_id, _version(rows[0]))


def _version(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """The version a row of either statement carries: the workshop's columns and the two cohorts' change counts."""
    return (content().rubric.version, row[: len(WORKSHOP_COLUMNS)], row[CHANGES : CHANGES + 2])


def _statement(built: dict[bool, PlainStatement], cohort: bool) -> PlainStatement:
    pool = pool_is_synthetic()
    statement = built.get(pool)
    if statement is None:
        statement = built.setdefault(pool, PlainStatement(_state_query(pool, cohort)))
    return statement


def _state_query(pool: bool, cohort: bool) -> sa.Select[Any]:
    """The workshop, the release, the account and the change counts; with ``cohort``, a row per participation too."""
    earlier = aliased(Workshop, name="earlier")
    query = (
        sa.select(
            Workshop.facilitator_id,
            Workshop.status.label("workshop_status"),
            Workshop.previous_id,
            Workshop.language,
            Workshop.title,
            Workshop.held_on,
            releases.latest_id(pool).label("release"),
            # the signed-in account, as benchmark.web.auth.admit checks it
            User.id.label("account_id"),
            User.role.label("account_role"),
            User.is_active.label("account_active"),
            User.session_version.label("account_version"),
            Workshop.cohort_changes,  # CHANGES
            earlier.cohort_changes.label("earlier_changes"),
        )
        .select_from(User)
        .outerjoin(Workshop, Workshop.id == sa.bindparam("workshop_id"))
        .outerjoin(earlier, earlier.id == Workshop.previous_id)
        .where(User.id == sa.bindparam("account_id"))
    )
    if not cohort:
        return query
    in_series = sa.or_(Participation.workshop_id == Workshop.id, Participation.workshop_id == Workshop.previous_id)
    return (
        query.add_columns(
            # one participation (services.cohort_rows' columns, and its workshop)
            Participation.workshop_id.label("cohort_of"),
            Participation.id.label("participation_id"),
            *services.cohort_columns(),
        )
        .outerjoin(Participation, in_series)
        .outerjoin(Assessment, Assessment.id == Participation.assessment_id)
        .outerjoin(TeamMember, TeamMember.organisation_id == Assessment.organisation_id)
        .outerjoin(Team, Team.id == TeamMember.team_id)
        .order_by(Participation.workshop_id, Participation.joined_at, Participation.id)
    )


def picture(workshop_id: int, state: CohortState, lang: str, projector: bool) -> Picture:
    """The cohort picture of this version in ``lang``, rendered and kept under its own version when none is kept."""
    cache = _cache(current_app)
    found = cache.get(("picture", workshop_id, lang, projector, state.version))
    if found is not None:
        return found
    statement = _statement(_ROWS, cohort=True)
    raw = statement.rows(workshop_id=workshop_id, account_id=state.account.id)
    rows = statement.typed(raw)
    made = _render(workshop_id, state, [row for row in rows if row.cohort_of is not None], lang, projector)
    if raw:  # the version these rows came with (the cohort may have changed since the first statement)
        cache.put(("picture", workshop_id, lang, projector, _version(raw[0])), made)
    return made


def _render(workshop_id: int, state: CohortState, rows: list[Any], lang: str, projector: bool) -> Picture:
    workshop = db.session.get(Workshop, workshop_id)
    assert workshop is not None  # cohort_state found it in this request
    previous = [row for row in rows if row.cohort_of == state.previous_id] if state.previous_id else None
    own = [row for row in rows if row.cohort_of == workshop_id]
    view = services.cohort_view(workshop, lang, rows=own, previous_rows=previous)
    rubric = content().rubric
    cohort = render_template(
        "workshops/_cohort.html", workshop=workshop, view=view, projector=projector, content_rubric=rubric
    )
    individuals = "" if projector else render_template("workshops/_individuals.html", view=view, content_rubric=rubric)
    return Picture(Markup(cohort), Markup(individuals), CachedPage.from_html(cohort))  # noqa: S704 (our templates' output, escaped by Jinja)


def _cache(app: Flask) -> BoundedCache[Picture]:
    return kept_in(app.extensions, CACHE, SIZE)
