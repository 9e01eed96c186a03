"""Core throughput: scoring and recommendations per core, as a ratio to ``json.loads`` of the same answers.

    python -m perf.bench_core [--sets 300] [--repeats 7] [--seconds 0.3] [--out perf/out/bench_core.json]

Builds ``--sets`` **synthetic** answer sets (every item, facts q22–q26 included) with the
generator's model (``perf.generate.AnswerModel`` through ``perf.common.full_answers``, inside
an app context, one seed) and serialises each to JSON, as the answers of one assessment.  Then,
in this one process and thread (one core), over the same answer sets:

(a) ``json.loads`` of each JSON answer set: the reference, the cost of merely decoding the answers;
(b) ``benchmark.core.scoring.score(answers, rubric)``;
(c) ``benchmark.core.rules.recommend(answers, profile, questionnaire, baseline, "en", rules)``, the
    profile computed beforehand (as ``benchmark.organisations.results.services.build_results`` calls it);
(c′) the same in French;
(d) score and recommend together (what the results page does with the answers it has read).

Timing is timeit-style: each measurement is a number of passes over all the answer sets
(calibrated so that one repeat takes about ``--seconds``), repeated ``--repeats`` times.  The
repeats are **interleaved** (a, b, c, c′, d, a, b, …) so that a change in the shared machine's
load falls on every measurement alike.  Each repeat records its wall time and this process's CPU
time (``time.process_time``).  **Calls/s per core** are calls per CPU-second of the best repeat
(the least disturbed, as ``timeit`` advises): on a shared machine the wall clock also counts the
time the process waited for a core (the CPU/wall fraction is recorded), the CPU time does not.
Every ratio is a throughput divided by (a)'s throughput measured in the same run, so "0.05×"
means 20 times slower than decoding the answers; beside the ratio of the best repeats are the
median of the ratios of each repeat to the (a) repeat just before it, and the wall-clock figures.
The garbage collector stays on (scoring allocates many ``Fraction`` objects; collecting them is
part of the real cost).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from perf.common import OUT_DIR, environment_summary, full_answers, make_app
from perf.generate import SYNTHETIC_NOTE

SEED = 2026
LABELS = {
    "a_json_loads": "(a) json.loads of the answers (reference)",
    "b_score": "(b) scoring.score",
    "c_recommend": "(c) rules.recommend (en)",
    "c_recommend_fr": "(c′) rules.recommend (fr)",
    "d_score_recommend": "(d) score + recommend (en)",
}


def answer_sets(count: int, seed: int = SEED) -> tuple[list[str], Any]:
    """``count`` synthetic answer sets as JSON documents, and the app's content (questionnaire, rubric …)."""
    app = make_app("sqlite://")  # the content only: no table is read
    with app.app_context():
        rng = random.Random(seed)
        documents = [json.dumps(full_answers(rng), ensure_ascii=False) for _ in range(count)]
        return documents, app.extensions["content"]


def workloads(documents: list[str], content: Any) -> dict[str, Callable[[], None]]:
    """One function per measurement; each makes one call per answer set."""
    from benchmark.core import rules, scoring

    questionnaire, rubric, baseline, ruleset = content.questionnaire, content.rubric, content.baseline, content.rules
    decoded = [json.loads(document) for document in documents]
    profiles = [scoring.score(answers, rubric) for answers in decoded]
    pairs = list(zip(decoded, profiles, strict=True))
    loads, score, recommend = json.loads, scoring.score, rules.recommend

    def a_json_loads() -> None:
        for document in documents:
            loads(document)

    def b_score() -> None:
        for answers in decoded:
            score(answers, rubric)

    def c_recommend() -> None:
        for answers, profile in pairs:
            recommend(answers, profile, questionnaire, baseline, "en", ruleset)

    def c_recommend_fr() -> None:
        for answers, profile in pairs:
            recommend(answers, profile, questionnaire, baseline, "fr", ruleset)

    def d_score_recommend() -> None:
        for answers in decoded:
            recommend(answers, score(answers, rubric), questionnaire, baseline, "en", ruleset)

    return {
        "a_json_loads": a_json_loads,
        "b_score": b_score,
        "c_recommend": c_recommend,
        "c_recommend_fr": c_recommend_fr,
        "d_score_recommend": d_score_recommend,
    }


def timed(function: Callable[[], None], passes: int) -> tuple[float, float]:
    """Wall and process CPU seconds of ``passes`` calls of ``function``."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(passes):
        function()
    return time.perf_counter() - wall, time.process_time() - cpu


def calibrate(function: Callable[[], None], seconds: float) -> int:
    """Passes over the answer sets that take about ``seconds`` (at least one)."""
    function()  # warm-up: caches, lazily built structures
    passes = 1
    while True:
        wall, _cpu = timed(function, passes)
        if wall >= seconds / 4 or passes >= 1_000_000:
            return max(1, round(passes * seconds / max(wall, 1e-9)))
        passes *= 4


def run(sets: int, repeats: int, seconds: float, log: Callable[[str], None]) -> dict[str, Any]:
    started = time.perf_counter()
    documents, content = answer_sets(sets)
    sizes = [len(document.encode()) for document in documents]
    keys = [len(json.loads(document)) for document in documents]
    log(
        f"Core throughput: {sets} synthetic answer sets, {statistics.mean(keys):.0f} answer keys and "
        f"{statistics.mean(sizes):,.0f} bytes of JSON each on average"
    )
    functions = workloads(documents, content)
    passes = {key: calibrate(function, seconds) for key, function in functions.items()}
    walls: dict[str, list[float]] = {key: [] for key in functions}
    cpus: dict[str, list[float]] = {key: [] for key in functions}
    for _ in range(repeats):  # interleaved: a, b, c, c′, d, a, b, …
        for key, function in functions.items():
            wall, cpu = timed(function, passes[key])
            walls[key].append(wall)
            cpus[key].append(cpu)
    results: dict[str, Any] = {}
    for key in functions:
        calls = passes[key] * sets
        best_cpu, best_wall = min(cpus[key]), min(walls[key])
        results[key] = {
            "label": LABELS[key],
            "calls_per_repeat": calls,
            "cpu_s": [round(c, 4) for c in cpus[key]],
            "wall_s": [round(w, 4) for w in walls[key]],
            "calls_per_s": round(calls / best_cpu, 1),
            "us_per_call": round(best_cpu / calls * 1e6, 2),
            "median_calls_per_s": round(calls / statistics.median(cpus[key]), 1),
            "wall_calls_per_s": round(calls / best_wall, 1),
            "wall_median_calls_per_s": round(calls / statistics.median(walls[key]), 1),
            "cpu_over_wall": round(sum(cpus[key]) / sum(walls[key]), 3),
        }
    reference = results["a_json_loads"]
    for key, entry in results.items():
        entry["ratio"] = round(entry["calls_per_s"] / reference["calls_per_s"], 5)
        entry["wall_ratio"] = round(entry["wall_calls_per_s"] / reference["wall_calls_per_s"], 5)
        # Each repeat against the json.loads repeat run just before it (same moment, same load).
        paired = [
            (a_cpu / reference["calls_per_repeat"]) / (cpu / entry["calls_per_repeat"])
            for a_cpu, cpu in zip(cpus["a_json_loads"], cpus[key], strict=True)
        ]
        entry["paired_ratios"] = [round(r, 5) for r in paired]
        entry["paired_median_ratio"] = round(statistics.median(paired), 5)
        log(
            f"  {entry['label']}: {entry['calls_per_s']:,.0f} calls per CPU-second ({entry['us_per_call']} µs "
            f"per call), {entry['ratio']:.4f}× json.loads "
            f"(median of paired repeats {entry['paired_median_ratio']:.4f}×; "
            f"wall clock: {entry['wall_calls_per_s']:,.0f} calls/s, {entry['wall_ratio']:.4f}×)"
        )
    return {
        "note": SYNTHETIC_NOTE.replace("every organisation and assessment row written", "every answer set")
        + " (drawn by perf.generate.AnswerModel; nothing is written to a database)",
        "environment": environment_summary(),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "settings": {
            "answer_sets": sets,
            "seed": SEED,
            "repeats": repeats,
            "target_seconds_per_repeat": seconds,
            "passes_per_repeat": passes,
            "gc": "enabled",
            "questionnaire_version": content.questionnaire.version,
            "rubric_version": content.rubric.version,
        },
        "answers": {
            "mean_keys": round(statistics.mean(keys), 1),
            "mean_json_bytes": round(statistics.mean(sizes)),
            "min_json_bytes": min(sizes),
            "max_json_bytes": max(sizes),
        },
        "results": results,
        "seconds": round(time.perf_counter() - started, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description="Scoring and recommendation throughput against json.loads")
    parser.add_argument("--sets", type=int, default=300, help="synthetic answer sets")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=0.3, help="target duration of one repeat")
    parser.add_argument("--out", default=str(OUT_DIR / "bench_core.json"))
    args = parser.parse_args()

    def log(message: str) -> None:
        print(message, flush=True)

    report = run(args.sets, args.repeats, args.seconds, log)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    log(f"wrote {args.out} ({report['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
