"""Summary counts, maintained in the transaction of every change they depend on.

Why: peer comparisons, the sector dashboard, cohort views and the API used to aggregate
over every assessment on every request, so their time and memory grew with the data
(10,000 → 1,000,000 assessments cost 107–179×; perf/RESULTS.md).  Each row of
``summary_count`` counts assessments under one key, so every page reads a few hundred
rows whatever the size of the pool.

What is counted (the *metric* of a row; every key starts with the pool, real or synthetic):

=============== ===================================== =========================================
metric          counts                                 grouped by
=============== ===================================== =========================================
started         every assessment, drafts included      month created; size, funding, region
submitted       every submission                       month submitted; size, funding, region
reassessed      submissions taken again                month submitted
score           every submission's component score     month submitted × dimension × score
latest_score    each organisation's latest submission  all/size/funding/region/size_reg ×
                                                       dimension × rubric version × score
answered        latest submissions answering a key     answer key ("I don't know" alone is not
                                                       an answer, as in scoring)
chosen          latest submissions choosing an option  answer key × option
=============== ===================================== =========================================

The groupings other than ``month`` and ``all`` are the questionnaire's (``fact: {grouping: …}``
of q23, q25, q26; :mod:`benchmark.store.facts`): a new grouping question is counted without a
change here.  A *combined* grouping (``combined_groupings``: ``size_reg``, size and region) counts
``latest_score`` under one key per pair of its facts' values (``6_10.qc``; one per province or
territory), recounted by its own query (:func:`.recount.recount_combined`).

How it stays right: every state change goes through :mod:`benchmark.store.assessments`,
inside :func:`tracking` (:mod:`.tracking`), which reads what the rows it changes count for
before and after the change, as stored (:func:`contributions`), and applies the difference
with one upsert (``count = count + delta``, keys in sorted order so that concurrent
transactions lock rows in the same order).  :func:`recount` (:mod:`.recount`) counts
everything again with ``GROUP BY`` queries, a second implementation of the same definitions;
``flask summary check`` compares the two, ``flask summary rebuild`` replaces the stored counts
by a recount, and the test suite checks after every test that touches the database.

What is shown: figures never read the live counts.  They read the latest *release* of their
pool (:mod:`.releases`): a frozen copy of the counts, cut in the transaction of a change only
when ``RELEASE_MIN_CHANGES`` organisations changed since the previous release and
``RELEASE_INTERVAL_MINUTES`` have passed, so that reading the figures before and after one
organisation's change gives nothing away (time differencing).  Drafts' facts are not released
(``started`` by month only).

Modules: :mod:`.contributions` (what one row counts for), :mod:`.tracking` (applying a change),
:mod:`.releases` (cutting releases), :mod:`.recount` (from scratch), :mod:`.read` (for the
figures: :func:`read` from the latest release, :func:`read_live` for internal checks),
:mod:`.cli` (the commands).
"""

from benchmark.store.summary import releases
from benchmark.store.summary.cli import summary_command
from benchmark.store.summary.contributions import (
    KEY_COLUMNS,
    Facts,
    Key,
    contributions,
    counted,
    facts_of,
    groupings,
    month,
)
from benchmark.store.summary.read import read, read_live, read_release, released_at
from benchmark.store.summary.recount import mismatches, rebuild, recount, stored
from benchmark.store.summary.tracking import Tracker, apply, difference, tracking

__all__ = [
    "KEY_COLUMNS",
    "Facts",
    "Key",
    "Tracker",
    "apply",
    "contributions",
    "counted",
    "difference",
    "facts_of",
    "groupings",
    "mismatches",
    "month",
    "read",
    "read_live",
    "read_release",
    "released_at",
    "releases",
    "rebuild",
    "recount",
    "stored",
    "summary_command",
    "tracking",
]
