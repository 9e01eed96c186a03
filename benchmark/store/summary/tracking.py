"""Keeping the counts right: what some rows counted before a change, against what they count after.

Every state change of an assessment runs inside :func:`tracking`::

    with summary.tracking(db.session, [assessment.id]) as track:
        track.watch(*followers)      # rows the change is about to touch, read before it does
        ...                          # the change itself (UPDATE, INSERT, DELETE)
        track.created(new.id)        # rows inserted by the change (they counted nothing before)

Before-states are read from the database when a row is watched, after-states when the block
ends; the difference is applied in the same transaction with one upsert.  The organisations
whose *released* counts changed are noted in the same transaction, and a new release of their
pool is cut when the rules allow (:mod:`.releases`).  Nothing is worked
out by hand, so a new kind of change cannot forget a count.  Watch a row *before* the
statement that changes it, under the lock that keeps others from changing it meanwhile.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from benchmark.extensions import db
from benchmark.store.models import SummaryCount
from benchmark.store.summary import releases
from benchmark.store.summary.contributions import KEY_COLUMNS, Facts, Key, counted_each, facts_of


class Tracker:
    """The rows one change touches and what they counted before it (see :func:`tracking`)."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.ids: set[int] = set()
        self.before: Counter[Key] = Counter()
        #: What each watched row counted for before the change, and its facts then.
        self.before_each: dict[int, Counter[Key]] = {}
        self.facts_before: dict[int, Facts] = {}

    def watch(self, *assessment_ids: int) -> None:
        """Read what these rows count for now; they are read again when the block ends.

        A row already watched keeps its first reading (the state before the whole change).
        """
        new = set(assessment_ids) - self.ids
        if new:
            self.ids |= new
            facts = facts_of(new, self.session)
            self.facts_before.update(facts)
            for assessment_id, keys in counted_each(facts.values(), self.session).items():
                self.before_each[assessment_id] = keys
                self.before.update(keys)

    def created(self, *assessment_ids: int) -> None:
        """Rows inserted during the block: they counted for nothing before it."""
        self.ids.update(assessment_ids)

    def delta(self) -> Counter[Key]:
        """What the watched rows count for now minus what they counted before."""
        return self.finish()[0]

    def finish(self) -> tuple[Counter[Key], dict[bool, set[int]]]:
        """The change of the counts, and the organisations whose released counts it changes, by pool."""
        facts_after = facts_of(self.ids, self.session)
        after_each = counted_each(facts_after.values(), self.session)
        after: Counter[Key] = Counter()
        changed: dict[bool, set[int]] = {}
        for assessment_id in self.ids:
            now = after_each.get(assessment_id, Counter())
            after.update(now)
            then = self.before_each.get(assessment_id, Counter())
            if releases.released_part(then) != releases.released_part(now):
                facts = facts_after.get(assessment_id) or self.facts_before.get(assessment_id)
                if facts is not None:
                    changed.setdefault(facts.is_synthetic, set()).add(facts.organisation_id)
        return difference(self.before, after), changed


@contextmanager
def tracking(session: Any = None, assessment_ids: Iterable[int] = ()) -> Iterator[Tracker]:
    """Apply the change of the counts caused by the block, in its transaction.

    The rows of ``assessment_ids`` are read when the block starts; more can be watched during
    it.  When the block raises, nothing is applied (the caller rolls back).
    """
    tracker = Tracker(session or db.session)
    tracker.watch(*assessment_ids)
    yield tracker
    delta, changed = tracker.finish()
    apply(delta, tracker.session)
    releases.note_changes(changed, tracker.session)


def apply(delta: Mapping[Key, int], session: Any = None) -> None:
    """Add ``delta`` to the stored counts (one upsert; zero entries are skipped).

    Keys go in sorted order, so that concurrent transactions lock the rows in the same order.
    """
    session = session or db.session
    rows = [
        {**dict(zip(KEY_COLUMNS, key, strict=True)), "count": change} for key, change in sorted(delta.items()) if change
    ]
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(SummaryCount)
    statement = statement.on_conflict_do_update(
        index_elements=[getattr(SummaryCount, column) for column in KEY_COLUMNS],
        set_={"count": SummaryCount.count + statement.excluded["count"]},
    )
    session.execute(statement, rows)


def difference(before: Counter[Key], after: Counter[Key]) -> Counter[Key]:
    """``after − before`` key by key, negative changes kept (Counter subtraction would drop them)."""
    delta: Counter[Key] = Counter()
    for key in before.keys() | after.keys():
        change = after.get(key, 0) - before.get(key, 0)
        if change:
            delta[key] = change
    return delta
