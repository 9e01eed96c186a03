"""benchmark.core is pure Python: importing all of it must not pull in the web stack."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("flask", "wtforms", "sqlalchemy", "flask_babel", "flask_wtf", "flask_sqlalchemy")

SCRIPT = f"""
import importlib, json, pkgutil, sys
import benchmark.core
names = sorted(m.name for m in pkgutil.walk_packages(benchmark.core.__path__, "benchmark.core."))
for name in names:
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in {FORBIDDEN!r})
print(json.dumps({{"modules": names, "forbidden": loaded}}))
"""


def test_core_imports_no_web_framework() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    report = json.loads(result.stdout)
    expected = {f"benchmark.core.{name}" for name in ("questionnaire", "scoring", "baseline", "rules", "peers")}
    assert expected <= set(report["modules"])
    assert report["forbidden"] == []
