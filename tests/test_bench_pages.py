"""Benchmark 1's pure parts and its load generator (perf/procstat.py, perf/loadgen.py, perf/bench_pages.py).

* worker CPU is read from ``/proc/<pid>/stat``, whose process name may hold spaces and parentheses,
  and the workers are found as the children of the gunicorn master;
* latency at a fixed rate is measured from each request's scheduled time, so a stall shows in every
  request due during it (no coordinated omission);
* the draft saves the load generator makes carry the page's CSRF token and the session cookie: the
  real app, CSRF on, answers them 302 (and 400 without the token).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from flask import Flask

from benchmark.store import assessments as services
from perf import procstat
from perf.bench_pages import derive, targets
from perf.loadgen import Browser, Get, Response, Run, fell_behind, fixed_rate, latency_summary, percentile, prime
from perf.run import render_pages
from tests.factories import LiveServer

T = TypeVar("T")


def in_own_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine in a thread of its own (the browser tests leave Playwright's loop running in this one)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def stat_line(pid: int, comm: str, ppid: int, utime: int, stime: int) -> str:
    """A /proc/<pid>/stat line as Linux writes it (52 fields)."""
    fields = ["S", str(ppid), *["0"] * 9, str(utime), str(stime), *["0"] * 37]
    return f"{pid} ({comm}) " + " ".join(fields) + "\n"


def test_a_stat_line_is_parsed_whatever_the_process_name() -> None:
    name = "gunicorn: worker [perf (x) y) z]"
    stat = procstat.parse_stat(stat_line(4242, name, 4200, 1234, 56))
    assert (stat.pid, stat.comm, stat.ppid, stat.utime, stat.stime) == (4242, name, 4200, 1234, 56)
    assert stat.ticks == 1290
    with pytest.raises(ValueError, match="not a /proc"):
        procstat.parse_stat("4242 gunicorn S 1")


def test_this_process_stat_agrees_with_the_os() -> None:
    sum(i * i for i in range(300_000))  # some CPU to read
    stat = procstat.read_stat(os.getpid())
    times = os.times()
    assert stat is not None
    assert (stat.pid, stat.ppid) == (os.getpid(), os.getppid())
    assert abs(stat.utime / procstat.CLOCK_TICKS - times.user) <= 0.05
    assert abs(stat.stime / procstat.CLOCK_TICKS - times.system) <= 0.05


def test_the_workers_are_the_children_of_the_master(tmp_path: Path) -> None:
    processes = {
        100: stat_line(100, "gunicorn: master [app]", 1, 500, 50),
        101: stat_line(101, "gunicorn: worker [app (1)]", 100, 300, 20),
        102: stat_line(102, "gunicorn: worker [app (2)]", 100, 200, 10),
        200: stat_line(200, "python (100)", 1, 999, 999),  # "100" in its name, not its parent
    }
    for pid, line in processes.items():
        (tmp_path / str(pid)).mkdir()
        (tmp_path / str(pid) / "stat").write_text(line)
    (tmp_path / "300").mkdir()  # gone before its stat was read
    (tmp_path / "self").mkdir()
    assert procstat.children(100, tmp_path) == [101, 102]
    before = procstat.worker_ticks(100, tmp_path)
    assert before == {101: 320, 102: 210}
    after = {101: 320 + procstat.CLOCK_TICKS, 102: 210 + procstat.CLOCK_TICKS // 2}
    assert procstat.cpu_seconds_between(before, after) == pytest.approx(1.5)
    with pytest.raises(RuntimeError, match="workers changed"):
        procstat.cpu_seconds_between(before, {101: 400, 103: 0})


def test_latency_is_measured_from_the_scheduled_time() -> None:
    scheduled = [i * 0.01 for i in range(100)]
    completed = [due + 0.002 for due in scheduled]
    for i in range(20, 30):  # the server stalls from 0.20 s to 0.50 s: these ten wait for it
        completed[i] = 0.5
    summary = latency_summary(scheduled, completed)
    assert summary["p50_ms"] == pytest.approx(2.0)
    assert summary["p99_ms"] == pytest.approx(290.0)  # the 99th of 100: the second-longest wait
    assert summary["max_ms"] == pytest.approx(300.0)
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 50) == 3.0
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 99) == 5.0
    with pytest.raises(ValueError, match="one completion time"):
        latency_summary(scheduled, completed[:-1])


class Slow:
    """An action whose first request takes 0.2 s and the others none (no server needed)."""

    requests = 1
    label = "slow"

    def __init__(self) -> None:
        self.calls = 0

    async def prime(self, browser: Browser) -> None:
        return None

    async def timed(self, browser: Browser) -> Response:
        self.calls += 1
        await asyncio.sleep(0.2 if self.calls == 1 else 0)
        return Response(200, [], b"")

    async def after(self, browser: Browser) -> None:
        return None


def test_a_run_whose_queue_grows_fell_behind() -> None:
    """The last quarter's median over 3× the first's (+ 5 ms): the server did not keep up with the rate."""
    growing = [0.010 + i * 0.002 for i in range(200)]  # each request waits 2 ms longer than the one before
    steady = [0.010 + (i % 7) * 0.003 for i in range(200)]
    assert fell_behind(Run(latencies=growing).summary(1)["p50_ms_by_quarter"])
    assert not fell_behind(Run(latencies=steady).summary(1)["p50_ms_by_quarter"])
    assert not fell_behind(Run(latencies=[5.0] * 7).summary(1)["p50_ms_by_quarter"])  # too few to tell


def test_a_request_due_during_a_stall_counts_its_wait() -> None:
    """One browser, 50 requests a second: those due while the first is stuck wait for it, and it shows."""
    run = in_own_loop(fixed_rate(Slow(), [Browser(0)], rate=50, seconds=0.4, expect=200))
    assert run.actions == 20
    assert run.latencies[0] >= 0.19
    assert run.latencies[1] >= 0.15  # due at 0.02 s, sent after 0.2 s: a closed-loop client would say ~0
    assert min(run.latencies[-5:]) < 0.05  # the backlog is gone by the end
    assert run.errors == 0


def test_the_benchmark_draft_saves_carry_the_csrf_token_and_the_cookie(csrf_app: Flask) -> None:
    """The benchmark's own save action, against the real app with CSRF on: 302s, and the answers saved."""
    with csrf_app.app_context():
        questionnaire = csrf_app.extensions["content"].questionnaire
        drafts = [services.start_assessment(questionnaire, "en", None, synthetic=True)[1] for _ in range(2)]
    probes = {"get_token": drafts[0], "results_token": "x", "workshop_id": 1}
    _label, save, expect = targets(probes)["save"]
    assert expect == 302
    with LiveServer(csrf_app) as server:
        browsers = [Browser(server.port) for _ in drafts]
        for browser, token in zip(browsers, drafts, strict=True):
            browser.draft = token
        in_own_loop(prime(save, browsers))
        assert all("csrf_token" in b.fields and "session" in b.cookies for b in browsers)
        run = in_own_loop(fixed_rate(save, browsers, rate=20, seconds=0.3, expect=302))
        assert run.statuses == {302: 6} and run.errors == 0
        # The same post without the token is refused: the 302s above are CSRF checked.
        browser = browsers[0]
        form = {k: v for k, v in browser.fields.items() if k != "csrf_token"}
        path = f"/en/assessment/{browser.draft}/importance"
        refused = in_own_loop(browser.post(path, {**form, "q1": "7", "action": "save"}, referer=path))
        assert refused.status == 400
        # And a GET carries the browser's headers: the page comes back compressed.
        page = in_own_loop(Get(path).timed(browser))
        assert page.header("Content-Encoding") == "gzip" and "csrf_token" in page.text()
    with csrf_app.app_context():
        for token, browser in zip(drafts, browsers, strict=True):
            assessment = services.find_by_token(token)
            assert assessment is not None
            assert assessment.answer_map()["q1"] == browser.count % 11


def saturated(per_s: float, cpu_ms: float) -> dict[str, object]:
    return {"actions_per_s": per_s, "cpu_ms_per_action": cpu_ms, "requests": int(per_s * 3), "workers_busy": 0.5}


def fixed(p50: float, p99: float) -> dict[str, object]:
    quarters = [p50, p50, p50, p50]
    return {
        "p50_ms": p50,
        "p99_ms": p99,
        "max_ms": p99,
        "requests": 300,
        "send_lag_max_ms": 1.0,
        "p50_ms_by_quarter": quarters,
    }


def test_the_ratios_and_the_save_alone_reach_results_md() -> None:
    """Each round's ratio against its own hello-world runs; the median round's figures; the save minus its GET."""
    # hello, page, hello, save, hello, page, … : one list of hello-world runs, as measure() makes it.
    hello = [saturated(2000, 0.30), saturated(1800, 0.20), saturated(1900, 0.25)]
    hello += [saturated(1000, 0.60), saturated(1000, 0.60), saturated(1900, 0.25), saturated(1900, 0.25)]
    page_runs = [saturated(200, 4.0), saturated(100, 12.0), saturated(210, 5.0)]  # the second round is noisy
    save_runs = [saturated(50, 10.0), saturated(20, 30.0), saturated(45, 9.5)]
    results: dict[str, Any] = {
        "page": {"label": "First page", "path": "/p", "rounds": []},
        "save": {"label": "Draft save", "path": "/s", "rounds": []},
    }
    for index, (page, save) in enumerate(zip(page_runs, save_runs, strict=True)):
        for offset, (entry, run) in enumerate(((results["page"], page), (results["save"], save))):
            before, after = hello[2 * index + offset], hello[2 * index + offset + 1]
            entry["rounds"].append({"saturated": run, "hello_before": before, "hello_after": after})
    for entry in results.values():
        entry["fixed"] = {"rate": 100.0, "seconds": 3, "kept_up": True, "earlier_attempts": []}
        entry["fixed"].update(page=fixed(10.0, 40.0), hello=fixed(1.0, 8.0))
    derive(results)
    page, save = results["page"], results["save"]
    assert page["cpu_ratio_rounds"] == [round(0.25 / 4.0, 4), round(0.425 / 12.0, 4), round(0.425 / 5.0, 4)]
    # The median round is the first: its run and its hello-world runs are the ones shown.
    assert page["cpu_ratio"] == pytest.approx(0.25 / 4.0, abs=1e-4)
    assert page["saturated"] is page_runs[0] and page["cpu_ms"] == 4.0
    # The save alone: each round's save and reload minus that round's page GET (10 - 4, 30 - 12, 9.5 - 5).
    assert save["cpu_ms_rounds"] == [6.0, 18.0, 4.5]
    assert save["cpu_ratio_rounds"] == [round(0.225 / 6.0, 4), round(0.6 / 18.0, 4), round(0.25 / 4.5, 4)]
    assert save["cpu_ratio"] == pytest.approx(0.225 / 6.0, abs=1e-4)  # the middle of 3.75 %, 3.33 % and 5.56 %
    assert save["cpu_ms"] == pytest.approx(6.0)
    assert save["cpu_ms_save_and_reload"] == 10.0
    assert save["p99_ratio"] == 5.0
    report = {
        "settings": {
            "gunicorn_workers": 2,
            "worker_class": "sync",
            "dataset": 1000,
            "connections": 10,
            "seconds": 1,
            "rounds": 3,
            "fixed_fraction": 0.5,
            "browsers": 30,
        },
        "targets": results,
        "hello_runs": hello,
        "date": "2026-12-07 04:00 UTC",
        "seconds": 150,
    }
    text = "\n".join(render_pages(report))
    assert "| First page | 4.00 | 0.25 (0.30, 0.20) | 6.2% | 6.2%, 3.5%, 8.5% |" in text
    assert "| Draft save | 6.00 | 0.23 (0.20, 0.25) | 3.8% | 3.8%, 3.3%, 5.6% |" in text
    assert "The sequence is made 3 times; a page's ratio is the median of its rounds'" in text
    assert "| 1.0, 8.0 | 5.00× | 300 | 1.0 | yes (10.0, 10.0, 10.0, 10.0) | **no** |" in text
    assert "its run (10.00 ms per save in the round shown, a POST and a reload of the page) minus one GET" in text
    old_format = {"settings": {}, "targets": {"a_hello": {}}}  # wrk, CSRF off: not shown as if comparable
    assert "Not measured" in "\n".join(render_pages(old_format))
