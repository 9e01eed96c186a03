"""A throwaway cluster on one machine: PostgreSQL, Redis, two gunicorn app servers and nginx in front.

    make cluster                     # starts it and prints the address; Ctrl-C stops and removes it
    python -m perf.cluster --servers 3

Every process runs unprivileged in its own process group with its files in one temporary folder
(PostgreSQL as the ``postgres`` user when we are root: initdb refuses root), started and stopped by
this module only, never the system services.  The configuration comes from the deployment files in
``deploy/`` (nginx.conf, gunicorn.conf.py, redis.conf; README "Running several servers").  The same
classes serve ``make soak-cluster`` (perf/soak_cluster.py) and tests/web/test_cluster.py, which kill
and restart the parts.  The PostgreSQL recipe is scripts/with-postgres.sh's (``fsync=off``: a test
server, not a durable one).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from perf.common import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"
SECRET_KEY = "cluster-secret-not-for-production"  # noqa: S105 - throwaway local clusters only


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(port: int, path: str, timeout: float = 2.0) -> tuple[int, bytes]:
    """One GET on loopback: (status, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_until(ready: object, what: str, process: subprocess.Popen[bytes] | None, timeout: float = 60.0) -> None:
    """Poll ``ready()`` until it is true; fail early when ``process`` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with status {process.returncode}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if ready():  # type: ignore[operator]
                return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not answer within {timeout} s")


class Process:
    """One program in its own process group, its output in a log file."""

    def __init__(self, name: str, log: Path) -> None:
        self.name = name
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def spawn(self, command: list[str], env: dict[str, str] | None = None, cwd: Path = PROJECT_ROOT) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole process group (a gunicorn master and its workers)."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.wait_group_gone()

    def wait_group_gone(self, timeout: float = 10.0) -> None:
        """Until no process of the group is left (a gunicorn worker may hold the listening socket a moment)."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.02)

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM, then SIGKILL after ``timeout``."""
        if not self.alive():
            return
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()


class Postgres:
    """A throwaway PostgreSQL server on loopback (scripts/with-postgres.sh in Python)."""

    def __init__(self, folder: Path) -> None:
        versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
        if not versions:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
        self.bin = versions[-1]
        self.folder = folder
        self.port = free_port()
        self.data = folder / "data"
        self.url = f"postgresql+psycopg://benchmark:benchmark@127.0.0.1:{self.port}/benchmark"

    def _as_owner(self, command: list[str], **kwargs: object) -> subprocess.CompletedProcess[bytes]:
        if os.getuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, check=False, **kwargs)  # type: ignore[call-overload]
        if done.returncode != 0:
            raise RuntimeError(f"{command} failed: {done.stderr.decode(errors='replace')[-500:]}")
        return done  # type: ignore[no-any-return]

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.getuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._as_owner(
            [str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8"]
            + ["--locale=C.UTF-8", "--no-sync"]
        )
        self._pg_ctl("start")
        psql = [str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-q"]
        subprocess.run(
            [
                *psql,
                "-c",
                "CREATE ROLE benchmark LOGIN PASSWORD 'benchmark'",
                "-c",
                "CREATE DATABASE benchmark OWNER benchmark",
            ],
            check=True,
            capture_output=True,
        )

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c max_connections=200"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._as_owner(
            [str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"), "-w", "-t", "60"]
            + ["-o", options, *extra, action]
        )

    def restart(self) -> None:
        """``pg_ctl -m fast restart``: open transactions are rolled back, connections dropped."""
        self._pg_ctl("restart", "-m", "fast")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._pg_ctl("stop", "-m", "fast")


class Redis(Process):
    """redis-server with deploy/redis.conf, on its own port and folder."""

    def __init__(self, folder: Path) -> None:
        super().__init__("redis", folder / "redis.log")
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        server = shutil.which("redis-server")
        if server is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        self.spawn([server, str(DEPLOY / "redis.conf"), "--port", str(self.port), "--dir", str(self.folder)])
        wait_until(self.ping, "redis-server", self.process)

    def ping(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")

    def restart(self) -> None:
        self.stop()
        self.start()


class AppServer(Process):
    """One gunicorn app server (deploy/gunicorn.conf.py) on its own port."""

    def __init__(self, number: int, folder: Path, env: dict[str, str]) -> None:
        super().__init__(f"app{number}", folder / f"app{number}.log")
        self.port = free_port()
        self.env = env

    def start(self) -> None:
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        env = {**os.environ, **self.env, "BIND": f"127.0.0.1:{self.port}"}
        self.spawn([gunicorn, "-c", str(DEPLOY / "gunicorn.conf.py"), "wsgi:app"], env=env)

    def healthy(self) -> bool:
        return get(self.port, "/healthz")[0] == 200

    def wait_ready(self, timeout: float = 60.0) -> None:
        wait_until(self.healthy, self.name, self.process, timeout)

    def restart(self) -> None:
        self.kill()
        self.start()
        self.wait_ready()


class Nginx(Process):
    """nginx with deploy/nginx.conf filled in, unprivileged (``-p`` a temporary prefix)."""

    def __init__(self, folder: Path, servers: list[AppServer], port: int | None = None) -> None:
        super().__init__("nginx", folder / "nginx.log")
        self.folder = folder
        self.port = port or free_port()
        self.servers = servers

    def start(self) -> None:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(nginx).exists():
            raise RuntimeError("nginx is not installed (apt-get install nginx-light)")
        upstreams = "\n".join(
            f"        server 127.0.0.1:{server.port} max_fails=1 fail_timeout=5s;" for server in self.servers
        )
        config = (
            (DEPLOY / "nginx.conf")
            .read_text(encoding="utf-8")
            .replace("@@RUN@@", str(self.folder))
            .replace("@@SERVERS@@", upstreams)
            .replace("@@LISTEN@@", f"127.0.0.1:{self.port}")
            .replace("@@STATIC@@", str(DEPLOY))
        )
        path = self.folder / "nginx.conf"
        path.write_text(config, encoding="utf-8")
        self.spawn([nginx, "-c", str(path), "-p", str(self.folder), "-e", str(self.folder / "nginx-error.log")])
        wait_until(lambda: get(self.port, "/healthz")[0] in (200, 503), "nginx", self.process)


class Cluster:
    """PostgreSQL, Redis, ``servers`` app servers and nginx, in one temporary folder.

    ``database_url``: use this (already migrated) database instead of starting PostgreSQL.
    """

    def __init__(self, servers: int = 2, port: int | None = None, database_url: str | None = None) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="benchmark-cluster-"))
        self.folder.chmod(0o755)  # PostgreSQL's own user must reach its folder inside
        self.postgres = Postgres(self.folder / "pg") if database_url is None else None
        self.database_url = database_url or (self.postgres.url if self.postgres else "")
        self.redis = Redis(self.folder)
        self.proxy_port = port or free_port()
        env = {
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": SECRET_KEY,
            "RATELIMIT_STORAGE_URI": self.redis.url,
            "TRUSTED_PROXIES": "1",
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{self.proxy_port}",
            "ASSETS_AUTO_BUILD": "false",
        }
        self.apps = [AppServer(n + 1, self.folder, env) for n in range(servers)]
        self.nginx = Nginx(self.folder, self.apps, self.proxy_port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.proxy_port}/"

    def start(self) -> None:
        try:
            if self.postgres is not None:
                self.postgres.start()
                migrate(self.database_url)
            self.redis.start()
            for app in self.apps:
                app.start()
            for app in self.apps:
                app.wait_ready()
            self.nginx.start()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        self.nginx.stop()
        for app in self.apps:
            app.stop()
        self.redis.stop()
        if self.postgres is not None:
            self.postgres.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Cluster:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def migrate(database_url: str) -> None:
    """``flask db upgrade`` once, before any app server starts."""
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "benchmark.app", "db", "upgrade"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY},
        check=True,
        capture_output=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "0")) or None)
    args = parser.parse_args(argv)
    cluster = Cluster(args.servers, args.port)
    print("Starting PostgreSQL, Redis, the app servers and nginx …", flush=True)
    with cluster:
        health = json.loads(get(cluster.proxy_port, "/healthz")[1])
        print(f"\n  Settlement Digital Capacity Benchmark (cluster): {cluster.url}\n")
        for app in cluster.apps:
            print(f"  {app.name}: http://127.0.0.1:{app.port}/ (log {app.log})")
        print(f"  nginx: {cluster.nginx.folder / 'nginx-access.log'}; redis {cluster.redis.url}; health {health}")
        print("  Ctrl-C stops everything and removes the temporary folder.", flush=True)
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
    return 0


if __name__ == "__main__":
    sys.exit(main())
