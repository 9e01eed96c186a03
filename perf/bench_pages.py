"""Benchmark 1: the main pages as browsers ask for them, under gunicorn, against hello-world.

    python -m perf.bench_pages [--rounds 3] [--seconds 1] [--connections 10] [--fraction 0.5]
                               [--out perf/out/bench_pages.json]

Two gunicorn servers side by side on 127.0.0.1 (2 sync workers each, no access log; an idle
one costs nothing): ``perf/hello.py``, a hello-world Flask app (the reference), and the real
app (``perf/wsgi_bench.py``: production settings, **CSRF protection on**, rate limits on, a
fresh SQLite database upgraded with the migrations holding 1,000 synthetic assessments, the
probes of ``perf.common.make_probes``, ``DATA_POOL=synthetic``).

Every request is what a browser sends (``perf/loadgen.py``): ``Accept-Encoding: gzip, deflate,
br``, ``Accept-Language``, the cookies the app set (each virtual browser keeps its own). The
pages: ``home`` ``/en/``, ``start`` ``/en/assessment/``, ``page`` the first questionnaire page,
``save`` a draft save (the browser POSTs the hidden fields, CSRF token included, of the page it
loaded, with a new answer: 302; then loads the page again for the next form), ``results`` a
results page with peers, ``live`` the facilitator's live view of a workshop with 50 participants
and ``live_fragment`` its refresh fragment ``/en/workshops/<id>/live`` (the facilitator's cookie).

1. **Saturation and CPU per request, in rounds.**  ``--connections`` browsers act back to back
   for ``--seconds``; each page's run sits between two runs of hello-world (hello, page 1, hello,
   page 2, …, hello), so each page is compared with the reference measured just before and just
   after it on this shared machine.  The whole sequence is made ``--rounds`` times (3), so each
   page is measured in three moments spread over the benchmark rather than in one.  **CPU per
   request** is the workers' user + system time read from ``/proc/<pid>/stat`` before and after
   the run (``perf/procstat.py``) over the requests answered; a round's ratio is hello-world's CPU
   per request (the mean of the runs before and after) over the page's: 0.45 means "45 % of
   hello-world".  The page's ratio is the **median of its rounds' ratios**, and every round's is
   reported beside it: a second in which the machine's other jobs took the caches moves one round,
   not the figure.  For ``save`` the run's CPU covers the POST and the reload of the page; the
   POST's own CPU is that minus one ``page`` GET (measured in its own run of the same round), and
   the requests/s are saves a second.  The load generator shares the 2 cores with the servers,
   so requests/s are bounded by it for hello-world: the CPU figures are the measure, requests/s
   stand beside them.
2. **p99 at a fixed rate below saturation.** Right after each page's saturated run of the last
   round and the hello-world run that follows it (so that the rate is taken from the machine's
   state of that minute), an open-loop run at ``--fraction`` (50 %) of that page's saturated rate
   (the median of its rounds), then hello-world at **the same absolute rate**: the same traffic
   on both servers, so the p99 ratio says how much longer a visitor waits for this page than for
   a page that costs the stack nothing, at a traffic the server handles (at the same *fraction*
   of each one's own ceiling the ratio would again restate the throughput, which is the flaw of a
   p99 measured at saturation). Latency runs from each request's scheduled time to the end of its
   response, so a stall is not hidden by a client that waited (coordinated omission). Each run
   lasts long enough for ``FIXED_REQUESTS`` requests, within ``FIXED_MIN_SECONDS`` and
   ``FIXED_MAX_SECONDS``. A run whose latency kept growing (the last quarter's median over 3× the
   first's + 5 ms: the machine's other jobs took the cores and a queue built) is made once more,
   and the report says whether the last one kept up.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

from perf import procstat
from perf.common import (
    FACILITATOR_EMAIL,
    OUT_DIR,
    PROJECT_ROOT,
    build_assets,
    compile_catalogues,
    environment_summary,
    make_app,
    make_probes,
    sign_in,
)
from perf.generate import SYNTHETIC_NOTE, generate, reset_database
from perf.loadgen import Action, Browser, Get, Run, Save, fell_behind, fixed_rate, prime, saturate

WORKERS = 2
DATASET = 1_000
BROWSERS = 30  # per page; the first --connections of them make the closed-loop runs
WARM_UP_SECONDS = 1.0
FIXED_REQUESTS = 300
FIXED_MIN_SECONDS = 3.0
FIXED_MAX_SECONDS = 6.0
FIXED_ATTEMPTS = 2
PAGES = ("home", "start", "page", "save", "results", "live", "live_fragment")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def gunicorn_version() -> tuple[int, ...]:
    import gunicorn

    return tuple(gunicorn.version_info)


class Gunicorn:
    """A gunicorn server on loopback, started and stopped by this process only."""

    def __init__(self, app: str, env: dict[str, str], ready_path: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        command = [gunicorn, "--workers", str(WORKERS), "--bind", f"127.0.0.1:{self.port}", app]
        if gunicorn_version() >= (25, 1):  # no shared ~/.gunicorn/gunicorn.ctl with other servers on the machine
            command.insert(1, "--no-control-socket")
        self.log = (OUT_DIR / f"gunicorn-{app.split(':')[0].replace('.', '-')}.log").open("w")
        self.process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env={**os.environ, **env}, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.base + ready_path, timeout=5) as response:  # noqa: S310 - loopback
                    if response.status == 200 and len(procstat.children(self.process.pid)) == WORKERS:
                        break
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gunicorn {app} did not start; see {self.log.name}")
            time.sleep(0.2)

    def workers(self) -> dict[int, int]:
        """CPU ticks of each worker now."""
        return procstat.worker_ticks(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def prepare(url: str, log: Any) -> dict[str, Any]:
    """Fresh database with the migrations, synthetic data and probes; the facilitator's cookie."""
    reset_database(url)
    stats = generate(url, DATASET, log=lambda message: None)
    log(f"  database: {stats['assessments']:,} synthetic assessments generated")
    app = make_app(url)
    with app.app_context():
        probes = make_probes(drafts=BROWSERS + 1)
        from benchmark.extensions import db

        db.session.remove()
        db.engine.dispose()
    client = app.test_client()
    sign_in(client, FACILITATOR_EMAIL)
    cookie = client.get_cookie("session")
    if cookie is None:
        raise RuntimeError("no session cookie after sign-in")
    return {
        "get_token": probes.draft_tokens[0],
        "save_tokens": probes.draft_tokens[1:],
        "results_token": probes.results_token,
        "workshop_id": probes.workshop_id,
        "facilitator_cookie": cookie.value,
    }


def targets(probes: dict[str, Any]) -> dict[str, tuple[str, Action, int]]:
    """Each page: (label, action, status expected)."""
    live = f"/en/workshops/{probes['workshop_id']}"
    return {
        "home": ("Home page", Get("/en/"), 200),
        "start": ("Start page", Get("/en/assessment/"), 200),
        "page": ("First questionnaire page", Get(f"/en/assessment/{probes['get_token']}/importance"), 200),
        "save": ("Draft save (POST with CSRF token, 302)", Save("/en/assessment/{token}/importance"), 302),
        "results": ("Results page with peers", Get(f"/en/results/{probes['results_token']}"), 200),
        "live": ("Facilitator live view, 50 participants", Get(live), 200),
        "live_fragment": ("Live view's refresh fragment", Get(live + "/live"), 200),
    }


def browsers_for(key: str, port: int, probes: dict[str, Any]) -> list[Browser]:
    browsers = []
    for index in range(BROWSERS):
        cookies = {"session": probes["facilitator_cookie"]} if key.startswith("live") else None
        browser = Browser(port, cookies)
        if key == "save":
            browser.draft = probes["save_tokens"][index]
        browsers.append(browser)
    return browsers


async def with_cpu(server: Gunicorn, load: Awaitable[Run], requests_per_action: int) -> dict[str, Any]:
    """Run a load; its summary with the server's worker CPU over it (from /proc)."""
    before = server.workers()
    run = await load
    cpu_s = procstat.cpu_seconds_between(before, server.workers())
    summary = run.summary(requests_per_action)
    per_action = cpu_s / run.actions * 1000 if run.actions else None
    return {
        **summary,
        "send_lag_max_ms": round(run.send_lag_max * 1000, 2),
        "cpu_s": round(cpu_s, 3),
        "cpu_ms_per_action": None if per_action is None else round(per_action, 3),
        # How busy the workers were: near 1 the server's CPU is the limit, well below it something else is.
        "workers_busy": round(cpu_s / (run.seconds * WORKERS), 3) if run.seconds else None,
        "loadavg_1min": round(os.getloadavg()[0], 2),
    }


def _check(key: str, measured: dict[str, Any]) -> None:
    if measured["errors"]:
        raise RuntimeError(f"{key}: {measured['errors']} unexpected responses or errors ({measured['statuses']})")


async def measure(
    hello: Gunicorn, server: Gunicorn, probes: dict[str, Any], options: argparse.Namespace, log: Any
) -> dict[str, Any]:
    seconds, connections, fraction = options.seconds, options.connections, options.fraction
    hello_action = Get("/")
    hello_browsers = [Browser(hello.port) for _ in range(BROWSERS)]
    pages = {key: target for key, target in targets(probes).items() if key in options.pages}
    browsers = {key: browsers_for(key, server.port, probes) for key in pages}
    await prime(hello_action, hello_browsers)
    await saturate(hello_action, hello_browsers[:connections], WARM_UP_SECONDS, 200)
    for key, (_label, action, expect) in pages.items():  # cookies, forms, the workers' caches
        await prime(action, browsers[key])
        _check(key, (await saturate(action, browsers[key][:connections], WARM_UP_SECONDS, expect)).summary(1))

    async def reference() -> dict[str, Any]:
        run = await with_cpu(hello, saturate(hello_action, hello_browsers[:connections], seconds, 200), 1)
        _check("hello", run)
        return run

    async def fixed_part(key: str, action: Action, expect: int, saturated_rate: float) -> dict[str, Any]:
        """p99 at ``fraction`` of the saturated rate, then hello-world at the same rate."""
        rate = max(1.0, fraction * saturated_rate)
        duration = min(FIXED_MAX_SECONDS, max(FIXED_MIN_SECONDS, FIXED_REQUESTS / rate))
        attempts = []
        for _attempt in range(FIXED_ATTEMPTS):  # once more if the machine's other jobs made the queue grow
            page = await with_cpu(server, fixed_rate(action, browsers[key], rate, duration, expect), action.requests)
            _check(key, page)
            attempts.append(page)
            if not fell_behind(page["p50_ms_by_quarter"]):
                break
            log(f"  {key} at {rate:.1f}/s fell behind (p50 by quarter {page['p50_ms_by_quarter']} ms)")
        paired = await with_cpu(hello, fixed_rate(hello_action, hello_browsers, rate, duration, 200), 1)
        _check("hello", paired)
        return {
            "rate": round(rate, 1),
            "seconds": round(duration, 2),
            "page": page,
            "hello": paired,
            "kept_up": not fell_behind(page["p50_ms_by_quarter"]),
            "earlier_attempts": attempts[:-1],
        }

    results: dict[str, Any] = {
        key: {"label": label, "path": getattr(action, "path", ""), "rounds": []}
        for key, (label, action, _expect) in pages.items()
    }
    hello_runs = [await reference()]
    for round_number in range(1, options.rounds + 1):
        for key, (_label, action, expect) in pages.items():
            # hello, page, hello: CPU in alternation; in the last round, the fixed rate while the rate is fresh.
            load = saturate(action, browsers[key][:connections], seconds, expect)
            run = await with_cpu(server, load, action.requests)
            _check(key, run)
            hello_runs.append(await reference())
            before, after = hello_runs[-2:]
            results[key]["rounds"].append({"saturated": run, "hello_before": before, "hello_after": after})
            if round_number == options.rounds:
                rates = [each["saturated"]["actions_per_s"] for each in results[key]["rounds"]]
                results[key]["fixed"] = await fixed_part(key, action, expect, statistics.median(rates))
    derive(results)
    for key, entry in results.items():
        log(
            f"  {key}: {entry['rps']} /s, {entry['cpu_ms']} ms CPU each, {entry['cpu_ratio']:.1%} of hello-world "
            f"(rounds {', '.join(f'{ratio:.1%}' for ratio in entry['cpu_ratio_rounds'])}); at "
            f"{entry['fixed']['rate']}/s p99 {entry['fixed']['page']['p99_ms']} ms "
            f"(hello-world at the same rate: {entry['fixed']['hello']['p99_ms']} ms)"
        )
    return {"targets": results, "hello_runs": hello_runs}


def derive(results: dict[str, Any]) -> None:
    """CPU per request and the ratio to hello-world of each round, and their medians; the POST alone for ``save``.

    A round's ratio is hello-world's CPU per request (the mean of its runs before and after the
    page's) over the page's; the page's ratio is the median of its rounds'.  ``saturated``,
    ``hello_before`` and ``hello_after`` are those of the round whose ratio is that median (the
    lower middle one for an even number of rounds), so the table shows a run that was measured.
    For ``save`` each round's CPU is its run (a POST and a reload of the page) minus the ``page``
    GET's CPU in the same round.
    """
    for key, entry in results.items():
        figures = []
        for index, measured in enumerate(entry["rounds"]):
            run = measured["saturated"]
            before, after = measured["hello_before"], measured["hello_after"]
            hello_ms = (before["cpu_ms_per_action"] + after["cpu_ms_per_action"]) / 2
            cpu_ms = run["cpu_ms_per_action"]
            if key == "save" and "page" in results:  # else (--pages without page) the save and the reload
                cpu_ms -= results["page"]["rounds"][index]["saturated"]["cpu_ms_per_action"]
            figures.append((hello_ms / cpu_ms if cpu_ms > 0 else 0.0, cpu_ms, hello_ms, measured))
        ordered = sorted(figures, key=lambda figure: figure[0])
        ratio, cpu_ms, hello_ms, middle = ordered[(len(ordered) - 1) // 2]
        run = middle["saturated"]
        hello_rps = (middle["hello_before"]["actions_per_s"] + middle["hello_after"]["actions_per_s"]) / 2
        fixed = entry.get("fixed", {})
        p99, hello_p99 = fixed.get("page", {}).get("p99_ms"), fixed.get("hello", {}).get("p99_ms")
        if key == "save":
            entry["cpu_ms_save_and_reload"] = run["cpu_ms_per_action"]
        entry.update(
            saturated=run,
            hello_before=middle["hello_before"],
            hello_after=middle["hello_after"],
            cpu_ms=round(cpu_ms, 3),
            hello_cpu_ms=round(hello_ms, 3),
            cpu_ratio=round(ratio, 4) if cpu_ms > 0 else None,
            cpu_ratio_rounds=[round(figure[0], 4) for figure in figures],
            cpu_ms_rounds=[round(figure[1], 3) for figure in figures],
            rps=run["actions_per_s"],
            hello_rps=round(hello_rps, 1),
            rps_ratio=round(run["actions_per_s"] / hello_rps, 4) if hello_rps else None,
            p99_ratio=round(p99 / hello_p99, 2) if p99 and hello_p99 else None,
        )


def run(options: argparse.Namespace, log: Any) -> dict[str, Any]:
    started = time.monotonic()
    compile_catalogues()
    build_assets()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    database = OUT_DIR / "bench-pages.sqlite3"
    url = "sqlite:///" + str(database)
    report: dict[str, Any] = {
        "note": SYNTHETIC_NOTE,
        "environment": environment_summary(),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "settings": {
            "gunicorn_workers": WORKERS,
            "worker_class": "sync",
            "connections": options.connections,
            "browsers": BROWSERS,
            "seconds": options.seconds,
            "rounds": options.rounds,
            "warm_up_seconds": WARM_UP_SECONDS,
            "fixed_fraction": options.fraction,
            "fixed_requests": FIXED_REQUESTS,
            "fixed_max_seconds": FIXED_MAX_SECONDS,
            "dataset": DATASET,
            "csrf": "on",
            "load_generator": "perf/loadgen.py (asyncio, one connection per request)",
            "clock_ticks_per_s": procstat.CLOCK_TICKS,
        },
    }
    log("Pages as browsers ask for them:")
    probes = prepare(url, log)
    hello = Gunicorn("perf.hello:app", {}, "/")
    server = None
    try:
        server = Gunicorn("perf.wsgi_bench:app", {"PERF_DATABASE_URL": url}, "/en/")
        report.update(asyncio.run(measure(hello, server, probes, options, log)))
    finally:
        hello.stop()
        if server is not None:
            server.stop()
    for suffix in ("", "-wal", "-shm"):
        Path(str(database) + suffix).unlink(missing_ok=True)
    report["seconds"] = round(time.monotonic() - started, 1)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description="The main pages as browsers ask for them, against hello-world")
    parser.add_argument("--rounds", type=int, default=3, help="times every page's saturated run is made")
    parser.add_argument("--seconds", type=float, default=1.0, help="length of each saturated run")
    parser.add_argument("--connections", type=int, default=10, help="browsers acting at once in a saturated run")
    parser.add_argument("--fraction", type=float, default=0.5, help="fixed rate, as a share of the saturated rate")
    parser.add_argument("--pages", type=lambda text: text.split(","), default=list(PAGES), help=",".join(PAGES))
    parser.add_argument("--out", default=str(OUT_DIR / "bench_pages.json"))
    args = parser.parse_args()

    def log(message: str) -> None:
        print(message, flush=True)

    report = run(args, log)
    Path(args.out).write_text(json.dumps(report, indent=1), encoding="utf-8")
    log(f"wrote {args.out} ({report['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
