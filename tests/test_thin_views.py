"""Views never commit: every change to the database goes through a wing's services or the store."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "benchmark"
WRITES = re.compile(r"\bdb\.session\.(commit|add|add_all|delete|flush|rollback|merge)\(|\bsa\.(insert|update|delete)\(")


def view_modules() -> list[Path]:
    return sorted([*PACKAGE.rglob("views.py"), *PACKAGE.rglob("docs.py")])


def test_there_are_views_to_check() -> None:
    assert len(view_modules()) >= 8


def test_views_never_write_to_the_database() -> None:
    writes = {
        f"{path.relative_to(PACKAGE.parent)}:{number}": line.strip()
        for path in view_modules()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if WRITES.search(line)
    }
    assert writes == {}, "move these into the wing's services module or the store"
