#!/usr/bin/env python3
"""Check (default) or fix (``--fix``) the typography of the French catalogue and the bilingual data files.

    scripts/typography.py            list every problem, by rule, and exit 1 if there is any
    scripts/typography.py --fix      apply the mechanical fixes first (no-break spaces, ’, no space
                                     before ; ! ?, « » spacing, 40.7% in English), then check

Re-runnable: a second ``--fix`` changes nothing.  After a merge, run it again over the strings the other
branches added.  The rules are in benchmark/core/typography.py, the glossary in
benchmark/core/data/glossary.yaml; the tests (tests/web/test_language_quality.py) check the rendered
pages and PDFs as well.  What ``--fix`` cannot do (wording, plural forms, glossary terms) is left listed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmark.core.glossary import load_glossary  # noqa: E402
from benchmark.core.language_check import by_rule, catalogue_problems, data_problems, fix_data, fix_po  # noqa: E402

POT = ROOT / "translations" / "messages.pot"
FRENCH = ROOT / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
DATA = sorted((ROOT / "benchmark" / "core" / "data").glob("*.yaml")) + [
    ROOT / "benchmark" / "core" / "data" / "baseline_2017.json"
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fix", action="store_true", help="apply the mechanical fixes, then check")
    parser.add_argument("--quiet", action="store_true", help="print only the counts")
    args = parser.parse_args()
    if args.fix:
        lines = fix_po(FRENCH, "fr")
        values = sum(fix_data(path) for path in DATA)
        print(f"fixed: {lines} catalogue lines, {values} data values")
    glossary = load_glossary()
    problems = catalogue_problems(POT, FRENCH, glossary) + data_problems(DATA, glossary)
    if not args.quiet:
        for problem in problems:
            print(problem)
    print(f"{len(problems)} problems: {by_rule(problems)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
