"""A small load generator that behaves like browsers (asyncio, HTTP/1.1 over loopback).

Why not ``wrk``: a browser keeps the session cookie the app sets and posts a form with the
hidden fields (CSRF token, revision, signed base) of the page it has just loaded, so each
virtual browser needs its own cookie jar and its own form state; and the latency at a fixed
rate must be measured from when each request was *due*, not from when a busy client got round
to sending it (coordinated omission), which ``wrk`` (closed loop only) cannot do.

* :class:`Browser`: one virtual browser: ``Accept-Encoding: gzip, deflate, br``,
  ``Accept-Language`` and the rest of :data:`perf.cpu_pages.BROWSER`, its cookie jar (every
  ``Set-Cookie`` kept and sent back), one connection per request (gunicorn's sync workers close
  each connection after the response anyway).
* :class:`Get` and :class:`Save`: what one browser does as one *action*: a GET of a page, or a
  draft save: POST the hidden fields of the page loaded before (``action=save``, a new answer),
  answered 302, then GET the page again for the next form (as a browser reloads a form).
* :func:`saturate`: closed loop, ``connections`` browsers each acting back to back for
  ``seconds``: the most the server does.
* :func:`fixed_rate`: open loop, one action every ``1/rate`` seconds whatever happens to the
  earlier ones; each latency is from the action's scheduled time to the end of its response
  (:func:`latency_summary`), so a stall shows in the latency of every request due during it.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import zlib
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any, Protocol
from urllib.parse import urlencode

from perf.cpu_pages import BROWSER, hidden_fields

USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) perf.bench_pages"


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)

    def text(self) -> str:
        """The body decoded (gzip or deflate undone)."""
        encoding = (self.header("Content-Encoding") or "").lower()
        body = self.body
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        return body.decode("utf-8", "replace")


async def _read_body(reader: asyncio.StreamReader, headers: list[tuple[str, str]]) -> bytes:
    found = {key.lower(): value for key, value in headers}
    if "content-length" in found:
        return await reader.readexactly(int(found["content-length"]))
    if found.get("transfer-encoding", "").lower() == "chunked":
        chunks: list[bytes] = []
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            if size == 0:
                await reader.readline()
                return b"".join(chunks)
            chunks.append(await reader.readexactly(size))
            await reader.readline()
    return await reader.read()


async def request(
    port: int, method: str, path: str, headers: dict[str, str], body: bytes | None = None, host: str = "127.0.0.1"
) -> Response:
    """One HTTP/1.1 request on a new connection."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", *(f"{k}: {v}" for k, v in headers.items())]
        if body is not None:
            lines.append(f"Content-Length: {len(body)}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b""))
        await writer.drain()
        status_line = await reader.readline()
        if not status_line:
            raise ConnectionError(f"{method} {path}: connection closed without a response")
        status = int(status_line.split()[1])
        response_headers = []
        while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
            key, _, value = line.decode("latin-1").partition(":")
            response_headers.append((key.strip(), value.strip()))
        return Response(status, response_headers, await _read_body(reader, response_headers))
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


class Browser:
    """One virtual browser: its headers and its cookie jar."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None) -> None:
        self.port = port
        self.cookies = dict(cookies or {})
        self.fields: dict[str, str] = {}
        self.draft = ""  # the draft this browser saves (Save)
        self.count = 0

    def headers(self, path: str) -> dict[str, str]:
        headers = {**BROWSER, "User-Agent": USER_AGENT}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        return headers

    async def get(self, path: str) -> Response:
        return self._keep(await request(self.port, "GET", path, self.headers(path)))

    async def post(self, path: str, form: dict[str, str], referer: str) -> Response:
        headers = {
            **self.headers(path),
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"http://127.0.0.1:{self.port}",
            "Referer": f"http://127.0.0.1:{self.port}{referer}",
        }
        return self._keep(await request(self.port, "POST", path, headers, urlencode(form).encode("ascii")))

    def _keep(self, response: Response) -> Response:
        for key, value in response.headers:
            if key.lower() == "set-cookie":
                cookie: SimpleCookie = SimpleCookie()
                cookie.load(value)
                self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
        return response


class Action(Protocol):
    """What one browser does as one action; ``requests`` HTTP requests each."""

    requests: int
    label: str

    async def prime(self, browser: Browser) -> None: ...

    async def timed(self, browser: Browser) -> Response: ...

    async def after(self, browser: Browser) -> None: ...


@dataclass
class Get:
    """GET one page (200 expected); the first GET of each browser gets its cookies."""

    path: str
    label: str = ""
    requests: int = 1

    async def prime(self, browser: Browser) -> None:
        await _expect(browser.get(self.path), 200, self.path)

    async def timed(self, browser: Browser) -> Response:
        return await browser.get(self.path)

    async def after(self, browser: Browser) -> None:
        return None


@dataclass
class Save:
    """A draft save: POST the page's own hidden fields with a new answer (302), then reload the page.

    ``path`` holds ``{token}``; each browser saves its own draft (``browser.draft``) so that no
    two browsers' saves conflict.
    """

    path: str
    answer: str = "q1"
    values: int = 11
    label: str = ""
    requests: int = 2

    async def prime(self, browser: Browser) -> None:
        await self._load(browser)

    async def timed(self, browser: Browser) -> Response:
        browser.count += 1
        form = {**browser.fields, self.answer: str(browser.count % self.values), "action": "save"}
        path = self._path(browser)
        return await browser.post(path, form, referer=path)

    async def after(self, browser: Browser) -> None:
        await self._load(browser)

    def _path(self, browser: Browser) -> str:
        return self.path.format(token=browser.draft)

    async def _load(self, browser: Browser) -> None:
        page = await _expect(browser.get(self._path(browser)), 200, self._path(browser))
        browser.fields = hidden_fields(page.text())


async def _expect(pending: Any, status: int, path: str) -> Response:
    response: Response = await pending
    if response.status != status:
        raise RuntimeError(f"{path}: HTTP {response.status}, expected {status}")
    return response


@dataclass
class Run:
    """What one load run did: actions, HTTP requests, statuses and latencies (seconds)."""

    seconds: float = 0.0
    actions: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    send_lag_max: float = 0.0

    def summary(self, requests_per_action: int) -> dict[str, Any]:
        return {
            "seconds": round(self.seconds, 3),
            "actions": self.actions,
            "requests": self.actions * requests_per_action,
            "actions_per_s": round(self.actions / self.seconds, 1) if self.seconds else 0.0,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "errors": self.errors,
            **percentiles(self.latencies),
            "p50_ms_by_quarter": [percentiles(part)["p50_ms"] for part in quarters(self.latencies)],
        }


def quarters(values: list[float]) -> list[list[float]]:
    """The values in four consecutive parts (none if fewer than 8)."""
    if len(values) < 8:
        return []
    size = len(values) / 4
    return [values[round(i * size) : round((i + 1) * size)] for i in range(4)]


def fell_behind(p50_ms_by_quarter: list[float | None], slack_ms: float = 5.0) -> bool:
    """Whether a fixed-rate run's latency kept growing: the server (or the machine) did not keep up.

    At a rate the server handles, the last quarter's median is about the first's; when the
    requests arrive faster than they are served, a queue builds and each quarter waits longer.
    """
    known = [value for value in p50_ms_by_quarter if value is not None]
    return len(known) == 4 and known[-1] > 3 * known[0] + slack_ms


def percentile(values: list[float], percent: float) -> float:
    """Nearest-rank percentile (the smallest value with at least ``percent`` % of the values at or below it)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * percent // 100))  # ceil
    return ordered[int(rank) - 1]


def percentiles(latencies: list[float]) -> dict[str, float | None]:
    if not latencies:
        return {"p50_ms": None, "p99_ms": None, "max_ms": None}
    return {
        "p50_ms": round(percentile(latencies, 50) * 1000, 2),
        "p99_ms": round(percentile(latencies, 99) * 1000, 2),
        "max_ms": round(max(latencies) * 1000, 2),
    }


def latencies_from(scheduled: list[float], completed: list[float]) -> list[float]:
    """The latency of each request due at ``scheduled`` and answered at ``completed`` (seconds).

    Measured from the scheduled time, not from the send: a request due while the client or the
    server was stuck waits in the figures as a user would have waited.
    """
    if len(scheduled) != len(completed):
        raise ValueError("one completion time per scheduled request")
    return [done - due for due, done in zip(scheduled, completed, strict=True)]


def latency_summary(scheduled: list[float], completed: list[float]) -> dict[str, float | None]:
    """p50, p99 and max latency (ms) from the scheduled times (:func:`latencies_from`)."""
    return percentiles(latencies_from(scheduled, completed))


async def _act(action: Action, browser: Browser, expect: int, run: Run) -> float:
    """One action; returns the loop time when its timed response ended."""
    try:
        response = await action.timed(browser)
        ended = asyncio.get_running_loop().time()
        run.statuses[response.status] += 1
        if response.status != expect:
            run.errors += 1
        await action.after(browser)
    except (OSError, ConnectionError, RuntimeError, asyncio.IncompleteReadError, ValueError):
        ended = asyncio.get_running_loop().time()
        run.errors += 1
    return ended


async def prime(action: Action, browsers: list[Browser]) -> None:
    await asyncio.gather(*(action.prime(browser) for browser in browsers))


async def saturate(action: Action, browsers: list[Browser], seconds: float, expect: int) -> Run:
    """Closed loop: every browser acts back to back until ``seconds`` have passed (the last actions finish)."""
    loop = asyncio.get_running_loop()
    run = Run()
    start = loop.time()
    stop = start + seconds

    async def user(browser: Browser) -> None:
        while loop.time() < stop:
            began = loop.time()
            ended = await _act(action, browser, expect, run)
            run.actions += 1
            run.latencies.append(ended - began)

    await asyncio.gather(*(user(browser) for browser in browsers))
    run.seconds = loop.time() - start
    return run


async def fixed_rate(action: Action, browsers: list[Browser], rate: float, seconds: float, expect: int) -> Run:
    """Open loop: one action due every ``1/rate`` s for ``seconds``; latency from each one's due time.

    An action due while every browser is busy waits for a free one, and that wait counts.
    """
    loop = asyncio.get_running_loop()
    run = Run()
    free: asyncio.Queue[Browser] = asyncio.Queue()
    for browser in browsers:
        free.put_nowait(browser)
    count = max(1, round(rate * seconds))
    start = loop.time() + 0.05
    scheduled = [start + i / rate for i in range(count)]
    completed = [0.0] * count

    async def one(index: int) -> None:
        browser = await free.get()
        try:
            completed[index] = await _act(action, browser, expect, run)
        finally:
            free.put_nowait(browser)

    tasks = []
    for index, due in enumerate(scheduled):
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        run.send_lag_max = max(run.send_lag_max, loop.time() - due)
        tasks.append(asyncio.create_task(one(index)))
    await asyncio.gather(*tasks)
    run.seconds = loop.time() - start
    run.actions = count
    run.latencies = latencies_from(scheduled, completed)
    return run
