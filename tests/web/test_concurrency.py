"""Concurrent saves and submits against a live, threaded server (SQLite here, PostgreSQL in `make test`'s second phase).

(a) Two tabs of one draft save different pages at the same time, many times: every acknowledged
    (302) answer is there at the end, and the organisation facts copied from the answers
    (size band, provinces) agree with them.
(b) Two tabs save the same page at the same time: the stored value is one the server acknowledged,
    and every acknowledged save counted once (the revision counter lost none).
(c) 30 concurrent submits of one draft: exactly one 302 to the confirmation, the others 409
    (or a redirect to the confirmation); the draft is submitted once.

No request may answer 5xx.  CSRF protection is off here (as in the other web tests): this is about
the database, and tokens are tested in tests/web/test_hostile_input.py and test_bad_input.py.
"""

from __future__ import annotations

import http.client
import itertools
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask

from benchmark.store import assessments as services
from tests.factories import LiveServer, make_app, reset

DRAFTS = 6  # drafts in (a) and (b): 2 tabs each, so 2 × DRAFTS threads
SAVES_PER_TAB = 12
SUBMITTERS = 30
SUBMIT_DRAFTS = 2
TIMEOUT = 60

SIZES = ["1_5", "6_10", "11_20", "21_50", "51_plus"]
REGION_SETS = [["on"], ["on", "qc"], ["bc"], ["ab", "mb", "nb"], ["nl"]]
Q4_SETS = [["shared_roles"], ["contractor"], ["volunteers", "shared_service"], ["permanent_inhouse"]]


@pytest.fixture
def live(database_url: str, _schema: None) -> Iterator[tuple[Flask, LiveServer]]:
    app = make_app(database_url)
    with LiveServer(app) as server:
        yield app, server
    reset(app)


def post(port: int, path: str, fields: list[tuple[str, str]]) -> tuple[int, str]:
    """POST a form without following redirects: (status, Location)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        body = urlencode(fields)
        connection.request("POST", path, body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location") or ""
    finally:
        connection.close()


def start_draft(app: Flask, answers: dict[str, Any] | None = None) -> str:
    with app.app_context():
        assessment, token = services.start_assessment(app.extensions["content"].questionnaire, "en", None)
        if answers:
            services.save_answers(assessment, answers, "organisation")
    return token


def stored(app: Flask, token: str) -> dict[str, Any]:
    with app.app_context():
        assessment = services.find_by_token(token)
        assert assessment is not None
        return {
            "answers": assessment.answer_map(),
            "revision": assessment.revision,
            "status": assessment.status,
            "size_band": assessment.size_band,
            "regions": sorted(r.region for r in assessment.regions),
            "is_latest": assessment.is_latest,
            "submitted_at": assessment.submitted_at,
        }


@dataclass
class Tally:
    """What the clients saw."""

    tried: int = 0
    acknowledged: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, path: str, status: int) -> None:
        with self.lock:
            self.tried += 1
            self.statuses[status] += 1
            if status == 302:
                self.acknowledged += 1
            if status >= 500:
                self.server_errors.append(f"POST {path} -> {status}")


def run_together(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run the jobs in as many threads, released at the same moment."""
    barrier = threading.Barrier(len(jobs))

    def released(job: Callable[[], Any]) -> Any:
        barrier.wait(timeout=TIMEOUT)
        return job()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(released, jobs))


def test_two_tabs_saving_different_pages_lose_nothing(live: tuple[Flask, LiveServer]) -> None:
    app, server = live
    tally = Tally()
    tokens = [start_draft(app) for _draft in range(DRAFTS)]

    def organisation_tab(token: str) -> dict[str, Any]:
        last: dict[str, Any] = {}
        for save, (size, regions) in enumerate(zip(itertools.cycle(SIZES), itertools.cycle(REGION_SETS))):
            if save == SAVES_PER_TAB:
                break
            fields = [("q23", "yes_current"), ("q25", size), *(("q26", r) for r in regions), ("action", "save")]
            path = f"/en/assessment/{token}/organisation"
            status, _location = post(server.port, path, fields)
            tally.record(path, status)
            if status == 302:
                last = {"q23": "yes_current", "q25": size, "q26": regions}
        return last

    def other_tab(token: str) -> dict[str, Any]:
        last: dict[str, Any] = {}
        for save in range(SAVES_PER_TAB):
            q1 = str(save % 11)
            q4 = Q4_SETS[save % len(Q4_SETS)]
            for page, fields, answer in (
                ("importance", [("q1", q1)], {"q1": int(q1)}),
                ("capacity-communication", [("q4", v) for v in q4], {"q4": q4}),
            ):
                path = f"/en/assessment/{token}/{page}"
                status, _location = post(server.port, path, [*fields, ("action", "save")])
                tally.record(path, status)
                if status == 302:
                    last.update(answer)
        return last

    jobs: list[Callable[[], Any]] = []
    for token in tokens:
        jobs += [lambda t=token: organisation_tab(t), lambda t=token: other_tab(t)]
    results = run_together(jobs)

    lost: list[str] = []
    facts_wrong: list[str] = []
    for number, token in enumerate(tokens):
        acknowledged = {**results[2 * number], **results[2 * number + 1]}
        row = stored(app, token)
        for key, value in acknowledged.items():
            if row["answers"].get(key) != value:
                lost.append(f"draft {number} {key}: acknowledged {value!r}, stored {row['answers'].get(key)!r}")
        if row["size_band"] != row["answers"].get("q25") or row["regions"] != sorted(row["answers"].get("q26", [])):
            facts_wrong.append(f"draft {number}: size {row['size_band']} regions {row['regions']} vs {row['answers']}")
    print(
        f"\nConcurrency (a) different pages: {tally.tried} concurrent saves tried, {tally.acknowledged} acknowledged, "
        f"statuses {dict(tally.statuses)}, updates lost {len(lost)}, facts out of step {len(facts_wrong)}"
    )
    assert tally.server_errors == [], tally.server_errors[:10]
    assert tally.acknowledged == tally.tried, dict(tally.statuses)
    assert lost == [], "\n".join(lost)
    assert facts_wrong == [], "\n".join(facts_wrong)


def test_two_tabs_saving_the_same_page_keep_an_acknowledged_value(live: tuple[Flask, LiveServer]) -> None:
    app, server = live
    tally = Tally()
    tokens = [start_draft(app) for _draft in range(DRAFTS)]
    initial = {token: stored(app, token)["revision"] for token in tokens}

    def tab(token: str, values: list[str]) -> list[tuple[str, list[str]]]:
        acknowledged = []
        for save in range(SAVES_PER_TAB):
            q1, q5 = values[save % len(values)], [["fundraising"], ["inform_clients", "announce_events"]][save % 2]
            path = f"/en/assessment/{token}/importance"
            fields = [("q1", q1), ("action", "save")]
            if save % 3 == 2:  # now and then the other page too, from the same tab
                path = f"/en/assessment/{token}/capacity-communication"
                fields = [*(("q5", v) for v in q5), ("action", "save")]
            status, _location = post(server.port, path, fields)
            tally.record(path, status)
            if status == 302:
                acknowledged.append((q1, q5) if "importance" in path else ("", q5))
        return acknowledged

    jobs: list[Callable[[], Any]] = []
    for token in tokens:
        jobs += [lambda t=token: tab(t, ["1", "3", "5"]), lambda t=token: tab(t, ["2", "4", "6", "8"])]
    results = run_together(jobs)

    wrong: list[str] = []
    for number, token in enumerate(tokens):
        saves = results[2 * number] + results[2 * number + 1]
        row = stored(app, token)
        q1_values = {int(q1) for q1, _q5 in saves if q1}
        q5_values = [q5 for q1, q5 in saves if not q1]
        if row["answers"].get("q1") not in q1_values:
            wrong.append(f"draft {number}: q1 {row['answers'].get('q1')} not among acknowledged {sorted(q1_values)}")
        if q5_values and row["answers"].get("q5") not in q5_values:
            wrong.append(f"draft {number}: q5 {row['answers'].get('q5')} not among acknowledged")
        if row["revision"] != initial[token] + len(saves):
            wrong.append(f"draft {number}: revision {row['revision']}, expected {initial[token] + len(saves)}")
    print(
        f"\nConcurrency (b) same page: {tally.tried} concurrent saves tried, {tally.acknowledged} acknowledged, "
        f"statuses {dict(tally.statuses)}, final values or counts wrong {len(wrong)}"
    )
    assert tally.server_errors == [], tally.server_errors[:10]
    assert tally.acknowledged == tally.tried, dict(tally.statuses)
    assert wrong == [], "\n".join(wrong)


def test_concurrent_submits_submit_once(live: tuple[Flask, LiveServer]) -> None:
    app, server = live
    required = {"q23": "yes_current", "q25": "6_10", "q26": ["on"], "q1": 7}
    outcomes: Counter[str] = Counter()
    server_errors: list[str] = []
    for _draft in range(SUBMIT_DRAFTS):
        token = start_draft(app, required)
        path = f"/en/assessment/{token}/review"
        results = run_together([lambda p=path: post(server.port, p, [])] * SUBMITTERS)
        statuses = Counter(status for status, _location in results)
        to_done = sum(1 for status, location in results if status in {302, 303} and location.endswith("/done"))
        elsewhere = [(s, loc) for s, loc in results if s in {302, 303} and not loc.endswith("/done")]
        server_errors += [f"{path} -> {status}" for status, _location in results if status >= 500]
        row = stored(app, token)
        outcomes.update(statuses)
        # Exactly one winner: the only 302 that follows the submit (a late request may still see the
        # draft as submitted before its own UPDATE and answer 409; none may succeed twice).
        assert to_done == 1, statuses
        assert elsewhere == [], elsewhere
        assert statuses[409] == SUBMITTERS - 1, statuses
        assert row["status"] == "submitted" and row["is_latest"] and row["submitted_at"] is not None
        assert row["answers"]["q25"] == "6_10"
    print(
        f"\nConcurrency (c) submits: {SUBMIT_DRAFTS} drafts × {SUBMITTERS} concurrent submits, "
        f"statuses {dict(outcomes)} (one 302 each, the rest 409)"
    )
    assert server_errors == []
