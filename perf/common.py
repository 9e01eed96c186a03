"""Helpers shared by the benchmarks: the app, accounts, probe submissions, a workshop, memory.

Everything created here is synthetic: probe organisations and assessments get
``is_synthetic=True`` like the generated ones, so a ``DATA_POOL=synthetic`` app counts them.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import resource
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

PERF_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PERF_DIR.parent
OUT_DIR = PERF_DIR / "out"
SECRET_KEY = "perf-benchmark-secret-not-for-production"  # noqa: S105 - throwaway benchmark apps only
PASSWORD = "perf-bench-passphrase-2026"  # noqa: S105 - throwaway benchmark accounts only
ANALYST_EMAIL = "analyst@perf.example.org"
FACILITATOR_EMAIL = "facilitator@perf.example.org"
COHORT_SIZE = 50
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def rss_mb() -> float:
    """Resident memory of this process now (VmRSS), in MB."""
    return _status_mb("VmRSS")


def peak_rss_mb() -> float:
    """Peak resident memory of this process since the last :func:`reset_peak_rss` (VmHWM), in MB.

    Unlike ``getrusage().ru_maxrss``, VmHWM is not inherited across ``exec`` and can be reset.
    """
    return _status_mb("VmHWM")


def reset_peak_rss() -> None:
    """Start a new peak (writing 5 to /proc/self/clear_refs resets VmHWM to the current RSS)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def maxrss_mb() -> float:
    """Peak resident memory of this process (getrusage; on Linux it includes the parent's before exec)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def build_assets() -> None:
    """Build the CSS/JS bundles once, as ``make run`` does (the apps run with ASSETS_AUTO_BUILD=False)."""
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "benchmark.app", "assets", "build"],
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
    )


def compile_catalogues() -> None:
    """Compile the translation catalogues if needed (Flask-Babel reads only .mo files)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in (PROJECT_ROOT / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)


def bench_config(url: str, **overrides: Any) -> dict[str, Any]:
    """The configuration of the benchmarked app: production settings, synthetic pool."""
    config: dict[str, Any] = {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": SECRET_KEY,
        "DATA_POOL": "synthetic",
        "ASSETS_AUTO_BUILD": False,
        # Sign-in is set-up here, not what is measured: the per-IP limit (10 a minute,
        # counted per process) would refuse the benchmark's own repeated sign-ins.
        "RATELIMIT_ENABLED": False,
    }
    config.update(overrides)
    return config


def make_app(url: str, **overrides: Any) -> Flask:
    from benchmark.app import create_app
    from perf.generate import absolute_url

    return create_app(bench_config(absolute_url(url), **overrides))


# --------------------------------------------------------------------------- accounts


def create_accounts() -> None:
    """An analyst (sector view) and a facilitator (workshops), with a known password."""
    from benchmark.staff.accounts.services import create_user, find_user

    for email, role in ((ANALYST_EMAIL, "analyst"), (FACILITATOR_EMAIL, "facilitator")):
        if find_user(email) is None:
            create_user(email, role, PASSWORD)


def sign_in(client: FlaskClient, email: str, lang: str = "en") -> None:
    """Sign in through the real form (GET for the CSRF token, then POST)."""
    page = client.get(f"/{lang}/account/sign-in").get_data(as_text=True)
    match = CSRF_INPUT.search(page)
    data = {"email": email, "password": PASSWORD}
    if match:
        data["csrf_token"] = match.group(1) or match.group(2)
    response = client.post(f"/{lang}/account/sign-in", data=data)
    if response.status_code != 303:
        raise RuntimeError(f"sign-in of {email} failed: HTTP {response.status_code}")


# --------------------------------------------------------------------------- probe submissions


@dataclass
class Probes:
    """What the benchmarks open: a results token, a workshop, drafts."""

    results_token: str = ""
    workshop_id: int = 0
    draft_tokens: list[str] = field(default_factory=list)


def submit_synthetic(answers: dict[str, Any], previous: Any = None, workshop: Any = None) -> tuple[Any, str]:
    """Make a submission through the services (start, save every answer, submit), marked synthetic."""
    from benchmark.intermediaries.workshops import services as workshop_services
    from benchmark.store import assessments as services
    from benchmark.store.content import content
    from benchmark.store.scores import profile_of, stored_scores

    q = content().questionnaire
    if workshop is not None:
        _participation, token = workshop_services.join(workshop, "en", previous, share_individual=True, synthetic=True)
        assessment = services.find_by_token(token)
    else:
        assessment, token = services.start_assessment(q, "en", None, previous=previous, synthetic=True)
    services.save_answers(assessment, answers, q.pages[-1].id)
    services.submit(assessment, stored_scores(profile_of(answers)))
    return assessment, token


def full_answers(rng: random.Random, facts: dict[str, Any] | None = None) -> dict[str, Any]:
    """A complete synthetic answer set (every item, facts included) from the generator's model."""
    from benchmark.store.content import content
    from perf.generate import AnswerModel

    data = content()
    model = AnswerModel(data.questionnaire, data.baseline)
    return {**model.draw(rng), **(facts or model.draw_facts(rng))}


def make_probes(seed: int = 7, cohort: int = COHORT_SIZE, drafts: int = 0) -> Probes:
    """Create the probes (inside an app context): accounts, a re-assessed organisation, a workshop.

    * the results probe is an organisation's second submission (so the page also shows the
      change since the first), with complete answers, in the largest province group;
    * the workshop belongs to the facilitator and has ``cohort`` participants who all submitted;
    * ``drafts`` started but unsubmitted assessments (for the page benchmarks).
    """
    from benchmark.intermediaries.workshops import services as workshop_services
    from benchmark.staff.accounts.services import find_user
    from benchmark.store import assessments as services
    from benchmark.store.content import content

    rng = random.Random(seed)
    create_accounts()
    probes = Probes()
    facts = {"q22": "executive", "q23": "yes_current", "q24": "11_25", "q25": "21_50", "q26": ["on"]}
    first, _ = submit_synthetic(full_answers(rng, facts))
    _second, probes.results_token = submit_synthetic(full_answers(rng, facts), previous=first)
    facilitator = find_user(FACILITATOR_EMAIL)
    workshop = workshop_services.create_workshop(
        facilitator.id, "Synthetic cohort", date(2026, 11, 1), "en", None, None
    )
    probes.workshop_id = workshop.id
    for _ in range(cohort):
        submit_synthetic(full_answers(rng), workshop=workshop)
    q = content().questionnaire
    for _ in range(drafts):
        _assessment, token = services.start_assessment(q, "en", None, synthetic=True)
        probes.draft_tokens.append(token)
    return probes


def environment_summary() -> dict[str, Any]:
    """Machine facts recorded beside every result."""
    import platform
    import sqlite3

    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "loadavg": [round(x, 2) for x in load],
    }
