"""`make run`'s server keeps the sign-in rate limit with its default settings.

The gunicorn command is taken from the Makefile itself (``make -n run``), started on loopback
over the test database, and sent 30 wrong sign-ins: no more than the limit (10 a minute) may be
answered; the rest get 429.  With several worker processes and ``memory://`` counts, each worker
allowed 10 (14 to 20 got through).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def make_run_command(port: int, **variables: str) -> tuple[dict[str, str], list[str]]:
    """The environment assignments and the gunicorn command line `make run` would run."""
    assignments = [f"{name}={value}" for name, value in {"BIN": str(BIN), "PORT": str(port), **variables}.items()]
    # the Makefile's defaults, whatever this shell exports
    env = {k: v for k, v in os.environ.items() if k not in {"RATELIMIT_STORAGE_URI", "WORKERS", "THREADS", "HOST"}}
    dry = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", *assignments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    line = next(line for line in dry.stdout.splitlines() if "/gunicorn " in line)
    words = shlex.split(line)
    prefix = {}
    while "=" in words[0] and not words[0].startswith("/"):
        name, value = words.pop(0).split("=", 1)
        prefix[name] = value
    return prefix, words


def test_make_run_defaults_to_one_worker_process_with_threads() -> None:
    _env, command = make_run_command(8000)
    assert command[command.index("--workers") + 1] == "1"
    assert command[command.index("--worker-class") + 1] == "gthread"
    _env, shared = make_run_command(8000, RATELIMIT_STORAGE_URI="redis://localhost:6379/0")
    assert shared[shared.index("--workers") + 1] == "2"


@pytest.mark.db
def test_make_run_server_holds_the_sign_in_limit(database_url: str, _schema: None, tmp_path: Path) -> None:
    port = free_port()
    prefix, command = make_run_command(port)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("RATELIMIT_", "TEST_"))},
        **prefix,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "make-run-test-key",
        "ASSETS_AUTO_BUILD": "true",  # the test's checkout need not have built bundles
    }
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(["timeout", "60", *command], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}/en/account/sign-in"
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        form = _wait_for(opener, base, server)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
        statuses = []
        for attempt in range(30):
            data = urllib.parse.urlencode(
                {"csrf_token": token, "email": f"nobody{attempt}@example.org", "password": "wrong password"}
            ).encode()
            try:
                statuses.append(opener.open(base, data=data, timeout=10).status)
            except urllib.error.HTTPError as error:
                statuses.append(error.code)
                error.close()
        assert len([status for status in statuses if status != 429]) <= 10, statuses
        assert set(statuses) <= {400, 429}, statuses
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()


def _wait_for(opener: urllib.request.OpenerDirector, url: str, server: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn stopped with status {server.returncode}")
        try:
            with opener.open(url, timeout=15) as response:
                return str(response.read().decode("utf-8"))
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    pytest.fail("gunicorn did not answer within 20 s")
