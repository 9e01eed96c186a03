"""Generate SYNTHETIC assessments, fast, for the scale benchmarks (``make bench``).

    python -m perf.generate --url sqlite:///perf/out/demo.sqlite3 --count 100000

Every organisation and assessment row this script writes has ``is_synthetic=True``: a
deployment counts them only with ``DATA_POOL=synthetic`` (benchmarks, demonstrations),
never beside real submissions.  The script says "synthetic" in everything it prints.

**What it writes** for ``--count N`` assessment rows (appended to whatever is there;
the schema is created or upgraded first, as ``flask db upgrade`` does):

* about 80 % first submissions, 15 % re-assessments and 5 % drafts never submitted.  A
  re-assessment is a second submission of the same organisation started at least six
  months after the first was started (``previous_id`` set); the first then has
  ``is_latest=False``.
* ``created_at`` spread over the months from January 2023 to now (at most December
  2026), growing over time; ``submitted_at`` minutes to two weeks later.  Row ids
  follow ``created_at``, as they would in a real database.
* organisation facts drawn per organisation (a re-assessment keeps them): the items the
  questionnaire declares with ``fact:`` (q22 role, q23 IRCC funding, q24 age, q25 size,
  q26 one province/territory (87 %) or two, weighted toward ON, BC, AB and QC; a fact
  without weights here is drawn uniformly, an optional one is sometimes skipped).  They are
  stored as answers and in the columns/tables the questionnaire names (``size_band``,
  ``funding``, ``age_band``, ``role``, ``assessment_region``), exactly as the assessment
  services store them (benchmark.store.facts).
* answers to every item, drawn from plausible distributions: the 2017 published shares
  where they exist (read from ``baseline_2017.json``: q5 announce_events 90.7 %, q4
  shared_roles 52.8 %, q6 yes 40.7 %, q2_2 video 41.8 % …, corrected so that the share
  the app computes, which leaves out "I don't know", comes out at the 2017 figure),
  and invented but plausible shares elsewhere, tilted by a per-answer-set "capacity"
  so that answers hang together.  About 4 % of the optional items are skipped.
* stored scores (``assessment_score`` rows, one per dimension of the rubric, for every
  submission) computed with :func:`benchmark.core.scoring.score` from the full answer set.

**Which answers are stored.**  Only the answers that aggregates read are written as
``answer`` rows: q2_2, q4, q5 and q6 (the items with a 2017 figure, read by the sector
view's "today against 2017" table and by workshop cohorts) and the facts (q22–q26).
The other items are drawn too and feed the stored scores, which is all the peer
comparison and the sector level tables read, but they are not stored: 44 answer keys
per assessment would be 44 million rows at 1,000,000 assessments (~27 million if every
item were answered once), for nothing that any page aggregates.  A results page of a
*generated* assessment therefore shows a partial profile; ``perf/bench_data.py`` opens
the results of submissions it makes through the services with complete answers.

**How it stays fast** (1,000,000 assessments is about 11 million rows):

* a pool of a few thousand distinct answer sets is drawn and scored once; each
  assessment picks one (scoring is exact-fraction arithmetic, far too slow per row);
* rows are built as tuples and written in batches of 5,000 assessments (about 60,000
  rows) with the driver's bulk path, one transaction per batch: ``executemany`` on
  SQLite, ``COPY … FROM STDIN`` on PostgreSQL (several times faster than INSERTs);
* SQLite: ``journal_mode=WAL``, ``synchronous=OFF``, a 256 MB page cache and no foreign
  key checks **for the load only** (the app's connections keep WAL, ``synchronous=FULL``
  and foreign keys; the rows are consistent by construction);
* PostgreSQL: ``synchronous_commit=off`` for the loading session, and the foreign keys of
  the loaded tables dropped for the load and added back afterwards with their own
  names and definitions (``ADD CONSTRAINT`` checks every row in one pass; row-by-row
  trigger checks cost more than the COPY itself).  Then the id sequences are moved past
  the new rows and the tables are ``VACUUM ANALYZE``-d (what autovacuum would do after a
  bulk load; it also lets index-only scans work).
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import random
import resource
import sys
import time
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

import sqlalchemy as sa

SYNTHETIC_NOTE = "synthetic data: every organisation and assessment row written has is_synthetic=True"

#: Answer keys stored as ``answer`` rows (see the module docstring).
STORED_CONTENT_KEYS = ("q2_2", "q4", "q5", "q6")

BATCH_ASSESSMENTS = 5_000
POOL_SIZE = 4_000
REASSESS_SHARE = 0.15
DRAFT_SHARE = 0.05
SKIP_SHARE = 0.04
ROW_SKIP_SHARE = 0.03
MIN_GAP = timedelta(days=180).total_seconds()
START = datetime(2023, 1, 1, tzinfo=UTC)
END_CAP = datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC)

# --------------------------------------------------------------------------- distributions
# Shares of options WITHOUT a published 2017 figure are invented but plausible; the 2017
# figures themselves come from the app's baseline file and override these.

TOOL_SHARES = {
    "email": 0.88, "cloud": 0.45, "social_media": 0.5, "newsletter": 0.25, "video": 0.3, "website": 0.55,
    "sms": 0.2, "analytics": 0.15, "mobile_apps": 0.12, "crowdsourcing": 0.03, "data_viz": 0.08,
    "mapping": 0.05, "online_forms": 0.35, "client_db": 0.45, "videoconf": 0.5, "elearning": 0.25,
    "other": 0.05,
}  # fmt: skip
TASK_TOOL_SHARES: dict[str, dict[str, float]] = {
    "q2_1": {"cloud": 0.55, "client_db": 0.6, "online_forms": 0.3},  # internal administration
    "q2_2": {"elearning": 0.45, "videoconf": 0.55, "email": 0.7},  # staff learning (video: 2017 figure)
    "q2_3": {"email": 0.92, "videoconf": 0.65, "cloud": 0.5},  # internal communication
    "q2_4": {"cloud": 0.5, "videoconf": 0.45},  # collaboration
    "q3_1": {"client_db": 0.55, "online_forms": 0.35, "sms": 0.3},  # service delivery
    "q3_2": {"social_media": 0.7, "analytics": 0.2, "website": 0.8},  # outreach
    "q3_3": {"videoconf": 0.55, "elearning": 0.3, "mobile_apps": 0.12, "online_forms": 0.3},
    "q3_4": {"online_forms": 0.4, "analytics": 0.15, "crowdsourcing": 0.04},
    "q3_5": {"social_media": 0.45, "data_viz": 0.12, "mapping": 0.08},
}
MULTI_SHARES: dict[str, dict[str, float]] = {
    "q4": {"shared_roles": 0.5, "permanent_inhouse": 0.45, "contractor": 0.3, "volunteers": 0.12,
           "shared_service": 0.1},
    "q5": {"announce_events": 0.9, "public_awareness": 0.85, "recruit_volunteers": 0.7, "fundraising": 0.45,
           "promote_services": 0.85, "inform_clients": 0.8, "partners": 0.6, "other": 0.08},
    "n1": {"reliable_internet": 0.85, "staff_devices": 0.8, "mobile_devices": 0.45, "client_access": 0.35,
           "backups": 0.6, "it_support": 0.5, "security_updates": 0.55},
}  # fmt: skip
#: Probability of answering a multi item with only this exclusive option.
EXCLUSIVE_SHARES: dict[str, dict[str, float]] = {
    "q4": {"no_one": 0.03, "dont_know": 0.02},
    "q5": {"none": 0.01},
    "n1": {"none": 0.02, "dont_know": 0.03},
    "tools": {"none": 0.04, "dont_know": 0.03},
}
#: Single items: plausible weights (rescaled around a 2017 figure where one exists).
SINGLE_SHARES: dict[str, dict[str, float]] = {
    "q6": {"yes": 0.4, "in_progress": 0.25, "no": 0.28, "dont_know": 0.07},
    "q7": {"yes": 0.72, "no": 0.12, "no_website": 0.08, "dont_know": 0.08},
    "q9": {"data_other_providers": 0.14, "data_mgmt_expertise": 0.12, "web_content": 0.1, "hardware": 0.08,
           "tech_skills": 0.14, "digital_infra": 0.08, "platforms_websites": 0.1, "other": 0.04, "not_shared": 0.2},
}  # fmt: skip
#: Matrix items: weights of the ordered scale (best first for q8/q10) and the "I don't know" share.
MATRIX_SHARES: dict[str, tuple[dict[str, float], float]] = {
    "q8": ({"not_concern": 0.2, "minor": 0.35, "moderate": 0.28, "major": 0.17}, 0.05),
    "q10": ({"very_well": 0.08, "well": 0.27, "neutral": 0.3, "some_improvement": 0.25, "great_need": 0.1}, 0.04),
    "q15": ({"extremely": 0.3, "important": 0.35, "moderately": 0.2, "slightly": 0.1, "not_at_all": 0.05}, 0.0),
}
#: Matrices whose scale a higher capacity shifts toward its first option.
TILTED_MATRICES = ("q8", "q10")
SCALE_WEIGHTS = {
    "q1": [1, 1, 1, 2, 3, 6, 9, 15, 22, 20, 20],  # 86 % "important" in 2017, scale points unknown
    "q16": [2, 2, 3, 5, 8, 12, 15, 18, 15, 10, 10],
}
#: Plausible weights of the organisation facts (a fact of the questionnaire without weights is uniform).
FACT_SHARES: dict[str, dict[str, float]] = {
    "q22": {"executive": 0.55, "program_staff": 0.25, "it_staff": 0.07, "other": 0.13},
    "q23": {"yes_current": 0.82, "no_past": 0.06, "no_never": 0.12},
    "q24": {"lt_5": 0.07, "5_10": 0.1, "11_25": 0.28, "26_50": 0.33, "gt_50": 0.22},
    "q25": {"1_5": 0.14, "6_10": 0.16, "11_20": 0.2, "21_50": 0.25, "51_plus": 0.25},
    "q26": {
        "on": 0.39, "bc": 0.15, "ab": 0.13, "qc": 0.09, "mb": 0.06, "ns": 0.04, "sk": 0.04, "nb": 0.03,
        "nl": 0.02, "pe": 0.015, "nt": 0.01, "yt": 0.01, "nu": 0.005,
    },
}  # fmt: skip
#: Share of organisations giving two values of a multiple choice fact (two provinces/territories).
TWO_VALUES_SHARE = 0.13
FRENCH_SHARE = 0.22

Answers = dict[str, Any]


def _chooser(weights: dict[str, float]) -> Callable[[random.Random], str]:
    """Return a function drawing one key with the given weights (cumulative + bisect)."""
    keys = list(weights)
    cumulative = list(accumulate(weights[k] for k in keys))
    total = cumulative[-1]

    def choose(rng: random.Random) -> str:
        return keys[bisect.bisect_right(cumulative, rng.random() * total)]

    return choose


# --------------------------------------------------------------------------- answer model


class AnswerModel:
    """Draws complete, valid answer sets for the app's questionnaire (facts apart)."""

    def __init__(self, questionnaire: Any, baseline: Any) -> None:
        self.q = questionnaire
        self.shares_2017: dict[tuple[str, str], float] = {
            (figure.item_id, figure.option_id): figure.pct / 100 for figure in baseline.all_figures()
        }
        self.items = [item for item in questionnaire.iter_items() if item.fact is None]
        self.facts = list(questionnaire.facts)
        self.fact_choosers = {
            item.id: _chooser(FACT_SHARES.get(item.id) or {option.id: 1.0 for option in item.options})
            for item in self.facts
        }

    # -- content items
    def draw(self, rng: random.Random) -> Answers:
        """Return one full answer set (all items but the facts), a few optional items skipped."""
        capacity = (rng.random() + rng.random()) / 2  # triangular on [0, 1], mean 0.5
        factor = 0.5 + capacity  # 0.5–1.5, mean 1: multiplies shares without a 2017 figure
        answers: Answers = {}
        for item in self.items:
            if item.type == "matrix":
                answers.update(self._matrix(item, capacity, rng))
                continue
            if rng.random() < SKIP_SHARE:
                continue
            if item.type == "scale_0_10":
                answers[item.id] = rng.choices(range(11), weights=SCALE_WEIGHTS.get(item.id, [1] * 11))[0]
            elif item.type == "single":
                answers[item.id] = self._single(item, capacity, rng)
            else:
                answers[item.id] = self._multi(item, factor, rng)
        return answers

    def _single(self, item: Any, capacity: float, rng: random.Random) -> str:
        weights = dict(SINGLE_SHARES.get(item.id) or {option.id: 1.0 for option in item.options})
        figures = {o: s for (i, o), s in self.shares_2017.items() if i == item.id}
        if figures:  # the share the app shows leaves "I don't know" out of the base
            dont_know = weights.get("dont_know", 0.0)
            rest = {k: v for k, v in weights.items() if k != "dont_know" and k not in figures}
            free = (1 - dont_know) * (1 - sum(figures.values()))
            scale = free / sum(rest.values())
            weights = {**{k: v * scale for k, v in rest.items()}, "dont_know": dont_know}
            weights.update({k: (1 - dont_know) * share for k, share in figures.items()})
        elif "yes" in weights:  # capacity makes "yes" likelier
            weights["yes"] *= 0.6 + 0.8 * capacity
        return _chooser(weights)(rng)

    def _multi(self, item: Any, factor: float, rng: random.Random) -> list[str]:
        tools = item.id.startswith(("q2_", "q3_"))
        exclusive = EXCLUSIVE_SHARES["tools" if tools else item.id] if (tools or item.id in EXCLUSIVE_SHARES) else {}
        draw = rng.random()
        for option_id, share in exclusive.items():
            if draw < share:
                return [option_id]
            draw -= share
        shares = {**TOOL_SHARES, **TASK_TOOL_SHARES.get(item.id, {})} if tools else MULTI_SHARES.get(item.id, {})
        dont_know = exclusive.get("dont_know", 0.0)
        others = sum(exclusive.values()) - dont_know
        chosen = []
        for option in item.options:
            if option.exclusive:
                continue
            figure = self.shares_2017.get((item.id, option.id))
            if figure is not None:  # P(chosen | answered, not "I don't know") = the 2017 share
                p = figure * (1 - dont_know) / (1 - dont_know - others)
            else:
                p = min(0.97, shares.get(option.id, 0.1) * factor)
            if rng.random() < p:
                chosen.append(option.id)
        if not chosen:
            fallback = [o.id for o in item.options if o.exclusive and o.id != "dont_know"]
            return [fallback[0]] if fallback else [item.options[0].id]
        return chosen

    def _matrix(self, item: Any, capacity: float, rng: random.Random) -> Answers:
        scale, dont_know = MATRIX_SHARES[item.id]
        tilt = (capacity - 0.5) * 2.4 if item.id in TILTED_MATRICES else 0.0
        weights = {key: w * pow(2.718281828, -tilt * index) for index, (key, w) in enumerate(scale.items())}
        choose = _chooser(weights)
        result: Answers = {}
        for row in item.rows:
            if rng.random() < ROW_SKIP_SHARE:
                continue
            result[f"{item.id}.{row.id}"] = "dont_know" if rng.random() < dont_know else choose(rng)
        return result

    # -- organisation facts
    def draw_facts(self, rng: random.Random) -> Answers:
        """Return the facts of one organisation (q22–q26; the optional ones sometimes skipped)."""
        facts: Answers = {}
        for item in self.facts:
            if not item.required and rng.random() < SKIP_SHARE:
                continue
            choose = self.fact_choosers[item.id]
            if not item.fact.multiple:
                facts[item.id] = choose(rng)
                continue
            values = {choose(rng)}
            if rng.random() < TWO_VALUES_SHARE and len(item.options) > 1:
                while len(values) < 2:
                    values.add(choose(rng))
            facts[item.id] = [option.id for option in item.options if option.id in values]
        return facts


@dataclass(frozen=True)
class PoolEntry:
    """One distinct answer set, scored once, with its stored answers already serialised."""

    answers: Answers
    scores: tuple[tuple[str, int | None], ...]  # (dimension, score) for every dimension of the rubric
    stored: tuple[tuple[str, str], ...]


def build_pool(model: AnswerModel, rubric: Any, size: int, rng: random.Random) -> list[PoolEntry]:
    """Draw ``size`` distinct answer sets and score each one with the app's rubric."""
    from benchmark.core.questionnaire import clean_answers
    from benchmark.core.scoring import score

    pool: list[PoolEntry] = []
    seen: set[str] = set()
    while len(pool) < size:
        answers = model.draw(rng)
        fingerprint = json.dumps(answers, sort_keys=True)
        if fingerprint in seen:
            continue
        seen.add(fingerprint)
        if clean_answers(model.q, answers) != answers:  # never store what the app would refuse
            raise AssertionError(f"generated an invalid answer set: {answers}")
        profile = score(answers, rubric)
        scores = tuple((dimension, profile.score(dimension)) for dimension in rubric.dimension_ids())
        stored = tuple((key, json.dumps(answers[key])) for key in STORED_CONTENT_KEYS if key in answers)
        pool.append(PoolEntry(answers, scores, stored))
    return pool


# --------------------------------------------------------------------------- writers

ORGANISATION_COLUMNS = ("id", "created_at", "is_synthetic")
#: The columns of ``assessment`` before its single choice fact columns (the questionnaire's, in its order).
ASSESSMENT_COLUMNS = (
    "id", "organisation_id", "token_hash", "status", "questionnaire_version", "rubric_version", "language",
    "current_page", "label", "revision", "previous_id", "page_ids", "is_synthetic", "is_latest", "created_at",
    "updated_at", "submitted_at",
)  # fmt: skip
SCORE_COLUMNS = ("assessment_id", "dimension", "score")
ANSWER_COLUMNS = ("assessment_id", "key", "value", "updated_at")


class Writer:
    """Bulk writes through the driver, one transaction per batch."""

    true: Any = True
    false: Any = False
    timestamp_suffix = ""

    def __init__(self, engine: sa.Engine) -> None:
        self.proxy = engine.raw_connection()
        self.dbapi: Any = self.proxy.dbapi_connection
        self.prepare()

    def prepare(self) -> None:
        """Session settings for the load."""

    def write(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        raise NotImplementedError

    def commit(self) -> None:
        self.dbapi.commit()

    def finish(self) -> None:
        """Undo the load settings and tidy up; the connection goes back to the pool."""
        self.proxy.close()

    def abort(self) -> None:
        """After a failure: roll back the current batch and undo the load settings."""
        self.dbapi.rollback()
        self.finish()


class SQLiteWriter(Writer):
    true, false = 1, 0

    def prepare(self) -> None:
        self.dbapi.commit()
        for pragma in (
            "journal_mode = WAL",
            "synchronous = OFF",
            "cache_size = -262144",
            "temp_store = MEMORY",
            "foreign_keys = OFF",
        ):
            self.dbapi.execute(f"PRAGMA {pragma}")

    def write(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        self.dbapi.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)  # noqa: S608

    def finish(self) -> None:
        self.dbapi.commit()
        self.dbapi.execute("PRAGMA foreign_keys = ON")
        self.dbapi.execute("PRAGMA synchronous = FULL")
        self.dbapi.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.dbapi.execute("PRAGMA cache_size = -2000")
        self.proxy.close()


class PostgresWriter(Writer):
    timestamp_suffix = "+00:00"

    #: Tables whose foreign keys are dropped for the load and added back (validated) afterwards
    #: (the tables of multiple choice facts are added by :func:`writer_for`).
    LOADED_TABLES: tuple[str, ...] = ("organisation", "assessment", "assessment_score", "answer")

    def __init__(self, engine: sa.Engine, fact_tables: Sequence[str] = ()) -> None:
        self.loaded_tables = (*self.LOADED_TABLES, *fact_tables)
        super().__init__(engine)

    def prepare(self) -> None:
        with self.dbapi.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
            # One row-by-row trigger check per foreign key and row costs more than the COPY
            # itself; ADD CONSTRAINT afterwards checks all rows in one join.
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
                (list(self.loaded_tables),),
            )
            self.foreign_keys = cursor.fetchall()
            for table, name, _definition in self.foreign_keys:
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        self.dbapi.commit()

    def write(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        names = ", ".join(f'"{c}"' for c in columns)
        with self.dbapi.cursor() as cursor, cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)

    def finish(self) -> None:
        with self.dbapi.cursor() as cursor:
            for table, name, definition in self.foreign_keys:
                cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            for table in ("organisation", "assessment"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT GREATEST(MAX(id), 1) FROM {table}))"
                )
            cursor.execute("SET synchronous_commit = on")
        self.dbapi.commit()
        self.dbapi.autocommit = True
        with self.dbapi.cursor() as cursor:
            for table in self.loaded_tables:
                cursor.execute(f'VACUUM ANALYZE "{table}"')
        self.dbapi.autocommit = False
        self.proxy.close()


def writer_for(engine: sa.Engine, fact_tables: Sequence[str] = ()) -> Writer:
    """The bulk writer of the engine's database (``fact_tables``: the tables of multiple choice facts)."""
    if engine.dialect.name == "sqlite":
        return SQLiteWriter(engine)
    if engine.dialect.name == "postgresql":
        return PostgresWriter(engine, fact_tables)
    raise SystemExit(f"unsupported database: {engine.dialect.name}")


# --------------------------------------------------------------------------- planning


@dataclass
class Plan:
    """Who is what, decided before any row is built: times, re-assessments and drafts."""

    times: list[float]  # created_at, seconds after START, increasing with the row
    previous: array[int]  # index of the re-assessed first submission, or -1
    draft: bytearray
    followed: bytearray  # 1 when a later re-assessment replaces this submission as the latest


def plan(count: int, end: datetime, rng: random.Random) -> Plan:
    span = (end - START).total_seconds()
    # Uptake grows: 40 % uniform over the period, 60 % with a linearly increasing density.
    times = sorted(
        span * (rng.random() if rng.random() < 0.4 else max(rng.random(), rng.random())) for _ in range(count)
    )
    late = count - bisect.bisect_left(times, (times[0] if times else 0) + MIN_GAP)
    p_reassess = min(0.6, REASSESS_SHARE * count / max(1, late))
    p_draft = DRAFT_SHARE / (1 - REASSESS_SHARE)
    previous = array("l", [-1]) * count
    draft = bytearray(count)
    followed = bytearray(count)
    candidates: list[int] = []  # first submissions at least MIN_GAP old and not yet re-assessed
    pointer = 0
    for i, t in enumerate(times):
        while pointer < i and times[pointer] <= t - MIN_GAP:
            if not draft[pointer] and previous[pointer] == -1:
                candidates.append(pointer)
            pointer += 1
        if candidates and rng.random() < p_reassess:
            k = rng.randrange(len(candidates))
            j = candidates[k]
            candidates[k] = candidates[-1]
            candidates.pop()
            previous[i] = j
            followed[j] = 1
        elif rng.random() < p_draft:
            draft[i] = 1
    return Plan(times, previous, draft, followed)


# --------------------------------------------------------------------------- generation


@dataclass
class Context:
    """What the generator needs from the app: questionnaire, rubric and versions."""

    model: AnswerModel
    rubric: Any
    questionnaire_version: str
    rubric_version: str
    page_ids: list[str]
    #: Single choice facts: (item id, assessment column), in questionnaire order.
    fact_columns: list[tuple[str, str]]
    #: Multiple choice facts: (item id, table, value column).
    fact_tables: list[tuple[str, str, str]]


def app_context_objects(app: Any) -> Context:
    data = app.extensions["content"]
    q = data.questionnaire
    return Context(
        model=AnswerModel(q, data.baseline),
        rubric=data.rubric,
        questionnaire_version=q.version,
        rubric_version=data.rubric.version,
        page_ids=[page.id for page in q.pages],
        fact_columns=[(item.id, item.fact.column) for item in q.facts if not item.fact.multiple],
        fact_tables=[
            (item.id, f"assessment_{item.fact.column}", item.fact.column) for item in q.facts if item.fact.multiple
        ],
    )


def peak_rss_mb() -> float:
    """Peak resident memory of this process (VmHWM: unlike ru_maxrss, not inherited across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def absolute_url(url: str) -> str:
    """Make a relative SQLite path absolute (Flask-SQLAlchemy would resolve it under ``instance/``)."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        return parsed.set(database=str(Path(parsed.database).resolve())).render_as_string(hide_password=False)
    return url


def generate(
    url: str,
    count: int,
    seed: int = 2026,
    batch: int = BATCH_ASSESSMENTS,
    pool_size: int = POOL_SIZE,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Create/upgrade the schema at ``url`` and append ``count`` synthetic assessments.

    :return: counts and timings (also printed through ``log``).
    """
    from flask_migrate import upgrade

    from benchmark.app import create_app
    from benchmark.extensions import db

    started = time.perf_counter()
    app = create_app({"SQLALCHEMY_DATABASE_URI": absolute_url(url)})
    with app.app_context():
        upgrade()
        db.session.remove()
        ctx = app_context_objects(app)
        engine = db.engine
        with engine.connect() as connection:
            base_org = connection.scalar(sa.text("SELECT COALESCE(MAX(id), 0) FROM organisation")) or 0
            base_id = connection.scalar(sa.text("SELECT COALESCE(MAX(id), 0) FROM assessment")) or 0
        rng = random.Random(seed)
        pool = build_pool(ctx.model, ctx.rubric, min(pool_size, max(count, 1)), rng)
        pooled = time.perf_counter()
        end = min(datetime.now(UTC), END_CAP)
        the_plan = plan(count, end, rng)
        planned = time.perf_counter()
        writer = writer_for(engine, [table for _key, table, _column in ctx.fact_tables])
        totals = {
            "organisations": 0, "assessments": 0, "regions": 0, "scores": 0, "answers": 0, "submitted": 0, "drafts": 0,
        }  # fmt: skip
        totals["reassessments"] = sum(1 for p in the_plan.previous if p >= 0)
        try:
            _load(writer, ctx, pool, the_plan, base_org, base_id, seed, batch, rng, totals, log)
        except BaseException:
            writer.abort()
            raise
        else:
            writer.finish()
        finally:
            db.session.remove()
            engine.dispose()
        loaded = time.perf_counter()
        # A bulk load bypasses the services, so the summary counts they maintain on every
        # change are recounted once here, with the same code (benchmark.store.summary.rebuild).
        from benchmark.store import summary

        summary_rows = summary.rebuild(db.session)
        db.session.commit()
        db.session.remove()
        summarised = time.perf_counter()
        with engine.connect() as connection:
            real = connection.scalar(
                sa.text("SELECT COUNT(*) FROM assessment WHERE id > :a AND NOT is_synthetic"), {"a": base_id}
            )
            real_orgs = connection.scalar(
                sa.text("SELECT COUNT(*) FROM organisation WHERE id > :o AND NOT is_synthetic"), {"o": base_org}
            )
        engine.dispose()
    if real or real_orgs:
        raise AssertionError("a generated row is not marked synthetic")
    rows = totals["organisations"] + totals["assessments"] + totals["regions"] + totals["scores"] + totals["answers"]
    stats = {
        **totals,
        "dialect": engine.dialect.name,
        "pool": len(pool),
        "rows": rows,
        "seconds": round(loaded - started, 2),
        "seconds_pool": round(pooled - started, 2),
        "seconds_plan": round(planned - pooled, 2),
        "seconds_load": round(loaded - planned, 2),
        "seconds_summary": round(summarised - loaded, 2),
        "summary_rows": summary_rows,
        "rows_per_second": round(rows / max(loaded - planned, 1e-9)),
        "maxrss_mb": peak_rss_mb(),
        "first_assessment_id": base_id + 1,
        "last_assessment_id": base_id + count,
    }
    log(
        f"synthetic: wrote {count:,} synthetic assessments ({totals['submitted']:,} submitted, "
        f"{totals['reassessments']:,} of them re-assessments, {totals['drafts']:,} drafts) for "
        f"{totals['organisations']:,} synthetic organisations, {totals['answers']:,} answers, "
        f"{totals['scores']:,} scores and {totals['regions']:,} fact values (regions) on {stats['dialect']} "
        f"in {stats['seconds']} s "
        f"({stats['rows_per_second']:,} rows/s while loading; {len(pool):,} distinct answer sets)"
    )
    log(f"synthetic: {SYNTHETIC_NOTE}; 0 rows without it")
    return stats


def _load(
    writer: Writer,
    ctx: Context,
    pool: list[PoolEntry],
    the_plan: Plan,
    base_org: int,
    base_id: int,
    seed: int,
    batch: int,
    rng: random.Random,
    totals: dict[str, int],
    log: Callable[[str], None],
) -> None:
    count = len(the_plan.times)
    model = ctx.model
    yes, no = writer.true, writer.false
    suffix = writer.timestamp_suffix
    org_of = array("l", [0]) * count
    facts_of: dict[int, Answers] = {}  # only for first submissions that will be re-assessed
    fact_json: dict[str, dict[Any, str]] = {item.id: {} for item in model.facts}

    def as_json(key: str, value: Any) -> str:
        """The stored JSON of a fact answer (cached: a few distinct values each)."""
        cache_key = tuple(value) if isinstance(value, list) else value
        if cache_key not in fact_json[key]:
            fact_json[key][cache_key] = json.dumps(value)
        return fact_json[key][cache_key]

    assessment_columns = (*ASSESSMENT_COLUMNS, *(column for _key, column in ctx.fact_columns))
    last_page = ctx.page_ids[-1]
    next_org = base_org
    pool_size = len(pool)
    end = min(datetime.now(UTC), END_CAP)
    end_seconds = (end - START).total_seconds()
    report_every = max(batch, (count // 10) // batch * batch)

    start_naive = START.replace(tzinfo=None)  # UTC, stored the way SQLAlchemy stores it

    def stamp(seconds: float) -> str:
        moment = start_naive + timedelta(seconds=min(seconds, end_seconds))
        return moment.isoformat(sep=" ", timespec="microseconds") + suffix

    for first in range(0, count, batch):
        organisations: list[tuple[Any, ...]] = []
        assessments: list[tuple[Any, ...]] = []
        fact_rows: dict[str, list[tuple[Any, ...]]] = {table: [] for _key, table, _column in ctx.fact_tables}
        scores: list[tuple[Any, ...]] = []
        answers: list[tuple[Any, ...]] = []
        for i in range(first, min(first + batch, count)):
            aid = base_id + i + 1
            created = the_plan.times[i]
            previous = the_plan.previous[i]
            is_draft = the_plan.draft[i]
            if previous >= 0:
                org_id = org_of[previous]
                facts = facts_of.pop(previous)
            else:
                next_org += 1
                org_id = next_org
                facts = model.draw_facts(rng)
                organisations.append((org_id, stamp(created), yes))
            org_of[i] = org_id
            if the_plan.followed[i]:
                facts_of[i] = facts
            entry = pool[rng.randrange(pool_size)]
            if is_draft:
                submitted = None
                updated = stamp(created + rng.uniform(60, 3 * 86400))
                page = rng.choice(ctx.page_ids)
                revision = rng.randint(1, 8)
            else:
                gap = rng.expovariate(1 / 7200) if rng.random() < 0.65 else rng.uniform(86400, 14 * 86400)
                submitted = updated = stamp(created + 300 + gap)
                scores.extend((aid, dimension, score) for dimension, score in entry.scores)
                page = last_page
                revision = rng.randint(9, 20)
            assessments.append(
                (
                    aid,
                    org_id,
                    hashlib.sha256(f"perf-synthetic:{seed}:{aid}".encode()).hexdigest(),
                    "draft" if is_draft else "submitted",
                    ctx.questionnaire_version,
                    ctx.rubric_version,
                    "fr" if rng.random() < FRENCH_SHARE else "en",
                    page,
                    None,
                    revision,
                    base_id + previous + 1 if previous >= 0 else None,
                    "null",
                    yes,
                    no if is_draft or the_plan.followed[i] else yes,
                    stamp(created),
                    updated,
                    submitted,
                    *(facts.get(key) for key, _column in ctx.fact_columns),
                )
            )
            for key, table, _column in ctx.fact_tables:
                fact_rows[table].extend((aid, value) for value in facts.get(key, ()))
            answers.extend((aid, key, value, updated) for key, value in entry.stored)
            answers.extend((aid, key, as_json(key, value), updated) for key, value in facts.items())
            totals["drafts" if is_draft else "submitted"] += 1
        writer.write("organisation", ORGANISATION_COLUMNS, organisations)
        writer.write("assessment", assessment_columns, assessments)
        for (_key, table, column), rows in zip(ctx.fact_tables, fact_rows.values(), strict=True):
            writer.write(table, ("assessment_id", column), rows)
        writer.write("assessment_score", SCORE_COLUMNS, scores)
        writer.write("answer", ANSWER_COLUMNS, answers)
        writer.commit()
        totals["organisations"] += len(organisations)
        totals["assessments"] += len(assessments)
        totals["regions"] += sum(len(rows) for rows in fact_rows.values())
        totals["scores"] += len(scores)
        totals["answers"] += len(answers)
        done = first + len(assessments)
        if done % report_every == 0 and done < count:
            log(f"synthetic: {done:,} / {count:,} synthetic assessments written")


# --------------------------------------------------------------------------- fresh databases


def reset_database(url: str) -> None:
    """Start from an empty database: delete a SQLite file, or drop PostgreSQL's public schema.

    Destructive: only for the benchmarks' own throwaway databases.
    """
    engine = sa.create_engine(absolute_url(url))
    try:
        if engine.dialect.name == "sqlite":
            database = engine.url.database
            if database and database != ":memory:":
                for suffix in ("", "-wal", "-shm"):
                    Path(database + suffix).unlink(missing_ok=True)
                Path(database).parent.mkdir(parents=True, exist_ok=True)
        else:
            with engine.begin() as connection:
                connection.execute(sa.text("DROP SCHEMA public CASCADE"))
                connection.execute(sa.text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], prog="python -m perf.generate")
    parser.add_argument("--url", required=True, help="database URL (sqlite:///… or postgresql+psycopg://…)")
    parser.add_argument("--count", type=int, required=True, help="number of synthetic assessments to append")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--batch", type=int, default=BATCH_ASSESSMENTS, help="assessments per transaction")
    parser.add_argument("--pool", type=int, default=POOL_SIZE, help="distinct answer sets to draw and score")
    parser.add_argument("--fresh", action="store_true", help="empty the database first (DESTRUCTIVE)")
    parser.add_argument("--json", action="store_true", help="print the statistics as JSON on the last line")
    args = parser.parse_args(list(argv) if argv is not None else None)
    print(f"synthetic: generating {args.count:,} synthetic assessments ({SYNTHETIC_NOTE})", flush=True)
    if args.fresh:
        reset_database(args.url)

    def log(message: str) -> None:
        print(message, flush=True)

    stats = generate(args.url, args.count, args.seed, args.batch, args.pool, log)
    if args.json:
        print(json.dumps(stats), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
