"""``make bench``: run the page and data benchmarks, then write perf/RESULTS.md.

    python -m perf.run [--budget 1140] [--skip-pages] [--skip-data] [--report-only]

Each benchmark runs in its own process (so that one's memory is not the other's) and
writes JSON under ``perf/out/``; this script turns both into ``perf/RESULTS.md``: the
machine, the date, raw numbers and ratios measured in the same run.  The data benchmark
gets whatever is left of ``--budget`` seconds (about 19 minutes for the whole run) and
skips the sizes that would not fit, saying so.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from typing import Any

from perf.common import OUT_DIR, PERF_DIR, PROJECT_ROOT, environment_summary

RESULTS = PERF_DIR / "RESULTS.md"
PAGES_JSON = OUT_DIR / "bench_pages.json"
DATA_JSON = OUT_DIR / "bench_data.json"
RUN_JSON = OUT_DIR / "run.json"
RESERVE = 45  # seconds kept for writing the report and stopping PostgreSQL

PAGE_RPS_TARGET = 0.40
PAGE_P99_TARGET = 3.0
DATA_RATIO_TARGET = 3.0


def run_step(module: str, *args: str) -> int:
    print(f"$ python -m {module} {' '.join(args)}", flush=True)
    return subprocess.run([sys.executable, "-m", module, *args], cwd=PROJECT_ROOT, check=False).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description="Run the benchmarks and write perf/RESULTS.md")
    parser.add_argument("--budget", type=float, default=19 * 60, help="seconds for the whole run")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--skip-data", action="store_true")
    parser.add_argument("--report-only", action="store_true", help="rewrite RESULTS.md from perf/out/*.json")
    args = parser.parse_args()
    started = time.monotonic()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    load_at_start = environment_summary()["loadavg"]
    failures = []
    if not args.report_only:
        for path in (PAGES_JSON, DATA_JSON, RUN_JSON):
            path.unlink(missing_ok=True)
        if not args.skip_pages and run_step("perf.bench_pages", "--out", str(PAGES_JSON)) != 0:
            failures.append("page throughput")
        if not args.skip_data:
            left = args.budget - (time.monotonic() - started) - RESERVE
            if run_step("perf.bench_data", "--budget", str(int(left)), "--out", str(DATA_JSON)) != 0:
                failures.append("scale of the data")
    pages = json.loads(PAGES_JSON.read_text()) if PAGES_JSON.exists() else None
    data = json.loads(DATA_JSON.read_text()) if DATA_JSON.exists() else None
    elapsed = time.monotonic() - started
    if args.report_only and RUN_JSON.exists():  # keep the facts of the run being re-rendered
        run = json.loads(RUN_JSON.read_text())
        load_at_start, elapsed, failures = run["load_at_start"], run["elapsed"], run["failures"]
    else:
        RUN_JSON.write_text(json.dumps({"load_at_start": load_at_start, "elapsed": elapsed, "failures": failures}))
    RESULTS.write_text(render(pages, data, load_at_start, elapsed, failures), encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(PROJECT_ROOT)} ({elapsed / 60:.1f} min)", flush=True)
    return 1 if failures else 0


# --------------------------------------------------------------------------- report


def _ratio(value: float | None, reference: float | None) -> str:
    if not value or not reference:
        return "–"
    return f"{value / reference:.2f}×"


def _verdict(ok: bool | None) -> str:
    return "–" if ok is None else ("yes" if ok else "**no**")


def render(
    pages: dict[str, Any] | None,
    data: dict[str, Any] | None,
    load_at_start: list[float],
    elapsed: float,
    failures: list[str],
) -> str:
    env = (data or pages or {}).get("environment") or environment_summary()
    date = (pages or data or {}).get("date") or time.strftime("%Y-%m-%d %H:%M %Z")
    lines = [
        "# Benchmark results",
        "",
        "Synthetic data: every figure below was measured on generated assessments (`is_synthetic=True`, "
        "served by an app with `DATA_POOL=synthetic`); none is real.",
        "",
        f"- **Date:** {date} · **cores:** {env['cpus']} (`os.cpu_count()`) · Python {env['python']} · "
        f"SQLite {env['sqlite']} · {env['platform']}",
        f"- **Load average** at the start: {', '.join(str(x) for x in load_at_start)} (1, 5, 15 min). The machine "
        "is shared and noisy: only ratios measured in the same run mean anything, raw numbers are beside them.",
        f"- **Command:** `make bench` (`python -m perf.run`), {elapsed / 60:.1f} min in all. How each figure is "
        "made: docstrings of `perf/bench_pages.py`, `perf/bench_data.py`, `perf/generate.py`; findings and "
        "proposals: `perf/README.md`.",
    ]
    if failures:
        lines += ["", f"**Failed:** {', '.join(failures)} (see the output of `make bench`)."]
    lines += ["", *render_pages(pages), "", *render_data(data), ""]
    return "\n".join(lines)


def render_pages(pages: dict[str, Any] | None) -> list[str]:
    lines = ["## 1. Page throughput against the stack's ceiling", ""]
    if not pages:
        return [*lines, "Not run."]
    settings = pages["settings"]
    targets = pages["targets"]
    reference = targets.get("a_hello", {})
    lines += [
        f"gunicorn with {settings['gunicorn_workers']} sync workers on 127.0.0.1; `wrk -t{settings['wrk_threads']} "
        f"-c{settings['connections']} -d{settings['seconds']}s --latency` after a 2-second warm-up, the load "
        "generator on the same cores. The real app uses a fresh SQLite database (migrations) with "
        f"{settings['dataset']:,} synthetic assessments, `DATA_POOL=synthetic`, and **CSRF protection off "
        "(`WTF_CSRF_ENABLED=False`) for this benchmark only**, so that (c) can POST without a form token.",
        "",
        f"Target: each page at least {PAGE_RPS_TARGET:.0%} of (a)'s requests/s and a p99 at most "
        f"{PAGE_P99_TARGET:g}× (a)'s. Each page's ratios are to the run of (a) made just before it "
        "(the machine's load changes from minute to minute); (a)'s line is the median of those runs "
        f"(requests/s of each: {', '.join(str(x) for x in reference.get('runs_rps', []))}).",
        "",
        "| Target | req/s | (a) just before, req/s | ratio | p50 ms | p99 ms | (a) just before, p99 ms | p99 ratio "
        "| requests | non-2xx/3xx, socket errors | target met |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for key, target in targets.items():
        paired = target.get("reference", reference)
        rps_ok = p99_ok = None
        if key != "a_hello" and paired.get("rps") and target.get("p99_ms") is not None:
            rps_ok = target["rps"] >= PAGE_RPS_TARGET * paired["rps"]
            p99_ok = target["p99_ms"] <= PAGE_P99_TARGET * paired["p99_ms"]
        verdict = "reference" if key == "a_hello" else _verdict(None if rps_ok is None else rps_ok and p99_ok)
        if rps_ok is not None and not (rps_ok and p99_ok):
            verdict += " (" + ", ".join(w for w, ok in (("req/s", rps_ok), ("p99", p99_ok)) if not ok) + ")"
        lines.append(
            f"| {target['label']} | {target['rps']:.1f} | {paired['rps']:.1f} | {_ratio(target['rps'], paired['rps'])} "
            f"| {target['p50_ms']} | {target['p99_ms']} | {paired['p99_ms']} | "
            f"{_ratio(target['p99_ms'], paired['p99_ms'])} | {target['requests']:,} | "
            f"{target['non_2xx_3xx']}, {target['socket_errors']} | {verdict} |"
        )
    lines += ["", "Paths: " + "; ".join(f"{t['label'].split(')')[0]}) `{t['path']}`" for t in targets.values())]
    return lines


def render_data(data: dict[str, Any] | None) -> list[str]:
    lines = ["## 2. Scale of the data", ""]
    if not data:
        return [*lines, "Not run."]
    from perf.bench_data import PAGE_LABELS

    lines += [
        f"Synthetic assessments generated by `perf/generate.py` (about 80 % first submissions, 15 % "
        f"re-assessments, 5 % drafts), then each page timed in one process with the Flask test client: "
        f"{data['warmups']} warm-up, median of {data['runs']} runs. Ratios are to the same page on the same "
        f"database at the smallest size. Target: at most {DATA_RATIO_TARGET:g}× the 10,000 time at 1,000,000, "
        "and a flat memory.",
        "",
    ]
    results = data["results"]
    for database in data["databases"]:
        rows = [r for r in results if r["database"] == database]
        if not rows:
            continue
        base = rows[0]
        lines += [f"### {database}", ""]
        for note in sorted({n for r in rows for n in r.get("workarounds", [])}):
            lines += [f"**Note:** {note}.", ""]
        lines += [
            "| Page | " + " | ".join(f"{r['size']:,}: median ms (ratio)" for r in rows) + " | queries per request |",
            "|---|" + "---:|" * len(rows) + "---|",
        ]
        for page in PAGE_LABELS:
            cells = []
            for r in rows:
                median_s = r["pages"][page]["median_s"]
                cells.append(f"{median_s * 1000:,.0f} ({_ratio(median_s, base['pages'][page]['median_s'])})")
            queries = " / ".join(str(r["pages"][page]["queries"]) for r in rows)
            lines.append(f"| {PAGE_LABELS[page]} | " + " | ".join(cells) + f" | {queries} |")
        lines += ["", "Raw times of the runs (s):", ""]
        for r in rows:
            raw = "; ".join(f"{page} {', '.join(str(t) for t in r['pages'][page]['times'])}" for page in PAGE_LABELS)
            lines.append(f"- {r['size']:,}: {raw}")
        lines.append("")
    lines += [
        "### Generation and memory",
        "",
        "| Database | Size | generated in s | rows | rows/s while loading | generator peak RSS MB | "
        "bench process RSS MB: start → app ready → after the runs | bench process peak RSS MB (this size) |",
        "|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in results:
        g = r["generate"]
        lines.append(
            f"| {r['database']} | {r['size']:,} | {g['seconds']} | {g['rows']:,} | {g['rows_per_second']:,} | "
            f"{g['maxrss_mb']} | {r['rss_before_mb']} → {r.get('rss_ready_mb', '–')} → {r['rss_after_mb']} | "
            f"{r.get('peak_rss_mb', '–')} |"
        )
    lines += [
        "",
        "The generator runs in a child process; the bench process (one Flask app per size, test client) "
        "keeps running from size to size, so its RSS after the runs at each size is what a long-lived worker "
        "would keep, and its peak at each size is what one request at that size needs.",
    ]
    lines.append("")
    for skipped in data.get("skipped", []):
        lines.append(f"- **Not measured:** {skipped['database']} at {skipped['size']:,}: {skipped['reason']}.")
    if data.get("skipped"):
        lines.append("")
    lines += ["### Targets", ""]
    for database in data["databases"]:
        rows = [r for r in results if r["database"] == database]
        if not rows:
            continue
        largest = rows[-1]
        base = rows[0]
        for page, label in PAGE_LABELS.items():
            ratio = largest["pages"][page]["median_s"] / base["pages"][page]["median_s"]
            scale = largest["size"] / base["size"]
            verdict = ("misses the target" if ratio > DATA_RATIO_TARGET else "within the target so far") + (
                " (1,000,000 not measured)" if largest["size"] < 1_000_000 else ""
            )
            lines.append(
                f"- {database}, {label}: {ratio:.1f}× for {scale:g}× the data "
                f"({base['size']:,} → {largest['size']:,}): {verdict}."
            )
    lines.append("")
    largest_by_db = {}
    for r in results:
        largest_by_db[r["database"]] = r
    lines += ["### Slowest statements at the largest size measured, with their plans", ""]
    for database, r in largest_by_db.items():
        lines += [f"**{database}, {r['size']:,} assessments**", ""]
        for page, plans in r.get("plans", {}).items():
            for entry in plans[:2]:
                statement = " ".join(entry["statement"].split())
                timing = (
                    "time to execute at the cursor; rows fetched afterwards are not included"
                    if database == "sqlite"
                    else "time to execute and fetch at the cursor"
                )
                lines += [
                    f"- {page}: {entry['median_s'] * 1000:.0f} ms per call ({timing}), "
                    f"{entry['calls_per_request']}× per request:",
                    "",
                    "  ```sql",
                    f"  {statement[:600]}{' …' if len(statement) > 600 else ''}",
                    "  ```",
                    "  ```",
                    *[f"  {line}" for line in entry["plan"].splitlines()[:14]],
                    "  ```",
                ]
        lines.append("")
    return lines


if __name__ == "__main__":
    sys.exit(main())
