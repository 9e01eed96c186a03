"""The cluster under failure: no acknowledged answer lost while its parts die and restart.

    make soak-cluster                 # 10 trials; writes perf/soak-cluster.json
    make soak-cluster TRIALS=2        # shorter, while developing
    python -m perf.soak_cluster --trials 1          # prints only (no --write: no tracked file changes)

One cluster (perf/cluster.py: a throwaway PostgreSQL, Redis, two gunicorn app servers, nginx in
front) serves every trial.  In each, 50 simulated respondents (perf/soak.py's clients: threads
speaking HTTP through nginx with their own cookies and CSRF tokens) start a draft, save pages and
submit, retrying a request whose connection failed or that got a 5xx (the same answers).  Meanwhile:

* after about 3 s one app server (master and workers) is killed with SIGKILL and started again;
* after about 8 s Redis is restarted (SIGTERM, then started; its counts start from zero);
* after about 13 s PostgreSQL is restarted with ``pg_ctl -m fast restart`` (open transactions
  rolled back, every connection dropped).

Then: every acknowledged save holds its answers (or a later save's) and every acknowledged
submission is submitted (perf/soak.py's check); the summary counts equal a full recount
(benchmark/store/summary); and the sign-in limit (10 a minute) is tried across both servers,
straight to each, alternating, 25 times from one address: the allowed attempts above 10 are the
rate-limit excess.  The longest time any request waited (from its first send to its answer,
retries included) is recorded per trial: that is how long a person waited during a restart.
A 503 answered to a POST is counted as *kept* when its page holds the form to send again.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchmark.app import create_app
from benchmark.extensions import db
from benchmark.store import summary
from perf.cluster import SECRET_KEY, Cluster
from perf.common import build_assets, compile_catalogues
from perf.soak import CSRF_INPUT, REQUEST_TIMEOUT, Client, Trial, check, questionnaire_pages

RESULTS = Path(__file__).resolve().parent / "soak-cluster.json"
RESPONDENTS = 50
TRIAL_SECONDS = 24.0
TRIAL_MAX_SECONDS = 45.0
#: Respondents arrive one after another over this many seconds, so that load spans every restart.
ARRIVALS_S = 14.0
SIGN_IN_LIMIT = 10
SIGN_IN_ATTEMPTS = 25


@dataclass
class TimedClient(Client):
    """A respondent that also records its longest wait and the 503 pages it saw."""

    arrival_s: float = 0.0
    longest_wait_s: float = 0.0
    unavailable: int = 0
    unavailable_kept: int = 0

    def run(self, pages: list[tuple[str, list[Any]]]) -> None:
        """Arrive at ``arrival_s`` (respondents keep arriving through every restart), then answer."""
        time.sleep(self.arrival_s)
        super().run(pages)

    def send(self, method: str, path: str, fields: list[tuple[str, str]] | None = None) -> tuple[int, str, str] | None:
        """perf/soak.py's send (retry on failure or 5xx until the deadline), timed, noting 503 pages."""
        began = time.monotonic()
        body = urlencode(fields) if fields is not None else None
        try:
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
                    self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
                if response.status >= 500:
                    self.server_errors += 1
                    if response.status == 503:
                        self.unavailable += 1
                        self.unavailable_kept += method == "POST" and 'class="unavailable-resend"' in text
                    self.retries += 1
                    time.sleep(self.rng.uniform(0.2, 0.6))
                    continue
                return response.status, response.getheader("Location") or "", text
            return None
        finally:
            self.longest_wait_s = max(self.longest_wait_s, time.monotonic() - began)


@dataclass
class ClusterTrial:
    trial: Trial
    longest_wait_s: float = 0.0
    unavailable_pages: int = 0
    unavailable_posts_kept: int = 0
    summary_mismatches: int = 0
    rate_limit_allowed: int = 0
    rate_limit_excess: int = 0
    rate_limit_statuses: list[int] = field(default_factory=list)
    events: dict[str, float] = field(default_factory=dict)


def sign_in_attempts(cluster: Cluster, address: str) -> list[int]:
    """Wrong sign-ins straight to each app server in turn, as from one client behind the proxy."""
    statuses = []
    cookies: dict[str, str] = {}
    csrf = ""
    for attempt in range(SIGN_IN_ATTEMPTS + 1):
        port = cluster.apps[attempt % len(cluster.apps)].port
        headers = {"X-Forwarded-For": address, "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        body = None
        method = "GET"
        if attempt:
            method = "POST"
            fields = [("csrf_token", csrf), ("email", f"nobody{attempt}@example.org"), ("password", "wrong")]
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request(method, "/en/account/sign-in", body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(header)
            cookies.update({name: morsel.value for name, morsel in cookie.items()})
        if attempt == 0:
            found = CSRF_INPUT.search(text)
            csrf = found.group(1) if found else ""
        else:
            statuses.append(response.status)
    return statuses


def timed(events: dict[str, float], name: str, began: float, action: Any) -> None:
    start = time.monotonic()
    events[f"{name}_at_s"] = round(start - began, 1)
    action()
    events[f"{name}_took_s"] = round(time.monotonic() - start, 2)


def disrupt(cluster: Cluster, began: float, rng: random.Random, events: dict[str, float]) -> None:
    """Kill and restart one app server, then restart Redis, then PostgreSQL (fast shutdown)."""
    time.sleep(max(0.0, began + rng.uniform(2.5, 3.5) - time.monotonic()))
    victim = rng.choice(cluster.apps)
    # Restarted in the background: the next restarts come on time even when this one boots slowly.
    restarting = threading.Thread(
        target=timed, args=(events, f"sigkill_{victim.name}_restart", began, victim.restart), daemon=True
    )
    restarting.start()
    time.sleep(max(0.0, began + rng.uniform(7.5, 8.5) - time.monotonic()))
    timed(events, "redis_restart", began, cluster.redis.restart)
    time.sleep(max(0.0, began + rng.uniform(12.5, 13.5) - time.monotonic()))
    assert cluster.postgres is not None
    timed(events, "postgres_fast_restart", began, cluster.postgres.restart)
    restarting.join()


def run_trial(number: int, cluster: Cluster, pages: list[tuple[str, list[Any]]], seed: int) -> ClusterTrial:
    rng = random.Random(seed * 1000 + number)
    trial = Trial(number=number, respondents=RESPONDENTS)
    result = ClusterTrial(trial=trial)
    began = time.monotonic()
    deadline = [began + TRIAL_SECONDS]
    clients = [
        TimedClient(
            number=i,
            port=cluster.proxy_port,
            deadline=deadline,
            rng=random.Random(rng.random()),
            arrival_s=ARRIVALS_S * i / RESPONDENTS,
        )
        for i in range(RESPONDENTS)
    ]
    threads = [threading.Thread(target=client.run, args=(pages,), daemon=True) for client in clients]
    for thread in threads:
        thread.start()
    disrupt(cluster, began, rng, result.events)
    # Clients get at least 8 s with everything up again, within the trial's bound.
    deadline[0] = min(max(deadline[0], time.monotonic() + 8.0), began + TRIAL_MAX_SECONDS)
    for thread in threads:
        thread.join(timeout=max(0.1, deadline[0] - time.monotonic() + REQUEST_TIMEOUT + 5))
    trial.seconds = round(time.monotonic() - began, 1)
    check(trial, clients, argparse.Namespace(url=cluster.database_url))
    result.longest_wait_s = round(max(client.longest_wait_s for client in clients), 2)
    result.unavailable_pages = sum(client.unavailable for client in clients)
    result.unavailable_posts_kept = sum(client.unavailable_kept for client in clients)
    result.summary_mismatches = summary_mismatches(cluster.database_url)
    statuses = sign_in_attempts(cluster, f"198.51.100.{number}")
    result.rate_limit_statuses = statuses
    result.rate_limit_allowed = sum(status != 429 for status in statuses)
    result.rate_limit_excess = max(0, result.rate_limit_allowed - SIGN_IN_LIMIT)
    return result


def summary_mismatches(database_url: str) -> int:
    """How many summary counts differ from a full recount."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET_KEY, "ASSETS_AUTO_BUILD": False})
    with app.app_context():
        wrong = summary.mismatches()
        db.session.remove()
        db.engine.dispose()
    return len(wrong)


def totals(results: list[ClusterTrial]) -> dict[str, Any]:
    trials = [r.trial for r in results]
    acknowledged = sum(t.saves_acknowledged + t.submissions_acknowledged for t in trials)
    return {
        "trials": len(results),
        "respondents_per_trial": RESPONDENTS,
        "requests": sum(t.requests for t in trials),
        "acknowledged": acknowledged,
        "saves_acknowledged": sum(t.saves_acknowledged for t in trials),
        "submissions_acknowledged": sum(t.submissions_acknowledged for t in trials),
        "lost": sum(t.saves_lost + t.submissions_lost for t in trials),
        "went_backwards": sum(t.went_backwards for t in trials),
        "summary_mismatches": sum(r.summary_mismatches for r in results),
        "rate_limit_excess": sum(r.rate_limit_excess for r in results),
        "longest_wait_s": max((r.longest_wait_s for r in results), default=0.0),
        "server_errors_5xx": sum(t.server_errors for t in trials),
        "unavailable_503": sum(r.unavailable_pages for r in results),
        "unavailable_posts_kept": sum(r.unavailable_posts_kept for r in results),
        "retries": sum(t.retries for t in trials),
        "orphan_check_ok": sum(t.integrity_check == "ok" for t in trials),
    }


def row(result: ClusterTrial) -> str:
    t = result.trial
    events = ", ".join(f"{k} {v}" for k, v in result.events.items() if k.endswith("_took_s"))
    return (
        f"trial {t.number}: requests {t.requests}, acknowledged {t.saves_acknowledged} saves + "
        f"{t.submissions_acknowledged} submissions, lost {t.saves_lost + t.submissions_lost}, "
        f"5xx {t.server_errors} (503 {result.unavailable_pages}, POSTs kept {result.unavailable_posts_kept}), "
        f"recount mismatches {result.summary_mismatches}, sign-ins allowed {result.rate_limit_allowed}/"
        f"{SIGN_IN_ATTEMPTS} (excess {result.rate_limit_excess}), longest wait {result.longest_wait_s} s; "
        f"{events}; {t.seconds} s" + "".join(f"\n    ! {p}" for p in t.problems[:5])
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--write", action="store_true", help=f"write {RESULTS.name} (make soak-cluster)")
    args = parser.parse_args(argv)
    compile_catalogues()
    build_assets()
    pages = questionnaire_pages()
    results = []
    print(f"Cluster soak: {args.trials} trials × {RESPONDENTS} respondents through nginx to 2 app servers", flush=True)
    with Cluster(servers=2) as cluster:
        for number in range(1, args.trials + 1):
            result = run_trial(number, cluster, pages, args.seed)
            results.append(result)
            print(row(result), flush=True)
    figures = totals(results)
    print(json.dumps(figures, indent=2))
    if args.write:
        RESULTS.write_text(
            json.dumps(
                {
                    "about": __doc__.split("\n\n")[0] + " perf/soak_cluster.py (make soak-cluster).",
                    "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "settings": {
                        "respondents": RESPONDENTS,
                        "app_servers": 2,
                        "gunicorn": "deploy/gunicorn.conf.py (2 gthread workers × 4 threads each)",
                        "trial_seconds": TRIAL_SECONDS,
                        "trial_max_seconds": TRIAL_MAX_SECONDS,
                        "sign_in_limit_per_minute": SIGN_IN_LIMIT,
                        "sign_in_attempts": SIGN_IN_ATTEMPTS,
                        "seed": args.seed,
                        "database": "PostgreSQL (throwaway, fsync=off), restarted with pg_ctl -m fast",
                    },
                    "totals": figures,
                    "trials": [{**asdict(r), "trial": asdict(r.trial)} for r in results],
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
        print(f"Wrote {RESULTS.name}")
    ok = figures["lost"] == 0 and figures["rate_limit_excess"] == 0 and figures["summary_mismatches"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
