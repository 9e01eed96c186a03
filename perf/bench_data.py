"""Scale of the data: three aggregate pages at 10,000, 100,000 and 1,000,000 synthetic assessments.

    python -m perf.bench_data [--sizes 10000,100000] [--budget 900] [--out perf/out/bench_data.json]

For each size and each database (a SQLite file under ``perf/out/``, and PostgreSQL when
``TEST_DATABASE_URL`` is set, e.g. under ``scripts/with-postgres.sh``):

1. empty the database and run ``python -m perf.generate`` in a child process (so that the
   generator's memory is not this process's), then add the probes through the services:
   an analyst and a facilitator, a re-assessed organisation whose results page is opened,
   and a workshop with 50 synthetic participants;
2. in this process, with the Flask test client and an app made with ``DATA_POOL="synthetic"``,
   time each page: 1 warm-up, then the median of 5 runs, counting the SQL statements of
   each request (``before_cursor_execute``):

   * ``/en/sector/`` (the analyst's sector dashboard),
   * ``/en/results/<token>`` (one submission's profile with today's peer groups),
   * ``/en/workshops/<id>/cohort.csv`` (the facilitator's cohort export);

3. record this process's resident memory (VmRSS) before and after the size, and the
   slowest statements of each page with their query plans (``EXPLAIN QUERY PLAN`` on
   SQLite, ``EXPLAIN (ANALYZE, BUFFERS)`` on PostgreSQL) for the findings.

Sizes run smallest first on every database; a size whose extrapolated time would not fit
in ``--budget`` seconds is skipped and reported as such.  Writes JSON for perf/run.py.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import event

from perf.common import (
    ANALYST_EMAIL,
    FACILITATOR_EMAIL,
    OUT_DIR,
    PROJECT_ROOT,
    build_assets,
    compile_catalogues,
    environment_summary,
    make_app,
    make_probes,
    median,
    peak_rss_mb,
    reset_peak_rss,
    rss_mb,
    sign_in,
)
from perf.generate import SYNTHETIC_NOTE, reset_database

SIZES = (10_000, 100_000, 1_000_000)
RUNS = 5
WARMUPS = 1
PAGES = ("sector", "sector_two", "sector_report", "results", "cohort_csv")
PAGE_LABELS = {
    "sector": "Sector dashboard /en/sector/",
    "sector_two": "Sector dashboard, two groupings and a range /en/sector/?by=size&by2=province&from=…&to=…",
    "sector_report": "Sector report /en/sector/report",
    "results": "Results page with peers /en/results/<token>",
    "cohort_csv": "Cohort export /en/workshops/<id>/cohort.csv (50 participants)",
}


class QueryLog:
    """Counts and times the SQL statements of one request (cursor events on the app's engine)."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.statements: list[tuple[str, Any, float]] = []
        self._started: dict[int, float] = {}
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, _conn: Any, cursor: Any, _statement: str, _parameters: Any, _context: Any, _many: bool) -> None:
        self._started[id(cursor)] = time.perf_counter()

    def _after(self, _conn: Any, cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        elapsed = time.perf_counter() - self._started.pop(id(cursor), time.perf_counter())
        self.statements.append((statement, parameters, elapsed))

    def reset(self) -> None:
        self.statements = []

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)


def database_urls(only: list[str] | None) -> dict[str, str]:
    urls = {"sqlite": "sqlite:///" + str(OUT_DIR / "bench-data.sqlite3")}
    if os.environ.get("TEST_DATABASE_URL"):
        urls["postgresql"] = os.environ["TEST_DATABASE_URL"]
    return {name: url for name, url in urls.items() if not only or name in only}


def generate(url: str, count: int) -> dict[str, Any]:
    """Run the generator in a child process; return its statistics."""
    command = [sys.executable, "-m", "perf.generate", "--url", url, "--count", str(count), "--fresh", "--json"]
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"generator failed:\n{done.stdout}\n{done.stderr}")
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    if not any("synthetic" in line for line in lines):
        raise RuntimeError("the generator did not label its output synthetic")
    return dict(json.loads(lines[-1]))


def measure_size(name: str, url: str, count: int, log: Any) -> dict[str, Any]:
    """Generate ``count`` assessments and time the three pages (see the module docstring)."""
    from benchmark.extensions import db

    reset_peak_rss()
    result: dict[str, Any] = {"database": name, "size": count, "rss_before_mb": rss_mb()}
    started = time.perf_counter()
    result["generate"] = generate(url, count)
    log(f"  generated in {result['generate']['seconds']} s ({result['generate']['rows']:,} rows)")
    app = make_app(url)
    with app.app_context():
        probes = make_probes()
        db.session.remove()
        queries = QueryLog(db.engine)
    analyst = app.test_client()
    facilitator = app.test_client()
    respondent = app.test_client()
    sign_in(analyst, ANALYST_EMAIL)  # outside any app context: each request gets its own `g`
    sign_in(facilitator, FACILITATOR_EMAIL)
    result["rss_ready_mb"] = rss_mb()
    pages = {
        "sector": (analyst, "/en/sector/"),
        "sector_two": (analyst, "/en/sector/?by=size&by2=province&from=2023-01&to=2026-12"),
        "sector_report": (analyst, "/en/sector/report"),
        "results": (respondent, f"/en/results/{probes.results_token}"),
        "cohort_csv": (facilitator, f"/en/workshops/{probes.workshop_id}/cohort.csv"),
    }
    result["pages"] = {}
    result["workarounds"] = []
    slowest: dict[str, list[dict[str, Any]]] = {}
    for page, (client, path) in pages.items():
        times: list[float] = []
        counts: list[int] = []
        statement_time: dict[str, list[float]] = defaultdict(list)
        examples: dict[str, Any] = {}
        size_bytes = 0
        for run in range(WARMUPS + RUNS):
            queries.reset()
            t0 = time.perf_counter()
            response = client.get(path)
            body = response.get_data()
            elapsed = time.perf_counter() - t0
            if response.status_code != 200:
                raise RuntimeError(f"{path}: HTTP {response.status_code}")
            check_page(page, body)
            if run >= WARMUPS:
                times.append(elapsed)
                counts.append(len(queries.statements))
                for statement, parameters, seconds in queries.statements:
                    statement_time[statement].append(seconds)
                    examples.setdefault(statement, parameters)
            size_bytes = len(body)
        result["pages"][page] = {
            "path": path,
            "times": [round(t, 4) for t in times],
            "median_s": round(median(times), 4),
            "queries": counts[0],
            "queries_all_runs": sorted(set(counts)),
            "bytes": size_bytes,
        }
        ranked = sorted(statement_time.items(), key=lambda kv: -sum(kv[1]))
        slowest[page] = [
            {
                "statement": statement,
                "parameters": examples[statement],
                "median_s": round(median(seconds), 4),
                "calls_per_request": len(seconds) // RUNS,
            }
            for statement, seconds in ranked[:4]
        ]
        log(f"  {page}: median {result['pages'][page]['median_s'] * 1000:.1f} ms, {counts[0]} queries")
    with app.app_context():
        result["plans"] = explain(slowest, db.engine)
        queries.close()
        db.session.remove()
        db.engine.dispose()
    result["rss_after_mb"] = rss_mb()
    result["peak_rss_mb"] = peak_rss_mb()
    result["seconds_total"] = round(time.perf_counter() - started, 1)
    result["seconds_measure"] = round(result["seconds_total"] - result["generate"]["seconds"], 1)
    return result


def check_page(page: str, body: bytes) -> None:
    """Refuse to time an error page or an empty picture."""
    text = body.decode("utf-8", "replace")
    if page.startswith("sector") and "synthetic-banner" not in text:
        raise RuntimeError(f"the {page} page does not show the synthetic-data banner")
    if page == "sector_two" and "two_way_size_province" not in text:
        raise RuntimeError("the two-grouping dashboard has no two-way table")
    if page == "results" and "synthetic-banner" not in text:
        raise RuntimeError("the results page does not show the synthetic-data banner")
    if page == "cohort_csv" and text.count("\n") < 5:
        raise RuntimeError("the cohort export is almost empty")


def explain(slowest: dict[str, list[dict[str, Any]]], engine: Any) -> dict[str, list[dict[str, Any]]]:
    """Query plans of the slowest statements of each page."""
    plans: dict[str, list[dict[str, Any]]] = {}
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    with engine.connect() as connection:
        for page, statements in slowest.items():
            plans[page] = []
            for entry in statements:
                try:
                    rows = connection.exec_driver_sql(prefix + entry["statement"], entry["parameters"]).fetchall()
                    plan = "\n".join(" | ".join(str(c) for c in row) for row in rows)
                except Exception as error:  # noqa: BLE001 - a plan is a nice-to-have
                    plan = f"(no plan: {error})"
                plans[page].append({**entry, "parameters": repr(entry["parameters"]), "plan": plan})
            connection.rollback()
    return plans


def run(sizes: list[int], databases: list[str] | None, budget: float, log: Any) -> dict[str, Any]:
    compile_catalogues()
    build_assets()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + budget
    urls = database_urls(databases)
    report: dict[str, Any] = {
        "note": SYNTHETIC_NOTE,
        "environment": environment_summary(),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "runs": RUNS,
        "warmups": WARMUPS,
        "sizes": sizes,
        "databases": list(urls),
        "results": [],
        "skipped": [],
    }
    previous: dict[str, dict[str, Any]] = {}
    for size in sorted(sizes):
        for name, url in urls.items():
            estimate = estimate_seconds(previous.get(name), size)
            left = deadline - time.monotonic()
            if estimate is not None and estimate > left:
                reason = f"estimated {estimate:.0f} s (from the previous size), {max(left, 0):.0f} s of budget left"
                log(f"{name} {size:,}: skipped, {reason}")
                report["skipped"].append({"database": name, "size": size, "reason": reason})
                continue
            log(f"{name} {size:,} synthetic assessments:")
            result = measure_size(name, url, size, log)
            report["results"].append(result)
            previous[name] = result
            if name == "sqlite":
                for suffix in ("", "-wal", "-shm"):
                    Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    for name, url in urls.items():
        if name != "sqlite":
            reset_database(url)
    return report


def estimate_seconds(previous: dict[str, Any] | None, size: int) -> float | None:
    """Extrapolate generation and measurement linearly from the previous size, with 30 % margin."""
    if previous is None:
        return None
    factor = size / previous["size"]
    return 1.3 * factor * (previous["generate"]["seconds"] + previous["seconds_measure"])


def main() -> int:
    parser = argparse.ArgumentParser(description="Scale of the data (synthetic assessments)")
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    parser.add_argument("--databases", default="", help="sqlite,postgresql (default: every one available)")
    parser.add_argument("--budget", type=float, default=900.0, help="seconds for the whole benchmark")
    parser.add_argument("--out", default=str(OUT_DIR / "bench_data.json"))
    args = parser.parse_args()

    def log(message: str) -> None:
        print(message, flush=True)

    log(f"Scale of the data: {SYNTHETIC_NOTE}")
    sizes = [int(s) for s in args.sizes.split(",") if s]
    report = run(sizes, [d for d in args.databases.split(",") if d] or None, args.budget, log)
    Path(args.out).write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
