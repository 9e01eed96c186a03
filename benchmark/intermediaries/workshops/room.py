"""'You and the room': a participant's own scores beside its workshop cohort's private figures.

The cohort figures are the very ones the facilitator's live view shows (same names, same data,
same draw: :func:`benchmark.intermediaries.workshops.figures.components`), so showing them to a
participant releases nothing new; below k completed participants there are none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app

from benchmark.intermediaries.workshops import figures, services
from benchmark.store.content import content
from benchmark.store.models import Assessment, Workshop
from benchmark.store.scores import scores_of


@dataclass
class Room:
    """One participant against its cohort (``rows`` empty below k)."""

    workshop: Workshop
    k: int
    completed: int
    rows: list[dict[str, Any]]

    @property
    def shown(self) -> bool:
        """True when the cohort reached k completed participants."""
        return self.completed >= self.k


def room(workshop: Workshop, assessment: Assessment, lang: str) -> Room:
    """The participant's component scores beside the cohort's private median and middle half."""
    k = int(current_app.config["WORKSHOP_MIN_GROUP"])
    completed = services.completed_once(services.cohort_rows(workshop.id))
    scores = scores_of([row.id for row in completed] + [assessment.id])
    own = scores[assessment.id]
    rows: list[dict[str, Any]] = []
    if len(completed) >= k:
        cohort = figures.components(workshop.id, [scores[row.id] for row in completed], k)
        rows = [
            {
                "name": dimension.name.get(lang),
                "own": own[dimension.id],
                "cohort": cohort[dimension.id],
                "place": figures.place(own[dimension.id], cohort[dimension.id]),
            }
            for dimension in content().rubric.dimensions
        ]
    return Room(workshop=workshop, k=k, completed=len(completed), rows=rows)
