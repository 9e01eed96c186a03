"""The personalised profile: scores, the 2017 comparison, today's peers, recommendations, change.

Everything here reads; nothing writes.  One :class:`ResultsView` feeds the HTML
page, the JSON download and both PDFs, so the small-group rule (no peer figure
for fewer than k organisations) is applied once and holds in every format, and so
does privacy against padded groups: peer figures are the noisy private ones
(:func:`benchmark.store.aggregates.peer_summary`), with a quarter instead of a percentile rank.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from benchmark.core import peers, rules, scoring
from benchmark.core.baseline import TAKEAWAY_GROUPS
from benchmark.core.questionnaire import Item, Row, describe_answer
from benchmark.extensions import db
from benchmark.organisations.results import cache as results_cache
from benchmark.organisations.results import fragments
from benchmark.organisations.results.comparison import ItemComparison, compare_items
from benchmark.organisations.results.peer_view import PeerGroup, peer_groups, peer_noise_note
from benchmark.store import aggregates, results_reads
from benchmark.store.content import content
from benchmark.store.models import Assessment, Participation, as_utc
from benchmark.store.results_reads import AnswerReads, Dated
from benchmark.store.scores import dimensions, profile_of


@dataclass
class ResultsView:
    """Everything the results page, its JSON and its PDFs show."""

    assessment: Assessment
    lang: str
    profile: scoring.Profile
    comparisons: list[ItemComparison]
    group_takeaways: dict[str, list[str]]
    peer_groups: list[PeerGroup]
    k: int
    recommendations: list[rules.RecommendationGroup]
    all_links: list[rules.RenderedLink]
    previous: Dated | None = None
    previous_profile: scoring.Profile | None = None
    changed_items: list[dict[str, Any]] = field(default_factory=list)

    @cached_property
    def top_steps(self) -> list[rules.NextStep]:
        """The three next steps that fit these answers best (the page's summary and the PDF's: one list)."""
        return rules.top_steps(self.recommendations)

    @cached_property
    def strongest(self) -> scoring.DimensionScore | None:
        """The component with the highest score (the first in rubric order on a tie), or None without scores."""
        scored = [d for d in self.profile.dimensions if d.score is not None]
        return max(scored, key=lambda d: d.score or 0) if len(scored) > 1 else None

    @cached_property
    def weakest(self) -> scoring.DimensionScore | None:
        """The component with the lowest score (the first in rubric order on a tie), or None without scores."""
        scored = [d for d in self.profile.dimensions if d.score is not None]
        weakest = min(scored, key=lambda d: d.score or 0) if len(scored) > 1 else None
        return None if weakest is None or weakest is self.strongest else weakest

    @property
    def noise_note(self) -> str:
        """The sentence that says peer figures carry deliberate noise (page, JSON, PDF)."""
        return peer_noise_note()

    @property
    def peer_medians(self) -> dict[str, float | None]:
        """The all-organisations (private, noisy) median per dimension, or None where the group is below k."""
        summaries = self.peer_groups[0].summaries
        return {d: (summary.median if (summary := summaries.get(d)) else None) for d in dimensions()}


def build_results(
    assessment: Assessment, lang: str, assessments: list[Dated] | None = None, answers: AnswerReads | None = None
) -> ResultsView:
    """Assemble the whole profile of a submitted assessment in ``lang`` (its own part kept: :mod:`.cache`).

    ``assessments`` (:func:`~benchmark.store.results_reads.assessments_of`) and ``answers`` are read when not given.
    """
    previous = previous_submission(assessment, assessments)
    key = ("own", assessment.id, lang, None if previous is None else previous.id, id(content()))
    make = partial(_own_part, assessment, previous, lang, answers)
    own = results_cache.own_part(key, make) if assessment.is_submitted else make()
    profile, comparisons, takeaways, recommendations, links, previous_profile, changed = own
    k = int(current_app.config["PEER_MIN_GROUP"])
    return ResultsView(
        assessment=assessment,
        lang=lang,
        profile=profile,
        comparisons=list(comparisons),
        group_takeaways={group: list(texts) for group, texts in takeaways.items()},
        peer_groups=peer_groups(assessment, profile, lang, k),
        k=k,
        recommendations=list(recommendations),
        all_links=list(links),
        previous=previous,
        previous_profile=previous_profile,
        changed_items=[dict(item) for item in changed],
    )


def _own_part(assessment: Assessment, previous: Dated | None, lang: str, reads: AnswerReads | None) -> tuple[Any, ...]:
    """Scores, 2017 comparison, takeaways, recommendations, links, and the change since ``previous``."""
    data = content()
    ids = [assessment.id] + ([] if previous is None else [previous.id])
    stored = results_reads.answers_of(ids) if reads is None else reads.of(ids)
    answers = stored[assessment.id]
    profile = profile_of(answers)
    before = None if previous is None else stored[previous.id]
    return (
        profile,
        compare_items(answers, lang),
        # Screens whose 2017 takeaways speak of a group of items, in the baseline file's order (design §5).
        {
            group: [t.text.get(lang) for t in data.baseline.takeaways(group)]
            for group in data.baseline.qualitative
            if group in TAKEAWAY_GROUPS
        },
        rules.recommend(answers, profile, data.questionnaire, data.baseline, lang, data.rules),
        rules.practice_links(data.rules, lang),
        None if before is None else profile_of(before),
        [] if before is None else changed_items(before, answers, lang),
    )


def key_label(item: Item, row: Row | None, lang: str) -> str:
    """The short name of an answer key: the item's short label, with the matrix row after a dash."""
    return item.label(lang) if row is None else f"{item.label(lang)} — {row.label.get(lang)}"


def previous_submission(assessment: Assessment, assessments: list[Dated] | None = None) -> Dated | None:
    """Return the organisation's submission before this one, if any (from ``assessments``, read when not given)."""
    if assessment.submitted_at is None:
        return None
    every = results_reads.assessments_of(assessment.organisation_id) if assessments is None else assessments
    return results_reads.previous_of(every, assessment.id, assessment.submitted_at)


def changed_items(before: dict[str, Any], answers: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """The change per item since the organisation's previous submission (its answers ``before``)."""
    describe = fragments.describer(lang)
    return [
        {
            "key": key,
            "question": question,
            "before": describe(item, before.get(key)),
            "after": describe(item, answers.get(key)),
        }
        for key, item, question in fragments.kept("answer_keys", lang, lambda: _answer_keys(lang))
        if before.get(key) != answers.get(key)
    ]


def _answer_keys(lang: str) -> list[tuple[str, Item, str]]:
    """Every answer key of the questionnaire in order, with its item and short name in ``lang`` (content only)."""
    q = content().questionnaire
    return [
        (key, item, key_label(item, q.item_for_key(key)[1], lang))
        for item in q.iter_items()
        for key in item.answer_keys()
    ]


@dataclass(frozen=True)
class ImportedComparison:
    """The organisation against an imported baseline (full survey data loaded by its owners)."""

    name: str
    source: str
    kind: str
    rows: list[dict[str, Any]]
    percentiles: dict[str, float | None]


def compare_imported(
    assessment: Assessment, profile: scoring.Profile, key: str, lang: str
) -> ImportedComparison | None:
    """Compare with ``name@version`` item by item, and by percentile where respondent-level data exist."""
    for record in aggregates.published_baselines():
        if f"{record.name}@{record.version}" == key:
            break
    else:
        return None
    q = content().questionnaire
    answers = assessment.answer_map()
    rows = []
    for answer_key, data in record.figures.items():
        try:
            item, row = q.item_for_key(answer_key)
        except KeyError:
            continue
        value = answers.get(answer_key)
        for option_id, figure in data.get("options", {}).items():
            option = item.option(option_id) if item.kind.has_options else None
            label = option.label.get(lang) if option else option_id
            question = key_label(item, row, lang)
            selected = (
                None if value is None else (option_id in value if isinstance(value, list) else str(value) == option_id)
            )
            rows.append(
                {
                    "question": question,
                    "option": label,
                    "pct": figure.get("pct"),
                    "n": data.get("n"),
                    "selected": selected,
                }
            )
    percentiles: dict[str, float | None] = {}
    for dimension_id in dimensions():
        histogram = {int(s): int(c) for s, c in (record.distributions or {}).get(dimension_id, {}).items()}
        own = profile.score(dimension_id)
        percentiles[dimension_id] = peers.percentile_rank(own, histogram) if histogram and own is not None else None
    return ImportedComparison(f"{record.name}@{record.version}", record.source, record.kind, rows, percentiles)


# --------------------------------------------------------------------------- the organisation's own data


def _iso(moment: Any) -> str | None:
    """An ISO 8601 timestamp in UTC (SQLite hands back naive values, stored in UTC)."""
    return None if moment is None else as_utc(moment).isoformat()  # type: ignore[union-attr]


def my_data(assessment: Assessment, lang: str) -> dict[str, Any]:
    """Everything stored about one assessment, readable in ``lang``: the "download my data" export.

    Every stored answer comes with its question and option labels (keys the questionnaire no
    longer knows keep their raw value), plus the component scores, the dates and the workshops.
    """
    q = content().questionnaire
    stored = assessment.answer_map()
    known = [key for key in q.answer_keys() if key in stored]
    answers = []
    for key in known + sorted(set(stored) - set(known)):
        value = stored[key]
        try:
            item, row = q.item_for_key(key)
        except KeyError:
            answers.append({"key": key, "question": None, "answer": None, "value": value})
            continue
        question = key_label(item, row, lang)
        answers.append({"key": key, "question": question, "answer": describe_answer(item, value, lang), "value": value})
    profile = profile_of(stored)
    participations = db.session.scalars(
        sa.select(Participation).where(Participation.assessment_id == assessment.id).order_by(Participation.id)
    )
    return {
        "assessment": {
            "label": assessment.label,
            "status": assessment.status,
            "language": assessment.language,
            "questionnaire_version": assessment.questionnaire_version,
            "rubric_version": assessment.rubric_version,
            "created_at": _iso(assessment.created_at),
            "updated_at": _iso(assessment.updated_at),
            "submitted_at": _iso(assessment.submitted_at),
        },
        "components": [
            {
                "id": d.dimension.id,
                "name": d.dimension.name.get(lang),
                "score": d.score,
                "level": None if d.level is None else d.level.name.get(lang),
                "answered_indicators": d.answered,
                "total_indicators": d.total,
            }
            for d in profile.dimensions
        ],
        "answers": answers,
        "workshops": [
            {
                "title": p.workshop.title,
                "held_on": p.workshop.held_on.isoformat() if p.workshop.held_on else None,
                "joined_at": _iso(p.joined_at),
                "facilitator_sees_individual_results": p.share_individual,
            }
            for p in participations
        ],
    }


def my_data_table(data: dict[str, Any]) -> tuple[list[str], list[list[object]]]:
    """The same export as a table (header and rows) for CSV, in the current language."""

    def stored(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, list):
            return "; ".join(str(v) for v in value)
        return str(value)

    info = data["assessment"]
    part = _("Assessment")
    rows: list[list[object]] = [
        [part, "label", _("Assessment name"), info["label"] or "", stored(info["label"])],
        [part, "status", _("Status"), _("Submitted") if info["status"] == "submitted" else _("Draft"), info["status"]],
        [part, "language", _("Language"), info["language"], info["language"]],
        [
            part,
            "questionnaire_version",
            _("Questionnaire version"),
            info["questionnaire_version"],
            info["questionnaire_version"],
        ],
        [part, "rubric_version", _("Scoring version"), info["rubric_version"], info["rubric_version"]],
        [part, "created_at", _("Started"), stored(info["created_at"]), stored(info["created_at"])],
        [part, "updated_at", _("Last saved"), stored(info["updated_at"]), stored(info["updated_at"])],
        [part, "submitted_at", _("Submitted"), stored(info["submitted_at"]), stored(info["submitted_at"])],
    ]
    for component in data["components"]:
        shown = (
            _("Not enough answers to give a score")
            if component["score"] is None
            else f"{component['score']} / 100 ({component['level']})"
        )
        rows.append([_("Component score"), component["id"], component["name"], shown, stored(component["score"])])
    for answer in data["answers"]:
        rows.append(
            [_("Answer"), answer["key"], answer["question"] or "", answer["answer"] or "", stored(answer["value"])]
        )
    for number, workshop in enumerate(data["workshops"], start=1):
        shown = (
            _("The facilitator can see your individual results.")
            if workshop["facilitator_sees_individual_results"]
            else _("The facilitator sees only group figures.")
        )
        rows.append([_("Workshop"), f"workshop-{number}", workshop["title"], shown, stored(workshop["joined_at"])])
    header = [_("Part"), _("Key"), _("Question or field"), _("Answer"), _("Stored value")]
    return header, rows
