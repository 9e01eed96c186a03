"""Page weight: gzip bytes of each main page with the CSS, JS and images it references, in EN and FR.

    python -m perf.bench_weight [--dataset 1000] [--out perf/out/bench_weight.json]

:func:`measure` is also what ``tests/web/test_page_weight.py`` enforces the budgets with: the
Flask test client asks for a page with
``Accept-Encoding: gzip``, parses its HTML for what a browser downloads with it (stylesheets,
icons, preloads, scripts, images) and, recursively, the ``url(…)`` and ``@import`` references
of each stylesheet; each resource is fetched once per page, as on a first visit with an empty
cache.  The **transferred** size is the response body as sent (gzip where the app compresses,
as is otherwise); the raw size is the body decoded.  Response headers are not counted (a few
hundred bytes per request).  A reference to another host is not fetched: it is listed, as a
third-party resource on a slow line would be a finding of its own.

The app runs with the production settings of the benchmarks (``perf.common.bench_config``,
``DATA_POOL=synthetic``) on a fresh SQLite database in ``perf/out/`` (migrations applied with
``flask_migrate.upgrade`` in an app context) holding ``--dataset`` **synthetic** assessments
from ``perf/generate.py`` (so that peer groups and the sector dashboard show figures, not only
suppressed cells) and the probes of ``perf.common.make_probes``.  Pages, each in EN and FR:

* home ``/<lang>/``, start page ``/<lang>/assessment/``, join page ``/<lang>/workshops/join``;
* first questionnaire page of a fresh draft (budget: **50 KB** gzip, page and assets);
* review page of a draft with every answer saved (synthetic answers);
* results page of an organisation's second submission, with peers and the change since the first
  (budget: **150 KB** gzip, Chart.js included);
* sector dashboard (analyst signed in through the real form);
* facilitator live view and projector of a workshop with 50 participants (facilitator signed in).

The budgets are those of the accessibility issue (KB = 1,024 bytes, as in the test).  The live
view and the projector then poll their cohort fragment (``data-refresh-url``, every
``data-refresh-seconds``): that fragment is fetched once and reported apart (``poll``), not
added to the page's weight.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from flask.testing import FlaskClient

from perf.common import (
    ANALYST_EMAIL,
    FACILITATOR_EMAIL,
    OUT_DIR,
    build_assets,
    compile_catalogues,
    environment_summary,
    full_answers,
    make_app,
    make_probes,
    sign_in,
)
from perf.generate import SYNTHETIC_NOTE, generate, reset_database

KB = 1024
BUDGETS = {"first_questionnaire_page": 50 * KB, "results_page": 150 * KB}
LANGUAGES = ("en", "fr")
DATASET = 1_000
GZIP = {"Accept-Encoding": "gzip"}
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
CSS_IMPORT = re.compile(r"@import\s+['\"]([^'\"]+)['\"]")
TOKEN = re.compile(r"/[A-Za-z0-9_-]{43}(/|$)")
LINK_RELS = {"stylesheet", "icon", "preload", "modulepreload", "apple-touch-icon", "manifest"}
PAGES = {  # key: (label, who is signed in)
    "home": ("Home", None),
    "start_page": ("Start page", None),
    "first_questionnaire_page": ("First questionnaire page", None),
    "review_page": ("Review page (every answer saved)", None),
    "results_page": ("Results page (peers, change since the first submission)", None),
    "sector_dashboard": ("Sector dashboard (analyst)", "analyst"),
    "live_view": ("Facilitator live view (50 participants)", "facilitator"),
    "projector": ("Projector (50 participants)", "facilitator"),
    "join_page": ("Join page", None),
}


class References(HTMLParser):
    """Collect the sub-resources a browser downloads with a page (stylesheets, icons, scripts, images)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.refresh: tuple[str, int] | None = None  # the fragment a live page polls, and every how many seconds

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("data-refresh-url"):
            self.refresh = (a["data-refresh-url"] or "", int(a.get("data-refresh-seconds") or 10))
        if tag == "link" and a.get("href") and set((a.get("rel") or "").split()) & LINK_RELS:
            self.urls.append(a["href"] or "")
        elif tag in {"script", "img", "source", "input"} and a.get("src"):
            self.urls.append(a["src"] or "")


def fetch(client: FlaskClient, url: str) -> dict[str, Any]:
    with client.get(url, headers=GZIP) as response:
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
        body = response.get_data()
        encoding = response.headers.get("Content-Encoding")
        mimetype = response.mimetype
    raw = gzip.decompress(body) if encoding == "gzip" else body
    return {
        "url": TOKEN.sub(r"/<token>\1", url),  # no private tokens in the report
        "type": mimetype,
        "encoding": encoding or "identity",
        "bytes_raw": len(raw),
        "bytes_transferred": len(body),
        "_text": raw.decode("utf-8", "replace") if mimetype.startswith("text/") else "",
    }


def measure(client: FlaskClient, page_url: str) -> dict[str, Any]:
    """Fetch a page and, recursively, the same-origin resources it and its stylesheets reference."""
    from benchmark.web.compression import COMPRESSED_MIMETYPES, MIN_SIZE

    page = fetch(client, page_url)
    parser = References()
    parser.feed(page["_text"])
    queue = [urljoin(page_url, url) for url in parser.urls]
    resources: list[dict[str, Any]] = []
    third_party: list[str] = []
    seen: set[str] = set()
    while queue:
        url = queue.pop(0)
        if url in seen or url.startswith("data:"):
            continue
        seen.add(url)
        if urlsplit(url).netloc:
            third_party.append(url)
            continue
        resource = fetch(client, url)
        if resource["type"] == "text/css":
            queue += [urljoin(url, ref) for ref in CSS_URL.findall(resource["_text"]) if not ref.startswith("data:")]
            queue += [urljoin(url, ref) for ref in CSS_IMPORT.findall(resource["_text"])]
        resources.append(resource)
    uncompressed = []
    for entry in (page, *resources):
        del entry["_text"]
        if entry["bytes_raw"] >= MIN_SIZE and entry["type"] in COMPRESSED_MIMETYPES and entry["encoding"] != "gzip":
            uncompressed.append(entry["url"])
    assets = sum(r["bytes_transferred"] for r in resources)
    poll = None
    if parser.refresh:  # not part of the page's weight: what the open page then costs per minute
        fragment = fetch(client, urljoin(page_url, parser.refresh[0]))
        del fragment["_text"]
        seconds = parser.refresh[1]
        poll = {**fragment, "every_s": seconds, "bytes_per_minute": round(fragment["bytes_transferred"] * 60 / seconds)}
    return {
        "page": page,
        "resources": resources,
        "html_bytes_transferred": page["bytes_transferred"],
        "assets_bytes_transferred": assets,
        "total_bytes_transferred": page["bytes_transferred"] + assets,
        "total_bytes_raw": page["bytes_raw"] + sum(r["bytes_raw"] for r in resources),
        "requests": 1 + len(resources),
        "chart_js": any("/charts." in r["url"] for r in resources),
        "third_party": third_party,
        "uncompressed_text": uncompressed,
        "poll": poll,
    }


def prepare(url: str, dataset: int, log: Any) -> dict[str, Any]:
    """Fresh database (migrations), synthetic data, probes; the tokens and ids of the pages measured."""
    from flask_migrate import upgrade

    from benchmark.extensions import db
    from benchmark.store import assessments as services
    from benchmark.store.content import content

    reset_database(url)
    app = make_app(url)
    with app.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()
    if dataset:
        stats = generate(url, dataset, log=lambda message: None)
        log(f"  database: {stats['assessments']:,} synthetic assessments generated")
    with app.app_context():
        probes = make_probes()
        q = content().questionnaire
        _draft, first_token = services.start_assessment(q, "en", None, synthetic=True)
        filled, review_token = services.start_assessment(q, "en", None, synthetic=True)
        services.save_answers(filled, full_answers(random.Random(11)), q.pages[-1].id)
        ids = {
            "first_page": q.pages[0].id,
            "first_token": first_token,
            "review_token": review_token,
            "results_token": probes.results_token,
            "workshop_id": probes.workshop_id,
        }
        db.session.remove()
    return {"app": app, **ids}


def paths(ids: dict[str, Any], lang: str) -> dict[str, str]:
    workshop = f"/{lang}/workshops/{ids['workshop_id']}"
    return {
        "home": f"/{lang}/",
        "start_page": f"/{lang}/assessment/",
        "first_questionnaire_page": f"/{lang}/assessment/{ids['first_token']}/{ids['first_page']}",
        "review_page": f"/{lang}/assessment/{ids['review_token']}/review",
        "results_page": f"/{lang}/results/{ids['results_token']}",
        "sector_dashboard": f"/{lang}/sector/",
        "live_view": workshop,
        "projector": f"{workshop}/projector",
        "join_page": f"/{lang}/workshops/join",
    }


def run(dataset: int, log: Any) -> dict[str, Any]:
    started = time.perf_counter()
    compile_catalogues()
    build_assets()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    database = OUT_DIR / "bench-weight.sqlite3"
    url = "sqlite:///" + str(database)
    log("Page weight:")
    ids = prepare(url, dataset, log)
    app = ids.pop("app")
    clients = {None: app.test_client(), "analyst": app.test_client(), "facilitator": app.test_client()}
    sign_in(clients["analyst"], ANALYST_EMAIL)
    sign_in(clients["facilitator"], FACILITATOR_EMAIL)
    pages: dict[str, Any] = {}
    for key, (label, who) in PAGES.items():
        pages[key] = {"label": label, "signed_in": who, "budget_bytes": BUDGETS.get(key)}
        for lang in LANGUAGES:
            measured = measure(clients[who], paths(ids, lang)[key])
            budget = BUDGETS.get(key)
            measured["within_budget"] = None if budget is None else measured["total_bytes_transferred"] <= budget
            pages[key][lang] = measured
            log(
                f"  {label} ({lang}): {measured['total_bytes_transferred']:,} B gzip in {measured['requests']} "
                f"requests (HTML {measured['html_bytes_transferred']:,} B; raw {measured['total_bytes_raw']:,} B)"
                + (
                    ""
                    if budget is None
                    else f", budget {budget:,} B: {'within' if measured['within_budget'] else 'OVER'}"
                )
            )
    with app.app_context():
        from benchmark.extensions import db

        db.session.remove()
        db.engine.dispose()
    for suffix in ("", "-wal", "-shm"):
        Path(str(database) + suffix).unlink(missing_ok=True)
    return {
        "note": SYNTHETIC_NOTE,
        "what": "bytes of response bodies as transferred (gzip where compressed): the page plus every "
        "CSS/JS/image/icon it and its stylesheets reference, each fetched once (first visit, empty cache)",
        "environment": environment_summary(),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "settings": {"dataset": dataset, "languages": list(LANGUAGES), "kb": KB},
        "budgets_bytes": BUDGETS,
        "pages": pages,
        "seconds": round(time.perf_counter() - started, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description="Gzip bytes of each main page with its assets, EN and FR")
    parser.add_argument("--dataset", type=int, default=DATASET, help="synthetic assessments generated first")
    parser.add_argument("--out", default=str(OUT_DIR / "bench_weight.json"))
    args = parser.parse_args()

    def log(message: str) -> None:
        print(message, flush=True)

    report = run(args.dataset, log)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=1), encoding="utf-8")
    log(f"wrote {args.out} ({report['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
