"""Instruction budgets: instructions per request of the main pages, counted with Callgrind, against perf/budgets.json.

A page that costs more than its budget plus the file's tolerance (5 %) fails. Counting instructions
rather than time makes the check independent of the machine's load; it still depends on the
Python, SQLite and library versions, which the budgets file records beside the date and commit it
was set at. Set new budgets (after a deliberate change) with
``python -m perf.cpu_pages --instructions --requests 2 --warm-up 1 --dataset 100`` and copy the
counts into the file, with the date and the commit.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from perf.cpu_pages import BUDGETS_FILE, NEW_PAGES, PAGES, over_budget
from tests.factories import PROJECT_ROOT

CALLGRIND_HEADER = Path("/usr/include/valgrind/callgrind.h")


def test_the_budgets_file_names_every_page_with_its_date_and_commit() -> None:
    budgets = json.loads(BUDGETS_FILE.read_text(encoding="utf-8"))
    # A page added since the file was last set (NEW_PAGES) gets its budget when it is re-set.
    assert set(budgets["instructions"]) == {"hello", *PAGES} - set(NEW_PAGES)
    assert budgets["set_on"] and len(budgets["commit"]) >= 7
    assert budgets["tolerance"] == 0.05


def test_a_page_over_its_budget_by_more_than_the_tolerance_fails() -> None:
    budgets = {"tolerance": 0.05, "instructions": {"hello": 10, "home": 1000, "results": 2000}}
    assert over_budget({"hello": 99, "home": 1050, "results": 2000}, budgets) == {}
    assert over_budget({"hello": 10, "home": 1051, "results": 1}, budgets) == {"home": (1051, 1000)}


def test_pages_stay_within_their_instruction_budgets(tmp_path: Path) -> None:
    if not (shutil.which("valgrind") and shutil.which("gcc") and CALLGRIND_HEADER.exists()):
        pytest.skip("needs Debian's valgrind (and gcc) to count instructions")
    budgets = json.loads(BUDGETS_FILE.read_text(encoding="utf-8"))
    out = tmp_path / "instructions.json"
    run = budgets["run"]
    command = [
        sys.executable,
        "-m",
        "perf.cpu_pages",
        "--instructions",
        "--requests",
        str(run["requests"]),
        "--warm-up",
        str(run["warm_up"]),
        "--dataset",
        str(run["dataset"]),
        "--database",
        str(tmp_path / "pages.sqlite3"),
        "--out",
        str(out),
    ]
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=1200, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    measured = json.loads(out.read_text(encoding="utf-8"))["instructions"]
    assert over_budget(measured, budgets) == {}, measured
