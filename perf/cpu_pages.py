"""CPU and instructions per request of the main pages, as a browser asks for them, beside hello-world.

    python -m perf.cpu_pages [--requests 40] [--dataset 1000] [--out perf/out/cpu_pages.json]
    python -m perf.cpu_pages --instructions [--requests 3]   # under Callgrind (Debian's valgrind)

Each request is what a browser sends: ``Accept-Encoding: gzip``, ``Accept-Language``, the
session cookie, and CSRF protection **on** (the draft save posts the page's own hidden fields and
token).  The pages, in one process, against one fresh SQLite database with ``--dataset`` synthetic
assessments and the probes of :func:`perf.common.make_probes`:

* ``home`` ``/en/``, ``start`` ``/en/assessment/``, ``page`` the first questionnaire page,
  ``save`` a draft save (POST, answered 302; its body encoded before the clock starts, as the
  browser's work, which hello-world's GET does not have), ``results_cold`` the results page with every
  cache emptied before each request (a server's first page after a new release), ``results_first``
  with the assessment's own kept parts and page emptied (its first visit: the release's peer figures
  are kept for every organisation's page), ``results`` the same page again (cached),
  ``live`` the facilitator's live view of a workshop with 50 participants, ``live_refresh`` its
  refresh fragment as the page's script polls it (``static/js/live.js``: ``Accept: text/html``);
* ``hello``: ``perf/hello.py`` through the same WSGI test client, measured in alternation with
  each page (before and after it), so every ratio is hello-world's CPU per request over the page's,
  taken in the same minute of the same run (a ratio of 0.45 = "45 % of hello-world").

CPU is the process's user + system time (``/proc/self/stat``, via ``time.process_time``) around
each request; the median over ``--requests`` requests is reported.  Before the CPU is measured, the
driver saves until SQLite writes over its WAL file rather than growing it (:meth:`Driver.warm_wal`),
the state a running server's WAL is in; ``--fresh-wal`` measures the save in a just-started
server's state instead.  With ``--instructions`` the
driver runs itself under ``valgrind --tool=callgrind``: the counters are zeroed before each
measured request and dumped after it (Callgrind's client requests ``CALLGRIND_ZERO_STATS`` and
``CALLGRIND_DUMP_STATS``, from a two-function C library compiled with gcc and called through
ctypes), so start-up and warm-up are not counted; the minimum over the measured requests is
reported (hash randomisation off: ``PYTHONHASHSEED=0``).
"""

from __future__ import annotations

import argparse
import cProfile
import ctypes
import json
import os
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from perf.common import (
    FACILITATOR_EMAIL,
    OUT_DIR,
    PROJECT_ROOT,
    build_assets,
    compile_catalogues,
    make_app,
    make_probes,
    sign_in,
)

PAGES = ("home", "start", "page", "save", "results_cold", "results_first", "results", "live", "live_refresh")
BROWSER = {
    "Accept-Encoding": "gzip, deflate, br",
    "Accept-Language": "en-CA,en;q=0.9,fr-CA;q=0.8",
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) perf.cpu_pages",
}
#: Pages measured but not yet in perf/budgets.json: they get their budget when the file is re-set at the merge.
NEW_PAGES: tuple[str, ...] = ()
#: The live view's polling request (static/js/live.js: fetch with ``Accept: text/html``, same-origin cookies).
POLL = {**BROWSER, "Accept": "text/html"}
FORM = "application/x-www-form-urlencoded"
HIDDEN = re.compile(r"<input[^>]*>")
ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs of a page (CSRF token, revision, signed base…), as a browser would post them."""
    fields = {}
    for tag in HIDDEN.findall(html):
        attrs = dict(ATTR.findall(tag))
        if attrs.get("type") == "hidden" and "name" in attrs:
            fields[attrs["name"]] = attrs.get("value", "").replace("&#34;", '"').replace("&amp;", "&")
    return fields


def prepare(url: str, dataset: int) -> dict[str, Any]:
    """A fresh database: migrations, ``dataset`` synthetic assessments, the probes (3 drafts)."""
    from perf.generate import generate, reset_database

    reset_database(url)
    generate(url, dataset, log=lambda message: None)
    app = make_app(url)
    with app.app_context():
        probes = make_probes(drafts=3)
        from benchmark.extensions import db

        db.session.remove()
        db.engine.dispose()
    return {
        "url": url,
        "page_token": probes.draft_tokens[0],
        "save_token": probes.draft_tokens[1],
        "results_token": probes.results_token,
        "workshop_id": probes.workshop_id,
    }


class Driver:
    """The apps and one browser-like client per page, ready to measure (warmed up by :meth:`warm`)."""

    def __init__(self, setup: dict[str, Any]) -> None:
        from perf.hello import app as hello_app

        self.app = make_app(setup["url"], WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=True)
        self.hello = hello_app.test_client()
        self.visitor = self.app.test_client()
        self.facilitator = self.app.test_client()
        sign_in(self.facilitator, FACILITATOR_EMAIL)
        self.clear_results = _results_cache_clear(self.app)
        self.forget_pages = _results_pages_forget(self.app)
        self.setup = setup
        self.answer = 0
        self.paths = {
            "home": "/en/",
            "start": "/en/assessment/",
            "page": f"/en/assessment/{setup['page_token']}/importance",
            "results": f"/en/results/{setup['results_token']}",
            "live": f"/en/workshops/{setup['workshop_id']}",
            "live_refresh": f"/en/workshops/{setup['workshop_id']}/live",
        }
        self.save_path = f"/en/assessment/{setup['save_token']}/importance"

    def request(self, name: str) -> tuple[Callable[[], Any], Callable[[Any], None]]:
        """(untimed preparation, the timed request) for one page."""
        if name == "hello":
            return (lambda: None), (lambda _: self._get(self.hello, "/"))
        if name == "save":
            return self._prepare_save, self._save
        if name == "results_cold":
            return self.clear_results, (lambda _: self._get(self.visitor, self.paths["results"]))
        if name == "results_first":
            return self.forget_pages, (lambda _: self._get(self.visitor, self.paths["results"]))
        client = self.facilitator if name.startswith("live") else self.visitor
        path = self.paths[name]
        headers = POLL if name == "live_refresh" else BROWSER
        return (lambda: None), (lambda _: self._get(client, path, headers))

    def _get(self, client: Any, path: str, headers: dict[str, str] = BROWSER) -> None:
        response = client.get(path, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path}: HTTP {response.status_code}")

    def _prepare_save(self) -> bytes:
        """The next save's body, encoded as the browser encodes it (untimed: the browser's work, not the server's)."""
        page = self.visitor.get(self.save_path, headers=BROWSER)
        fields = hidden_fields(page.get_data(as_text=True) if not _gzipped(page) else _gunzip(page))
        self.answer = (self.answer + 1) % 11
        return urlencode({**fields, "q1": str(self.answer), "action": "save"}).encode("ascii")

    def _save(self, body: bytes) -> None:
        response = self.visitor.post(self.save_path, data=body, content_type=FORM, headers=BROWSER)
        if response.status_code != 302:
            raise RuntimeError(f"POST {self.save_path}: HTTP {response.status_code}")

    def warm(self, requests: int = 2) -> None:
        for name in ("hello", *PAGES):
            prepare, timed = self.request(name)
            for _ in range(requests):
                timed(prepare())

    def warm_wal(self, steady: int = 50, most: int = 3000) -> int:
        """Save until SQLite writes over its WAL file instead of growing it, as a running server's does; the saves made.

        The generator leaves the WAL empty.  Until the WAL reaches its checkpoint size (1,000
        pages, about 500 saves) and SQLite starts again from its beginning, every commit makes the
        file longer, and its ``fdatasync`` then also commits ext4's journal (about 40 µs more a
        save on this machine).  A server is in that state for its first few hundred saves after a
        start; the save is measured after it (``--fresh-wal`` measures it before).
        """
        wal = Path(self.setup["url"].removeprefix("sqlite:///") + "-wal")
        prepare, timed = self.request("save")
        same = made = 0
        size = wal.stat().st_size if wal.exists() else 0
        while same < steady and made < most:
            timed(prepare())
            made += 1
            now = wal.stat().st_size if wal.exists() else 0
            same, size = (same + 1, size) if now == size else (0, now)
        return made


def _results_pages_forget(app: Any) -> Callable[[], Any]:
    """Empty the per-assessment parts and kept pages, keeping the release's peer figures (a first visit)."""
    try:
        from benchmark.organisations.results.cache import forget_pages
    except ImportError:
        return _results_cache_clear(app)
    return lambda: forget_pages(app)


def _results_cache_clear(app: Any) -> Callable[[], Any]:
    """Empty the app's per-assessment results and peer caches (nothing to empty before they existed)."""
    try:
        from benchmark.organisations.results import cache
    except ImportError:
        return lambda: None
    return lambda: cache.clear(app)


def _gzipped(response: Any) -> bool:
    return bool(response.headers.get("Content-Encoding") == "gzip")


def _gunzip(response: Any) -> str:
    import gzip

    return gzip.decompress(response.get_data()).decode("utf-8")


def cpu(driver: Driver, name: str, requests: int) -> list[float]:
    """CPU seconds of each of ``requests`` requests of one page."""
    prepare, timed = driver.request(name)
    samples = []
    for _ in range(requests):
        argument = prepare()
        start = time.process_time()
        timed(argument)
        samples.append(time.process_time() - start)
    return samples


def measure_cpu(driver: Driver, requests: int) -> dict[str, Any]:
    """Median CPU ms per request of each page, each between two runs of hello-world; the paired ratios."""
    pages: dict[str, Any] = {}
    for name in PAGES:
        before = cpu(driver, "hello", requests)
        page = cpu(driver, name, requests)
        after = cpu(driver, "hello", requests)
        hello_ms = statistics.median(before + after) * 1000
        page_ms = statistics.median(page) * 1000
        pages[name] = {
            "cpu_ms": round(page_ms, 3),
            "hello_cpu_ms": round(hello_ms, 3),
            "ratio": round(hello_ms / page_ms, 3),
        }
    return pages


MARKERS = """#include <valgrind/callgrind.h>
void perf_zero(void) { CALLGRIND_ZERO_STATS; }
void perf_dump(void) { CALLGRIND_DUMP_STATS; }
"""


def compile_markers(folder: Path) -> Path:
    """The marker library (needs gcc and Debian's valgrind headers)."""
    source = folder / "markers.c"
    source.write_text(MARKERS, encoding="utf-8")
    library = folder / "markers.so"
    subprocess.run(["gcc", "-O1", "-shared", "-fPIC", "-o", str(library), str(source)], check=True)
    return library


def measure_instructions(driver: Driver, requests: int, markers: Path) -> None:
    """Under Callgrind: zero the counters before each measured request and dump them after it."""
    library = ctypes.CDLL(str(markers))
    for name in ("hello", *PAGES):
        prepare, timed = driver.request(name)
        for _ in range(requests):
            argument = prepare()
            library.perf_zero()
            timed(argument)
            library.perf_dump()


def run_callgrind(setup: dict[str, Any], requests: int, warm_up: int = 2) -> dict[str, int]:
    """Instructions per request of hello-world and each page (minimum over ``requests``), from Callgrind dumps."""
    with tempfile.TemporaryDirectory(prefix="callgrind-") as folder:
        setup_file = Path(folder) / "setup.json"
        setup_file.write_text(json.dumps({**setup, "markers": str(compile_markers(Path(folder)))}), encoding="utf-8")
        out = Path(folder) / "cg.out"
        command = [
            "valgrind",
            "--tool=callgrind",
            "--dump-instr=no",
            "--compress-strings=no",
            f"--callgrind-out-file={out}",
            sys.executable,
            "-m",
            "perf.cpu_pages",
            "--driver",
            str(setup_file),
            "--requests",
            str(requests),
            "--warm-up",
            str(warm_up),
        ]
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        done = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"callgrind run failed:\n{done.stderr[-3000:]}")
        dumps = sorted(Path(folder).glob("cg.out.*"), key=lambda p: int(p.name.rsplit(".", 1)[1]))
        counts = [_total(dump) for dump in dumps]
    names = ("hello", *PAGES)
    if len(counts) != len(names) * requests:
        raise RuntimeError(f"expected {len(names) * requests} callgrind dumps, got {len(counts)}")
    return {name: min(counts[i * requests : (i + 1) * requests]) for i, name in enumerate(names)}


BUDGETS_FILE = PROJECT_ROOT / "perf" / "budgets.json"


def over_budget(measured: dict[str, int], budgets: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """The pages whose instructions per request exceed their budget by more than the file's tolerance."""
    tolerance = float(budgets["tolerance"])
    return {
        page: (measured[page], budget)
        for page, budget in budgets["instructions"].items()
        if page != "hello" and measured[page] > budget * (1 + tolerance)
    }


def _total(dump: Path) -> int:
    for line in dump.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("summary:"):
            return int(line.split()[1])
    raise RuntimeError(f"no totals in {dump}")


def profile(driver: Driver, name: str, requests: int) -> None:
    """cProfile of ``requests`` requests of one page: the top 40 functions by own time and by cumulative time."""
    prepare, timed = driver.request(name)
    profiler = cProfile.Profile()
    for _ in range(requests):
        argument = prepare()
        profiler.enable()
        timed(argument)
        profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(40)
    stats.sort_stats("cumulative").print_stats(60)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m perf.cpu_pages", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--dataset", type=int, default=1000)
    parser.add_argument("--instructions", action="store_true", help="count instructions with Callgrind")
    parser.add_argument("--out", type=Path, default=OUT_DIR / "cpu_pages.json")
    parser.add_argument("--database", type=Path, help="SQLite file to create (default: per process)")
    parser.add_argument("--warm-up", type=int, default=2, help="requests of each page before measuring")
    parser.add_argument("--fresh-wal", action="store_true", help="measure the save before the WAL is written over")
    parser.add_argument("--profile", choices=("hello", *PAGES), help="print cProfile's top functions for one page")
    parser.add_argument("--driver", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.driver:  # the process under Callgrind
        setup = json.loads(args.driver.read_text(encoding="utf-8"))
        driver = Driver(setup)
        driver.warm(args.warm_up)
        measure_instructions(driver, args.requests, Path(setup["markers"]))
        return 0
    compile_catalogues()
    build_assets()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    database = args.database or OUT_DIR / f"cpu-pages-{os.getpid()}.sqlite3"
    setup = prepare("sqlite:///" + str(database), args.dataset)
    result: dict[str, Any] = {"requests": args.requests, "dataset": args.dataset}
    if args.profile:
        driver = Driver(setup)
        driver.warm()
        profile(driver, args.profile, args.requests)
        return 0
    if args.instructions:
        result["instructions"] = run_callgrind(setup, min(args.requests, 5), args.warm_up)
    else:
        driver = Driver(setup)
        driver.warm()
        if not args.fresh_wal:
            result["wal_warm_up_saves"] = driver.warm_wal()
        result["cpu"] = measure_cpu(driver, args.requests)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
