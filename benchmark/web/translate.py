"""``flask translate``: extract, update, compile and check the message catalogues."""

from __future__ import annotations

import subprocess  # noqa: S404  (fixed argument lists, no shell)
import sys

import click

from benchmark.config import PROJECT_ROOT

TRANSLATIONS = PROJECT_ROOT / "translations"
POT_FILE = TRANSLATIONS / "messages.pot"


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=PROJECT_ROOT)  # noqa: S603


@click.group()
def translate() -> None:
    """Manage the translation catalogues."""


@translate.command()
def extract() -> None:
    """Extract messages into translations/messages.pot."""
    _pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "-k",
        "lazy_gettext",
        "--no-location",
        "--omit-header",
        "--sort-output",
        "-o",
        str(POT_FILE),
        ".",
    )


@translate.command()
def update() -> None:
    """Extract, then merge new messages into the French catalogue."""
    extract.callback()  # type: ignore[misc]
    _pybabel("update", "-i", str(POT_FILE), "-d", str(TRANSLATIONS), "--no-fuzzy-matching")


@translate.command()
def compile() -> None:  # noqa: A001
    """Compile the catalogues to .mo files (Flask-Babel reads only .mo)."""
    _pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")
