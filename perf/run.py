"""``make bench``: run the core, page-weight, page and data benchmarks, then write perf/RESULTS.md.

    python -m perf.run [--budget 1140] [--skip-core] [--skip-weight] [--skip-pages] [--skip-data]
                       [--report-only]

Each benchmark runs in its own process (so that one's memory is not the other's) and
writes JSON under ``perf/out/``; this script turns them into ``perf/RESULTS.md``: the
machine, the date, raw numbers and ratios measured in the same run.  The quick ones run
first (core throughput, ~15 s, first of all so that nothing else of this run loads the CPU
beside it; page weight, ~15 s; then page throughput); the data benchmark gets whatever is
left of ``--budget`` seconds (about 19 minutes for the whole run) and skips the sizes that
would not fit, saying so.  A section whose JSON is missing is rendered as "not measured".
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from perf.common import OUT_DIR, PERF_DIR, PROJECT_ROOT, environment_summary

RESULTS = PERF_DIR / "RESULTS.md"
CORE_JSON = OUT_DIR / "bench_core.json"
WEIGHT_JSON = OUT_DIR / "bench_weight.json"
PAGES_JSON = OUT_DIR / "bench_pages.json"
DATA_JSON = OUT_DIR / "bench_data.json"
RUN_JSON = OUT_DIR / "run.json"
RESERVE = 45  # seconds kept for writing the report and stopping PostgreSQL

PAGE_CPU_TARGET = 0.40  # hello-world CPU per request / the page's
PAGE_P99_TARGET = 3.0  # the page's p99 / hello-world's, at the same fixed rate
DATA_RATIO_TARGET = 3.0


def run_step(module: str, *args: str) -> int:
    print(f"$ python -m {module} {' '.join(args)}", flush=True)
    return subprocess.run([sys.executable, "-m", module, *args], cwd=PROJECT_ROOT, check=False).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description="Run the benchmarks and write perf/RESULTS.md")
    parser.add_argument("--budget", type=float, default=19 * 60, help="seconds for the whole run")
    parser.add_argument("--skip-core", action="store_true", help="no core throughput (3)")
    parser.add_argument("--skip-weight", action="store_true", help="no page weight (4)")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--skip-data", action="store_true")
    parser.add_argument("--report-only", action="store_true", help="rewrite RESULTS.md from perf/out/*.json")
    args = parser.parse_args()
    started = time.monotonic()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    load_at_start = environment_summary()["loadavg"]
    failures = []
    if not args.report_only:
        for path in (CORE_JSON, WEIGHT_JSON, PAGES_JSON, DATA_JSON, RUN_JSON):
            path.unlink(missing_ok=True)
        # The quick steps first; core throughput before anything else of this run loads the CPU.
        if not args.skip_core and run_step("perf.bench_core", "--out", str(CORE_JSON)) != 0:
            failures.append("core throughput")
        if not args.skip_weight and run_step("perf.bench_weight", "--out", str(WEIGHT_JSON)) != 0:
            failures.append("page weight")
        if not args.skip_pages and run_step("perf.bench_pages", "--out", str(PAGES_JSON)) != 0:
            failures.append("page throughput")
        if not args.skip_data:
            left = args.budget - (time.monotonic() - started) - RESERVE
            if run_step("perf.bench_data", "--budget", str(int(left)), "--out", str(DATA_JSON)) != 0:
                failures.append("scale of the data")
    core, weight, pages, data = (_read(path) for path in (CORE_JSON, WEIGHT_JSON, PAGES_JSON, DATA_JSON))
    elapsed = time.monotonic() - started
    if args.report_only and RUN_JSON.exists():  # keep the facts of the run being re-rendered
        run = json.loads(RUN_JSON.read_text())
        load_at_start, elapsed, failures = run["load_at_start"], run["elapsed"], run["failures"]
    else:
        RUN_JSON.write_text(json.dumps({"load_at_start": load_at_start, "elapsed": elapsed, "failures": failures}))
    RESULTS.write_text(render(pages, data, load_at_start, elapsed, failures, core, weight), encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(PROJECT_ROOT)} ({elapsed / 60:.1f} min)", flush=True)
    return 1 if failures else 0


def _read(path: Path) -> dict[str, Any] | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


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
    core: dict[str, Any] | None = None,
    weight: dict[str, Any] | None = None,
) -> str:
    env = (data or pages or core or weight or {}).get("environment") or environment_summary()
    dates = [part["date"] for part in (core, weight, pages, data) if part and part.get("date")]
    date = min(dates) if dates else time.strftime("%Y-%m-%d %H:%M %Z")  # the first step's start
    lines = [
        "# Benchmark results",
        "",
        "Synthetic data: every figure below was measured on generated assessments (`is_synthetic=True`, "
        "served by an app with `DATA_POOL=synthetic`) or, for the core throughput, on generated answer sets; "
        "none is real.",
        "",
        f"- **Date:** {date} · **cores:** {env['cpus']} (`os.cpu_count()`) · Python {env['python']} · "
        f"SQLite {env['sqlite']} · {env['platform']}",
        f"- **Load average** at the start: {', '.join(str(x) for x in load_at_start)} (1, 5, 15 min). The machine "
        "is shared and noisy: only ratios measured in the same run mean anything, raw numbers are beside them.",
        f"- **Command:** `make bench` (`python -m perf.run`), {elapsed / 60:.1f} min in all. How each figure is "
        "made: docstrings of `perf/bench_pages.py`, `perf/bench_data.py`, `perf/bench_core.py`, "
        "`perf/bench_weight.py`, `perf/generate.py`; findings and "
        "proposals: `perf/README.md`.",
    ]
    if failures:
        lines += ["", f"**Failed:** {', '.join(failures)} (see the output of `make bench`)."]
    for section in (render_pages(pages), render_data(data), render_core(core), render_weight(weight)):
        while section and not section[-1]:
            section.pop()
        lines += ["", *section]
    lines.append("")
    return "\n".join(lines)


def _not_measured(step: str, name: str) -> str:
    return f"Not measured in this run (`--skip-{step}`, a failure, or no `perf/out/{name}`)."


def _kept_up(fixed: dict[str, Any]) -> str:
    quarters = ", ".join(str(x) for x in fixed["page"].get("p50_ms_by_quarter", []))
    again = f"; {len(fixed['earlier_attempts'])} earlier run fell behind" if fixed.get("earlier_attempts") else ""
    return f"{_verdict(fixed.get('kept_up'))} ({quarters}{again})"


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _rounds(target: dict[str, Any]) -> str:
    return ", ".join(f"{ratio:.1%}" for ratio in target.get("cpu_ratio_rounds", []))


def render_pages(pages: dict[str, Any] | None) -> list[str]:
    lines = ["## 1. Pages as a browser asks for them, against hello-world", ""]
    if not pages or "hello_runs" not in pages:  # none, or an older format (wrk, CSRF off)
        return [*lines, _not_measured("pages", "bench_pages.json")]
    settings, targets = pages["settings"], pages["targets"]
    lines += [
        f"gunicorn with {settings['gunicorn_workers']} {settings['worker_class']} workers on 127.0.0.1 for the real "
        "app and for `perf/hello.py`; the load generator (`perf/loadgen.py`, asyncio, one connection per request) "
        "on the same cores. Every request is what a browser sends: `Accept-Encoding: gzip, deflate, br`, "
        "`Accept-Language`, the cookies the app set; **CSRF protection on**: the draft save posts the hidden fields "
        "(CSRF token included) of the page it loaded, then loads the page again. Fresh SQLite database (migrations) "
        f"with {settings['dataset']:,} synthetic assessments, `DATA_POOL=synthetic`. " + _measured(pages),
        "",
        f"**CPU per request** is the workers' user + system time from `/proc/<pid>/stat` over a run of "
        f"{settings['connections']} browsers acting back to back for {settings['seconds']:g} s, divided by the "
        "requests answered; each page's run sits between two runs of hello-world (hello, page, hello, page, …), "
        "and a run's ratio is hello-world's CPU per request (mean of the runs before and after) over the page's. "
        f"The sequence is made {settings.get('rounds', 1)} times; a page's ratio is the median of its rounds' "
        "(each shown), and its other figures are those of that round. "
        f"**p99** is measured at a fixed rate, {settings['fixed_fraction']:.0%} of the page's saturated rate, "
        "open loop, from each request's scheduled time (no coordinated omission), with hello-world at the same "
        "rate just after: at saturation a p99 only restates the throughput. A fixed-rate run whose latency kept "
        'growing (the machine\'s other jobs took the cores) is made once more; "kept up" says whether the last '
        "run did. "
        f"Target: hello-world's CPU per request at least {PAGE_CPU_TARGET:.0%} of the page's, and a p99 at most "
        f"{PAGE_P99_TARGET:g}× hello-world's at the same rate. Requests/s stand beside the CPU figures: the load "
        'generator and the machine\'s other jobs share the cores, so they bound them; "workers busy" is the '
        "workers' CPU over the run's wall-clock time, for both workers (100 % = two cores).",
        "",
        "| Page | CPU ms per request | hello-world CPU ms (before, after) | hello/page CPU | in each round | req/s "
        "| hello-world req/s (before, after) | req/s ratio | requests | workers busy | CPU target met |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for target in targets.values():
        run, before, after = target["saturated"], target["hello_before"], target["hello_after"]
        ratio = target.get("cpu_ratio")
        cpu_ok = None if ratio is None else ratio >= PAGE_CPU_TARGET
        lines.append(
            f"| {target['label']} | {target['cpu_ms']:.2f} | {target['hello_cpu_ms']:.2f} "
            f"({before['cpu_ms_per_action']:.2f}, {after['cpu_ms_per_action']:.2f}) | "
            f"{'–' if ratio is None else f'{ratio:.1%}'} | {_rounds(target)} | {run['actions_per_s']:.1f} | "
            f"{target['hello_rps']:.1f} "
            f"({before['actions_per_s']:.0f}, {after['actions_per_s']:.0f}) | "
            f"{_ratio(target['rps'], target['hello_rps'])} | {run['requests']:,} | "
            f"{_share(run.get('workers_busy'))} | {_verdict(cpu_ok)} |"
        )
    lines += [
        "",
        "| Page | fixed rate /s | seconds | p50 ms | p99 ms | max ms | hello-world at the same rate: p50, p99 ms "
        "| p99 ratio | requests | largest send delay ms | kept up (p50 ms by quarter) | p99 target met |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for target in targets.values():
        fixed = target["fixed"]
        page, hello = fixed["page"], fixed["hello"]
        p99_ok = None if target.get("p99_ratio") is None else target["p99_ratio"] <= PAGE_P99_TARGET
        lines.append(
            f"| {target['label']} | {fixed['rate']:.1f} | {fixed['seconds']:g} | {page['p50_ms']} | {page['p99_ms']} "
            f"| {page['max_ms']} | {hello['p50_ms']}, {hello['p99_ms']} | {_ratio(page['p99_ms'], hello['p99_ms'])} "
            f"| {page['requests']:,} | {page['send_lag_max_ms']} | {_kept_up(fixed)} | {_verdict(p99_ok)} |"
        )
    save = targets.get("save")
    if save and "page" in targets:
        lines += [
            "",
            f"The draft save's CPU is the POST alone: in each round, its run ({save['cpu_ms_save_and_reload']:.2f} ms "
            "per save in the round shown, a POST and a reload of the page) minus one GET of the page in the same "
            "round; its requests/s are saves a second, its p99 the POST's.",
        ]
    lines += [
        "",
        "hello-world's saturated runs, req/s (CPU ms per request): "
        + ", ".join(f"{run['actions_per_s']:.0f} ({run['cpu_ms_per_action']:.3f})" for run in pages["hello_runs"])
        + ".",
        "",
        "Paths: "
        + "; ".join(f"{key} `{target['path']}`" for key, target in targets.items())
        + f" ({settings['browsers']} drafts, one per browser).",
    ]
    return lines


def render_data(data: dict[str, Any] | None) -> list[str]:
    lines = ["## 2. Scale of the data", ""]
    if not data:
        return [*lines, _not_measured("data", "bench_data.json")]
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


def render_core(core: dict[str, Any] | None) -> list[str]:
    lines = ["## 3. Core throughput", ""]
    if not core:
        return [*lines, _not_measured("core", "bench_core.json")]
    settings, answers, results = core["settings"], core["answers"], core["results"]
    lines += [
        f"{settings['answer_sets']} **synthetic** answer sets (drawn by `perf.generate.AnswerModel`, seed "
        f"{settings['seed']}; {answers['mean_keys']:g} answer keys and {answers['mean_json_bytes']:,} bytes of JSON "
        f"each on average, {answers['min_json_bytes']:,}–{answers['max_json_bytes']:,}), questionnaire "
        f"{settings['questionnaire_version']}, rubric {settings['rubric_version']}. One process, one thread: "
        f"{settings['repeats']} interleaved repeats of each measurement "
        f"(about {settings['target_seconds_per_repeat']:g} s each, a number of passes over all the answer sets), "
        "garbage collector on. **Calls/s per core** are calls per CPU-second of the best repeat "
        "(the wall clock of a shared machine also counts the waits for a core; "
        "the wall-clock figures are beside them). Every ratio is to (a), `json.loads` of the same answer sets, "
        'measured in the same run: "0.05×" means 20 times slower than decoding the answers. ' + _measured(core),
        "",
        "| Measurement | calls/s per core | µs per call | ratio to (a) | median of the paired ratios | "
        "median repeat, calls/s | wall clock, calls/s (ratio) | CPU/wall |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, entry in results.items():
        ratio = "reference" if key == "a_json_loads" else f"{entry['ratio']:.4f}× (1/{1 / entry['ratio']:.0f})"
        paired = "–" if key == "a_json_loads" else f"{entry['paired_median_ratio']:.4f}×"
        lines.append(
            f"| {entry['label']} | {entry['calls_per_s']:,.0f} | {entry['us_per_call']:,.1f} | {ratio} | {paired} | "
            f"{entry['median_calls_per_s']:,.0f} | {entry['wall_calls_per_s']:,.0f} "
            f"({entry['wall_ratio']:.4f}×) | {entry['cpu_over_wall']:.2f} |"
        )
    both = results.get("d_score_recommend")
    if both:
        lines += [
            "",
            f"So one core scores and recommends for about {both['calls_per_s']:,.0f} answer sets a second "
            f"({both['us_per_call'] / 1000:.2f} ms each), {1 / both['ratio']:.0f} times the cost of decoding them.",
        ]
    lines += ["", "CPU seconds of each repeat (calls per repeat in brackets):", ""]
    for entry in results.values():
        raw = ", ".join(str(x) for x in entry["cpu_s"])
        lines.append(f"- {entry['label'].split(' ')[0]} ({entry['calls_per_repeat']:,}): {raw}")
    return lines


def _measured(part: dict[str, Any]) -> str:
    load = part.get("environment", {}).get("loadavg") or []
    return (
        f"Measured {part.get('date', '?')} in {part.get('seconds', '?')} s; load average at its start: "
        f"{', '.join(str(x) for x in load) or '?'}."
    )


def _kb(value: float) -> str:
    return f"{value / 1024:,.1f}"


def render_weight(weight: dict[str, Any] | None) -> list[str]:
    lines = ["## 4. Page weight", ""]
    if not weight:
        return [*lines, _not_measured("weight", "bench_weight.json")]
    settings, pages = weight["settings"], weight["pages"]
    languages = settings["languages"]
    budgets = ", ".join(
        f"{pages[key]['label'].split(' (')[0].lower()} ≤ {budget / 1024:g} KB"
        for key, budget in weight["budgets_bytes"].items()
    )
    lines += [
        "Bytes of the response bodies as transferred (gzip where the app compresses): the page plus every "
        "stylesheet, script, icon and image it and its stylesheets reference, each fetched once (a first visit, "
        "empty cache), with the Flask test client and `Accept-Encoding: gzip`; headers not counted. Fresh SQLite "
        f"database (migrations) with {settings['dataset']:,} synthetic assessments and the probes of "
        "`perf/common.py`, `DATA_POOL=synthetic`. KB = 1,024 bytes. Budgets of the accessibility issue: "
        f"{budgets}; the ratio is the heavier language's total to the budget. " + _measured(weight),
        "",
        "| Page | "
        + " | ".join(f"{lang.upper()}: KB gzip (HTML + assets)" for lang in languages)
        + " | requests | KB raw ("
        + " / ".join(lang.upper() for lang in languages)
        + ") | Chart.js | budget KB | ratio to the budget | within the budget |",
        "|---|" + "---:|" * len(languages) + "---:|---:|---|---:|---:|---|",
    ]
    shared: dict[str, int] = {}
    findings: list[str] = []
    for page in pages.values():
        measured = [page[lang] for lang in languages]
        budget = page.get("budget_bytes")
        cells = [
            f"{_kb(m['total_bytes_transferred'])} ({_kb(m['html_bytes_transferred'])} + "
            f"{_kb(m['assets_bytes_transferred'])})"
            for m in measured
        ]
        heaviest = max(m["total_bytes_transferred"] for m in measured)
        within = None if budget is None else all(m["within_budget"] for m in measured)
        lines.append(
            f"| {page['label']} | "
            + " | ".join(cells)
            + f" | {' / '.join(str(m['requests']) for m in measured)} | "
            + " / ".join(_kb(m["total_bytes_raw"]) for m in measured)
            + f" | {'yes' if any(m['chart_js'] for m in measured) else 'no'} | "
            + ("–" if budget is None else f"{budget / 1024:g}")
            + f" | {_ratio(heaviest, budget) if budget else '–'} | {_verdict(within)} |"
        )
        for lang, m in zip(languages, measured, strict=True):
            for resource in m["resources"]:
                shared[resource["url"]] = resource["bytes_transferred"]
            findings += [f"{page['label']} ({lang}) references another host: `{url}`" for url in m["third_party"]]
            findings += [
                f"{page['label']} ({lang}): `{url}` is text of 500 B or more sent without gzip"
                for url in m["uncompressed_text"]
            ]
    lines += [
        "",
        "Exact totals, gzip bytes ("
        + " / ".join(lang.upper() for lang in languages)
        + "): "
        + "; ".join(
            f"{key} " + " / ".join(f"{page[lang]['total_bytes_transferred']:,}" for lang in languages)
            for key, page in pages.items()
        )
        + ".",
        "",
        "Assets, gzip bytes as transferred (shared by the pages that reference them; a browser fetches each once): "
        + "; ".join(f"`{url}` {size:,}" for url, size in sorted(shared.items(), key=lambda kv: -kv[1]))
        + ".",
    ]
    polls = [(page, lang) for page in pages.values() for lang in languages if page[lang].get("poll")]
    if polls:
        lines += [
            "",
            "Afterwards the live pages poll their cohort fragment (not counted above): "
            + "; ".join(
                f"{page['label'].split(' (')[0]} ({lang}) {page[lang]['poll']['bytes_transferred']:,} B every "
                f"{page[lang]['poll']['every_s']} s ({_kb(page[lang]['poll']['bytes_per_minute'])} KB a minute)"
                for page, lang in polls
            )
            + ".",
        ]
    lines += ["", *(f"- **Finding:** {f}." for f in findings)] if findings else []
    return lines


if __name__ == "__main__":
    sys.exit(main())
