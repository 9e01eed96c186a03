"""Durability under ``kill -9``: acknowledged saves and submissions survive a worker and a whole-server crash.

    python -m perf.soak                      # SQLite (a fresh file in perf/out/, upgraded with `flask db upgrade`)
    scripts/with-postgres.sh python -m perf.soak --postgres    # the throwaway PostgreSQL server's database
    make soak                                # both, then perf/soak-results.json

Each trial serves the app (``wsgi:app``) with gunicorn, 2 sync workers on loopback, and lets
``--respondents`` simulated respondents (threads speaking HTTP with ``http.client``, each with its own
cookie jar and CSRF token: CSRF protection stays **on**) start a draft, save every page (about half of
them twice, with different answers) and submit.  Every save answered with a 302 is *acknowledged*, and
so is every submit answered with a 302 to the confirmation page.  Meanwhile:

* after 2–3 s one gunicorn worker is killed with SIGKILL (the master starts another);
* after 4–5 s the whole gunicorn process group (master and workers) is killed with SIGKILL, and
  gunicorn is started again half a second later;
* clients retry a request whose connection failed (the same answers), until the trial's deadline:
  20 s, or 8 s after gunicorn answers again if its restart was slow (a loaded machine), at most 32 s.

Then, against the database: every acknowledged submission is submitted; every answer of an
acknowledged save holds the acknowledged value, or the value of a later save of that page (sent,
maybe unacknowledged, which may have committed before its answer was lost), so no draft goes
backwards; the organisation facts copied from the answers (size band, provinces) agree with them;
on SQLite ``PRAGMA integrity_check`` says ``ok`` (on PostgreSQL: no orphan answer or province rows).

This checks crashes of the application server, not of the machine or of PostgreSQL (the throwaway
server runs with ``fsync=off``: its durability on power loss is not what is measured).  SQLite runs
in WAL mode with ``synchronous=FULL`` (benchmark/store/database.py).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from perf.common import OUT_DIR, PROJECT_ROOT, build_assets, compile_catalogues

RESULTS = Path(__file__).resolve().parent / "soak-results.json"
SECRET_KEY = "soak-test-secret-not-for-production"  # noqa: S105 - throwaway soak servers only
WORKERS = 2
TRIAL_SECONDS = 20.0
#: After the restart, clients get at least this long with the server up (a loaded machine restarts slowly) …
AFTER_RESTART_SECONDS = 8.0
#: … within this bound.
TRIAL_MAX_SECONDS = 32.0
REQUEST_TIMEOUT = 10.0
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TOKEN_IN_URL = re.compile(r"/assessment/([A-Za-z0-9_-]{43})/")


# --------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def children_of(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (gunicorn's workers), read from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
    return found


class Gunicorn:
    """gunicorn in its own process group, started, killed and stopped by this script only."""

    def __init__(self, port: int, env: dict[str, str], log: Path) -> None:
        self.port = port
        self.env = env
        self.log_path = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        command = [gunicorn, "--no-control-socket", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{self.port}"]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [*command, "wsgi:app"],
                cwd=PROJECT_ROOT,
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killpg reaches master and workers only
            )

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/en/privacy")
                if connection.getresponse().status == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s; see {self.log_path}")

    def kill_one_worker(self) -> bool:
        assert self.process is not None
        workers = children_of(self.process.pid)
        if not workers:
            return False
        with contextlib.suppress(ProcessLookupError):
            os.kill(random.choice(workers), signal.SIGKILL)
        return True

    def kill_everything(self) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


# --------------------------------------------------------------------------- the respondents


@dataclass
class Save:
    """One logical page save (retried as it is after a failed connection)."""

    page: str
    values: dict[str, Any]  # every answer key of the page: the value it should hold after this save (None = no answer)
    acknowledged: bool = False


@dataclass
class Client:
    """One simulated respondent: a cookie jar, a CSRF token, a draft, and what the server acknowledged."""

    number: int
    port: int
    deadline: list[float]  # one shared, mutable value: the trial may give clients more time after a slow restart
    rng: random.Random
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""
    token: str | None = None
    saves: list[Save] = field(default_factory=list)
    submit_sent: bool = False
    submit_acknowledged: bool = False
    requests: int = 0
    retries: int = 0
    server_errors: int = 0
    finished: bool = False

    def send(self, method: str, path: str, fields: list[tuple[str, str]] | None = None) -> tuple[int, str, str] | None:
        """One request, retried after connection failures and 5xx until the deadline: (status, Location, body)."""
        body = urlencode(fields) if fields is not None else None
        while time.monotonic() < self.deadline[0]:
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
            if body is not None:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            self.requests += 1
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
                try:
                    connection.request(method, path, body=body, headers=headers)
                    response = connection.getresponse()
                    text = response.read().decode("utf-8", "replace")
                finally:
                    connection.close()
            except (OSError, http.client.HTTPException):
                self.retries += 1
                time.sleep(self.rng.uniform(0.1, 0.4))
                continue
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie: SimpleCookie = SimpleCookie()
                cookie.load(header)
                for name, morsel in cookie.items():
                    self.cookies[name] = morsel.value
            if response.status >= 500:
                self.server_errors += 1
                self.retries += 1
                time.sleep(self.rng.uniform(0.1, 0.4))
                continue
            return response.status, response.getheader("Location") or "", text
        return None

    def pause(self) -> None:
        time.sleep(self.rng.uniform(0.02, 0.15))

    def run(self, pages: list[tuple[str, list[Any]]]) -> None:
        time.sleep(self.rng.uniform(0, 3.0))  # respondents arrive over the first seconds
        first = self.send("GET", "/en/assessment/")
        if first is None or not (match := CSRF_INPUT.search(first[2])):
            return
        self.csrf = match.group(1)
        started = self.send("POST", "/en/assessment/", [("csrf_token", self.csrf), ("label", f"soak {self.number}")])
        if started is None or started[0] != 302 or not (found := TOKEN_IN_URL.search(started[1])):
            return
        self.token = found.group(1)
        # The organisation page first (its answers are required to submit); every other respondent
        # answers two more pages only, so that submissions happen all through the trial.
        rest = [page for page in pages if page[0] != "organisation"]
        chosen = [*[page for page in pages if page[0] == "organisation"], *rest]
        if self.number % 2:
            chosen = chosen[:1] + self.rng.sample(rest, k=2)
        for page_id, items in chosen:
            for _time in range(1 + (self.rng.random() < 0.5)):  # about half the pages are saved twice
                self.pause()
                fields, values = draw_page(items, self.rng)
                save = Save(page_id, values)
                self.saves.append(save)
                answer = self.send(
                    "POST",
                    f"/en/assessment/{self.token}/{page_id}",
                    [*fields, ("csrf_token", self.csrf), ("action", "save")],
                )
                if answer is None:
                    return
                save.acknowledged = answer[0] == 302
        self.pause()
        self.submit_sent = True
        answer = self.send("POST", f"/en/assessment/{self.token}/review", [("csrf_token", self.csrf)])
        if answer is not None:
            self.submit_acknowledged = answer[0] == 302 and answer[1].endswith("/done")
            self.finished = answer[0] in {302, 409}


def draw_page(items: list[Any], rng: random.Random) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    """Random valid answers to one page: the form fields, and the value each answer key should then hold."""
    fields: list[tuple[str, str]] = []
    values: dict[str, Any] = {}
    for item in items:
        keys = list(item.answer_keys())
        plain = [o.id for o in item.options if not o.exclusive and not o.missing]
        for key in keys:
            values[key] = None
        if not item.required and rng.random() < 0.15:
            continue  # skipped: the save clears it
        name = item.id.replace(".", "-")
        if item.type == "scale_0_10":
            point = rng.randint(0, 10)
            fields.append((name, str(point)))
            values[item.id] = point
        elif item.type == "single":
            choice = rng.choice(plain)
            fields.append((name, choice))
            values[item.id] = choice
        elif item.type == "multi":
            chosen = rng.sample(plain, k=min(len(plain), rng.randint(1, 3)))
            fields += [(name, option) for option in chosen]
            values[item.id] = chosen
        else:
            for key in keys:
                choice = rng.choice(plain)
                fields.append((key.replace(".", "-"), choice))
                values[key] = choice
    return fields, values


# --------------------------------------------------------------------------- one trial


@dataclass
class Trial:
    number: int
    respondents: int
    saves_acknowledged: int = 0
    saves_lost: int = 0
    went_backwards: int = 0
    submissions_acknowledged: int = 0
    submissions_lost: int = 0
    submitted_unacknowledged: int = 0
    facts_out_of_step: int = 0
    drafts_started: int = 0
    finished: int = 0
    requests: int = 0
    retries: int = 0
    server_errors: int = 0
    worker_killed_at_s: float | None = None
    master_killed_at_s: float | None = None
    back_up_after_s: float | None = None
    integrity_check: str = "n/a"
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)


def run_trial(number: int, args: argparse.Namespace, server: Gunicorn, pages: list[tuple[str, list[Any]]]) -> Trial:
    trial = Trial(number=number, respondents=args.respondents)
    rng = random.Random(args.seed * 1000 + number)
    server.start()
    server.wait_ready()
    began = time.monotonic()
    deadline = [began + TRIAL_SECONDS]
    clients = [
        Client(number=i, port=server.port, deadline=deadline, rng=random.Random(rng.random()))
        for i in range(args.respondents)
    ]
    threads = [threading.Thread(target=c.run, args=(pages,), daemon=True) for c in clients]
    for thread in threads:
        thread.start()

    time.sleep(rng.uniform(2.0, 3.0))
    if server.kill_one_worker():
        trial.worker_killed_at_s = round(time.monotonic() - began, 2)
    time.sleep(max(0.0, rng.uniform(4.0, 5.0) - (time.monotonic() - began)))
    server.kill_everything()
    trial.master_killed_at_s = round(time.monotonic() - began, 2)
    time.sleep(0.5)
    server.start()
    with contextlib.suppress(RuntimeError):
        server.wait_ready(timeout=max(1.0, began + TRIAL_MAX_SECONDS - AFTER_RESTART_SECONDS - time.monotonic()))
        trial.back_up_after_s = round(time.monotonic() - began - trial.master_killed_at_s, 2)
        deadline[0] = min(began + TRIAL_MAX_SECONDS, max(deadline[0], time.monotonic() + AFTER_RESTART_SECONDS))
    for thread in threads:
        thread.join(timeout=max(0.1, deadline[0] + REQUEST_TIMEOUT - time.monotonic()))
    trial.seconds = round(time.monotonic() - began, 1)
    server.stop()
    check(trial, clients, args)
    return trial


def check(trial: Trial, clients: list[Client], args: argparse.Namespace) -> None:
    """Compare what the clients were told with what the database holds."""
    import sqlalchemy as sa

    from benchmark.app import create_app
    from benchmark.extensions import db
    from benchmark.store import assessments as services

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.url, "SECRET_KEY": SECRET_KEY, "ASSETS_AUTO_BUILD": False})
    with app.app_context():
        for client in clients:
            trial.requests += client.requests
            trial.retries += client.retries
            trial.server_errors += client.server_errors
            trial.finished += client.finished
            acknowledged = [s for s in client.saves if s.acknowledged]
            trial.saves_acknowledged += len(acknowledged)
            trial.submissions_acknowledged += client.submit_acknowledged
            if client.token is None:
                continue
            trial.drafts_started += 1
            assessment = services.find_by_token(client.token)
            if assessment is None:
                trial.saves_lost += len(acknowledged)
                trial.submissions_lost += client.submit_acknowledged
                trial.problems.append(f"respondent {client.number}: acknowledged draft missing")
                continue
            stored = assessment.answer_map()
            if client.submit_acknowledged and assessment.status != "submitted":
                trial.submissions_lost += 1
                trial.problems.append(f"respondent {client.number}: acknowledged submission is {assessment.status}")
            if client.submit_sent and not client.submit_acknowledged and assessment.status == "submitted":
                trial.submitted_unacknowledged += 1
            regions = sorted(r.region for r in assessment.regions)
            if assessment.size_band != stored.get("q25") or regions != sorted(stored.get("q26") or []):
                trial.facts_out_of_step += 1
                trial.problems.append(
                    f"respondent {client.number}: size band {assessment.size_band}, regions {regions} "
                    f"but answers q25={stored.get('q25')}, q26={stored.get('q26')}"
                )
            lost, backwards = compare(client.saves, stored)
            trial.saves_lost += len(lost)
            trial.went_backwards += backwards
            trial.problems += [f"respondent {client.number}: {p}" for p in lost]
        if not args.url.startswith("sqlite:///"):  # PostgreSQL: no orphan rows (half-written deletes or saves)
            orphans = db.session.scalar(
                sa.text(
                    "SELECT (SELECT count(*) FROM answer WHERE assessment_id NOT IN (SELECT id FROM assessment))"
                    " + (SELECT count(*) FROM assessment_region WHERE assessment_id NOT IN (SELECT id FROM assessment))"
                )
            )
            trial.integrity_check = "ok" if orphans == 0 else f"{orphans} orphans"
        db.session.remove()
        db.engine.dispose()
    if args.url.startswith("sqlite:///"):
        path = args.url.removeprefix("sqlite:///")
        with contextlib.closing(sqlite3.connect(path)) as connection:
            trial.integrity_check = str(connection.execute("PRAGMA integrity_check").fetchone()[0])


def compare(saves: list[Save], stored: dict[str, Any]) -> tuple[list[str], int]:
    """Acknowledged saves whose answers are not in the database, and how many of those went backwards.

    After the last acknowledged save of a page, an answer may hold that save's value or the value of
    any later save of the page (sent, unacknowledged: it may have committed before the crash).
    """
    lost: list[str] = []
    backwards = 0
    by_page: dict[str, list[Save]] = {}
    for save in saves:
        by_page.setdefault(save.page, []).append(save)
    for page, page_saves in by_page.items():
        acked = [i for i, s in enumerate(page_saves) if s.acknowledged]
        if not acked:
            continue
        last = acked[-1]
        wrong = []
        for key in page_saves[last].values:
            allowed = [s.values[key] for s in page_saves[last:]]
            if stored.get(key) not in allowed:
                wrong.append(key)
                if any(stored.get(key) == s.values[key] for s in page_saves[:last]):
                    backwards += 1
        if wrong:
            lost.append(f"page {page}: {', '.join(wrong)} not as acknowledged")
    return lost, backwards


# --------------------------------------------------------------------------- the run


def prepare_database(args: argparse.Namespace) -> None:
    """A fresh database, upgraded with ``flask db upgrade`` (as `make run` does)."""
    if args.url.startswith("sqlite:///"):  # PostgreSQL: scripts/with-postgres.sh made a fresh database
        path = Path(args.url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "benchmark.app", "db", "upgrade"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": args.url, "SECRET_KEY": SECRET_KEY},
        check=True,
        capture_output=True,
    )


def questionnaire_pages() -> list[tuple[str, list[Any]]]:
    from benchmark.core.questionnaire import load_questionnaire

    q = load_questionnaire()
    return [(page.id, q.page_items(page)) for page in q.pages]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help="use TEST_DATABASE_URL (scripts/with-postgres.sh)")
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--respondents", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2017)
    args = parser.parse_args(argv)
    OUT_DIR.mkdir(exist_ok=True)
    database = "postgresql" if args.postgres else "sqlite"
    if args.postgres:
        args.url = os.environ.get("TEST_DATABASE_URL", "")
        if not args.url:
            parser.error("--postgres needs TEST_DATABASE_URL: run it through scripts/with-postgres.sh")
    else:
        args.url = f"sqlite:///{OUT_DIR / 'soak.sqlite3'}"
    compile_catalogues()
    build_assets()
    prepare_database(args)
    pages = questionnaire_pages()
    log = OUT_DIR / f"soak-gunicorn-{database}.log"
    log.unlink(missing_ok=True)
    env = {"DATABASE_URL": args.url, "SECRET_KEY": SECRET_KEY, "ASSETS_AUTO_BUILD": "false"}
    server = Gunicorn(free_port(), env, log)
    print(f"Soak on {database}: {args.trials} trials × {args.respondents} respondents, gunicorn {WORKERS} workers")
    trials = []
    try:
        for number in range(1, args.trials + 1):
            trial = run_trial(number, args, server, pages)
            trials.append(trial)
            print(row(trial), flush=True)
    finally:
        server.stop()
    report(database, args, trials)
    durable = all(t.saves_lost == 0 and t.submissions_lost == 0 and t.integrity_check == "ok" for t in trials)
    return 0 if durable else 1


HEADER = (
    f"{'trial':>5} {'saves ack':>9} {'lost':>4} {'back':>4} {'submits ack':>11} {'lost':>4} {'5xx':>4} "
    f"{'facts':>5} {'retries':>7} {'worker kill':>11} {'group kill':>10} {'back up':>7} {'integrity':>9} {'s':>5}"
)


def row(t: Trial) -> str:
    if t.number == 1:
        print(HEADER)
    return (
        f"{t.number:>5} {t.saves_acknowledged:>9} {t.saves_lost:>4} {t.went_backwards:>4} "
        f"{t.submissions_acknowledged:>11} {t.submissions_lost:>4} {t.server_errors:>4} {t.facts_out_of_step:>5} "
        f"{t.retries:>7} "
        f"{t.worker_killed_at_s or '-':>11} {t.master_killed_at_s or '-':>10} {t.back_up_after_s or '-':>7} "
        f"{t.integrity_check:>9} {t.seconds:>5}" + ("".join(f"\n      ! {p}" for p in t.problems[:5]))
    )


def report(database: str, args: argparse.Namespace, trials: list[Trial]) -> None:
    totals = {
        name: sum(getattr(t, name) for t in trials)
        for name in (
            "saves_acknowledged",
            "saves_lost",
            "went_backwards",
            "submissions_acknowledged",
            "submissions_lost",
            "submitted_unacknowledged",
            "facts_out_of_step",
            "server_errors",
            "retries",
            "requests",
        )
    }
    totals["trials"] = len(trials)
    totals["integrity_ok"] = sum(t.integrity_check == "ok" for t in trials)
    print(
        f"{database}: {totals['trials']} trials; saves acknowledged {totals['saves_acknowledged']}, lost "
        f"{totals['saves_lost']}; submissions acknowledged {totals['submissions_acknowledged']}, lost "
        f"{totals['submissions_lost']}; 5xx {totals['server_errors']}"
    )
    results: dict[str, Any] = {}
    if RESULTS.exists():
        with contextlib.suppress(ValueError):
            results = json.loads(RESULTS.read_text(encoding="utf-8"))
    results["about"] = (
        "perf/soak.py (make soak): gunicorn (2 sync workers, loopback) killed with SIGKILL mid-load, "
        "one worker then the whole process group, then restarted; simulated respondents (CSRF on) retry. "
        "'lost' = acknowledged but not in the database afterwards."
    )
    results[database] = {
        "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": {
            "respondents": args.respondents,
            "gunicorn_workers": WORKERS,
            "trial_seconds": TRIAL_SECONDS,
            "at_least_seconds_after_restart": AFTER_RESTART_SECONDS,
            "trial_max_seconds": TRIAL_MAX_SECONDS,
            "seed": args.seed,
            "database": "SQLite WAL, synchronous=FULL" if database == "sqlite" else "PostgreSQL (throwaway, fsync=off)",
        },
        "totals": totals,
        "trials": [asdict(t) for t in trials],
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"Wrote {RESULTS.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
