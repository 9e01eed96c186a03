"""Page throughput against the stack's ceiling (gunicorn, 2 workers, loopback, ``wrk``).

    python -m perf.bench_pages [--seconds 8] [--connections 20] [--out perf/out/bench_pages.json]

Serves, one after the other, under the same gunicorn settings (2 sync workers, bound to
127.0.0.1, no access log):

(a) ``perf/hello.py``, a hello-world Flask app: the reference;
(b) the first questionnaire page, GET ``/en/assessment/<token>/importance``;
(c) a page POST that saves a draft (``action=save``; the 20 connections rotate over 20
    drafts).  **The real app runs with CSRF protection off (``WTF_CSRF_ENABLED=False``) for
    this benchmark only**, so that the load generator needs no form token;
(d) a results page, GET ``/en/results/<token>``, with today's peer groups;
(e) the facilitator's live view of a workshop with 50 participants, GET ``/en/workshops/<id>``,
    with the facilitator's session cookie.

The real app uses a fresh SQLite database upgraded with the migrations and holding 1,000
synthetic assessments (a few years of a sector of ~650 funded providers), the probes of
``perf.common.make_probes`` and ``DATA_POOL=synthetic``.  Both servers run side by side
(an idle one costs nothing); each page gets a 2-second warm-up, then ``wrk -t2 -c20 -d8s
--latency``, **paired with a run of (a) just before it**: the machine is shared and its load
changes from minute to minute, so each page's ratio is taken to the reference measured next to
it, and (a)'s own line shows the median of those paired runs.  The load generator shares the
2 cores with the servers, so only the ratios mean anything.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

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

WORKERS = 2
THREADS = 2
DATASET = 1_000
DRAFTS = 20


def ensure_wrk() -> str:
    """Return the path of wrk, installing it from Debian if missing (root only)."""
    path = shutil.which("wrk")
    if path:
        return path
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-qq", "wrk"]
        if subprocess.run(install, env=env, capture_output=True, check=False).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, check=False)
            subprocess.run(install, env=env, capture_output=True, check=False)
    path = shutil.which("wrk")
    if not path:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    return path


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
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(self.base + ready_path, timeout=5) as response:  # noqa: S310 - loopback
                    if response.status == 200:
                        break
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gunicorn {app} did not start; see {self.log.name}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


LATENCY_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(text)
    return float(match.group(1)) * LATENCY_UNITS[match.group(2)]


def parse_wrk(output: str) -> dict[str, Any]:
    """Requests/s, latency percentiles (ms), request count, errors and non-2xx/3xx responses."""
    result: dict[str, Any] = {}
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    result["rps"] = float(rps.group(1)) if rps else 0.0
    for percent in ("50", "75", "90", "99"):
        found = re.search(rf"^\s+{percent}%\s+(\S+)", output, re.MULTILINE)
        result[f"p{percent}_ms"] = round(_ms(found.group(1)), 2) if found else None
    total = re.search(r"(\d+) requests in ([\d.]+)(\w+)", output)
    result["requests"] = int(total.group(1)) if total else 0
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result["non_2xx_3xx"] = int(bad.group(1)) if bad else 0
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    result["socket_errors"] = sum(int(x) for x in errors.groups()) if errors else 0
    return result


def run_wrk(
    wrk: str, url: str, seconds: int, connections: int, script: Path | None = None, headers: list[str] | None = None
) -> dict[str, Any]:
    command = [wrk, f"-t{THREADS}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for header in headers or []:
        command += ["-H", header]
    if script is not None:
        command += ["-s", str(script)]
    command.append(url)
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stderr}")
    return {**parse_wrk(done.stdout), "command": " ".join(command[1:-1]) + " URL", "raw": done.stdout}


def post_script(tokens: list[str]) -> Path:
    """A wrk script POSTing a draft save of the first page, rotating over the drafts."""
    lua = [
        "local tokens = {" + ", ".join(json.dumps(t) for t in tokens) + "}",
        "local n = 0",
        "request = function()",
        "  n = n + 1",
        "  local token = tokens[(n % #tokens) + 1]",
        '  local body = "q1=" .. (n % 11) .. "&action=save&revision=0&layout=&task=&return_to="',
        '  local headers = {["Content-Type"] = "application/x-www-form-urlencoded"}',
        '  return wrk.format("POST", "/en/assessment/" .. token .. "/importance", headers, body)',
        "end",
    ]
    path = OUT_DIR / "post_draft.lua"
    path.write_text("\n".join(lua) + "\n", encoding="utf-8")
    return path


def prepare(url: str, log: Any) -> dict[str, Any]:
    """Fresh database with the migrations, synthetic data and probes; the facilitator's cookie."""
    reset_database(url)
    stats = generate(url, DATASET, log=lambda message: None)
    log(f"  database: {stats['assessments']:,} synthetic assessments generated")
    app = make_app(url)
    with app.app_context():
        probes = make_probes(drafts=DRAFTS + 1)
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
        "post_tokens": probes.draft_tokens[1:],
        "results_token": probes.results_token,
        "workshop_id": probes.workshop_id,
        "cookie": f"session={cookie.value}",
    }


def check(url: str, expect: int, headers: dict[str, str] | None = None, data: bytes | None = None) -> None:
    """One request before the load: the target answers as expected (redirects not followed)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310 - loopback
    try:
        with opener.open(request, timeout=30) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != expect:
        raise RuntimeError(f"{url}: HTTP {status}, expected {expect}")


def drain(url: str) -> None:
    """Wait until requests queued by the previous load have been served (wrk leaves a backlog).

    A request queues behind whatever the server still has to do; two in a row, one per
    worker at most, come back only when the backlog is gone.
    """
    for _ in range(WORKERS):
        with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 - loopback
            response.read()


def run(seconds: int, connections: int, log: Any) -> dict[str, Any]:
    compile_catalogues()
    build_assets()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    wrk = ensure_wrk()
    url = "sqlite:///" + str(OUT_DIR / "bench-pages.sqlite3")
    report: dict[str, Any] = {
        "note": SYNTHETIC_NOTE,
        "environment": environment_summary(),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "settings": {
            "gunicorn_workers": WORKERS,
            "wrk_threads": THREADS,
            "connections": connections,
            "seconds": seconds,
            "dataset": DATASET,
            "csrf_off_for": "the real app, in this benchmark only (the POST needs no form token)",
        },
        "targets": {},
    }
    log("Page throughput:")
    probes = prepare(url, log)
    env = {"PERF_DATABASE_URL": url, "PERF_CSRF": "off"}
    hello = Gunicorn("perf.hello:app", {}, "/")
    server = None
    try:
        server = Gunicorn("perf.wsgi_bench:app", env, "/en/")
        base = server.base
        targets = {
            "b_page_get": ("(b) first questionnaire page, GET", f"/en/assessment/{probes['get_token']}/importance"),
            "c_page_post": ("(c) page POST saving a draft (CSRF off)", "/en/assessment/<20 drafts>/importance"),
            "d_results": ("(d) results page with peers, GET", f"/en/results/{probes['results_token']}"),
            "e_live": ("(e) facilitator live view, 50 participants", f"/en/workshops/{probes['workshop_id']}"),
        }
        body = b"q1=5&action=save&revision=0&layout=&task=&return_to="
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        check(base + targets["b_page_get"][1], 200)
        check(base + f"/en/assessment/{probes['post_tokens'][0]}/importance", 302, form, body)
        check(base + targets["d_results"][1], 200)
        check(base + targets["e_live"][1], 200, {"Cookie": probes["cookie"]})
        script = post_script(probes["post_tokens"])
        run_wrk(wrk, hello.base + "/", 2, connections)  # warm-up
        references = []
        for key, (label, path) in targets.items():
            # The machine is shared: each page is paired with a reference run just before it.
            drain(hello.base + "/")
            reference = run_wrk(wrk, hello.base + "/", seconds, connections)
            references.append(reference)
            kwargs: dict[str, Any] = {}
            if key == "c_page_post":
                kwargs["script"] = script
            if key == "e_live":
                kwargs["headers"] = [f"Cookie: {probes['cookie']}"]
            target_url = base + (path if "<" not in path else "/")
            drain(base + "/en/")
            run_wrk(wrk, target_url, 2, connections, **kwargs)  # warm-up
            drain(base + "/en/")
            measured = run_wrk(wrk, target_url, seconds, connections, **kwargs)
            report["targets"][key] = {
                "label": label,
                "path": path,
                **measured,
                "reference": {k: reference[k] for k in ("rps", "p50_ms", "p99_ms", "requests")},
            }
            log(
                f"  {label}: {measured['rps']} req/s, p99 {measured['p99_ms']} ms "
                f"(reference just before: {reference['rps']} req/s, p99 {reference['p99_ms']} ms)"
            )
        middle = sorted(references, key=lambda r: r["rps"])[len(references) // 2]
        report["targets"] = {
            "a_hello": {
                "label": "(a) hello-world Flask (reference; median of the paired runs)",
                "path": "/",
                **middle,
                "runs_rps": [r["rps"] for r in references],
                "runs_p99_ms": [r["p99_ms"] for r in references],
            },
            **report["targets"],
        }
    finally:
        hello.stop()
        if server is not None:
            server.stop()
    for suffix in ("", "-wal", "-shm"):
        Path(str(OUT_DIR / "bench-pages.sqlite3") + suffix).unlink(missing_ok=True)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description="Page throughput against a hello-world reference")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--out", default=str(OUT_DIR / "bench_pages.json"))
    args = parser.parse_args()

    def log(message: str) -> None:
        print(message, flush=True)

    report = run(args.seconds, args.connections, log)
    Path(args.out).write_text(json.dumps(report, indent=1), encoding="utf-8")
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
