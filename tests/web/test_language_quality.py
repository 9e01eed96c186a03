"""The language checker over everything a reader sees: catalogue, data files, every page and PDF, in both languages.

Rules (benchmark/core/typography.py): French per the Translation Bureau's *Le guide du rédacteur*
(no-break space before ":" and inside « », U+202F before "%" and between groups of digits, no space
before ";", "!", "?", ’ not '), English per *The Canadian Style* (40.7%, 1,234); no "(s)" plurals, no
parentheses inside parentheses; no English sentence of the catalogue on a French page; no variant the
glossary (benchmark/core/data/glossary.yaml) forbids.

Pages: every HTML page of the language sweep (tests/sweep.py), visible text only (no scripts, styles,
code or typed values; aria-label, alt, title and placeholder included). PDFs: the text pdftotext
extracts. pdftotext keeps U+00A0 and U+202F as they are in the PDF (checked below on a PDF that holds
them as plain spaces (checked below), so on PDF text a plain space where a no-break one belongs is
taken as one (``from_pdftotext``): a missing space before ":" or "%", a space before ";", "!" or "?",
', "(s)", nested parentheses, English sentences and glossary variants are found in the PDFs; a
breakable space instead of a no-break one is found in the catalogue, the data files and the HTML pages.
CSV and JSON downloads are machine-readable data (plain numbers, no separators) and are not checked.

First run of the checker (before any fix): see the report of issue 16 (README, "Language quality").
"""

from __future__ import annotations

import shutil
import subprocess  # noqa: S404  (fixed argument list, no shell)
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmark.core.glossary import Glossary, load_glossary
from benchmark.core.language_check import (
    by_rule,
    catalogue_problems,
    data_problems,
    english_sentences,
    from_pdftotext,
    page_problems,
    split_languages,
)
from benchmark.core.typography import NBSP, NNBSP, Problem, check_fr
from benchmark.web.responses import html_to_pdf
from tests.factories import PROJECT_ROOT
from tests.sweep import CASES, LANGS, World, build_world, visible_texts

POT = PROJECT_ROOT / "translations" / "messages.pot"
FRENCH = PROJECT_ROOT / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
DATA = sorted((PROJECT_ROOT / "benchmark" / "core" / "data").glob("*.yaml")) + [
    PROJECT_ROOT / "benchmark" / "core" / "data" / "baseline_2017.json"
]
CHECKED_TYPES = ("text/html", "application/pdf")
#: Sweep cases the checker does not read: data downloads, a calendar, an image, a Word file (bilingual, built
#: from the same catalogue strings as the funding-statement PDF, which is checked), and a redirect to a page
#: that is checked under its own case.
NOT_READ = {
    "assessment.resume",
    "plan.check_ics",
    "plan.statement_docx",
    "results.my_data_csv",
    "results.my_data_json",
    "results.data",
    "sector.export_csv",
    "sector.export_json",
    "workshops.cohort_csv",
    "workshops.individual_csv",
    "workshops.qr",
}
#: PDFs in both languages whatever the URL's language: their lines are sorted by language (``split_languages``).
BILINGUAL_PDFS = {
    "results.report_bilingual_pdf",
    "share.report_bilingual_pdf",
    "plan.statement_pdf",
    "pages.paper_form",
}
OTHER = {"en": "fr", "fr": "en"}
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return load_glossary()


@pytest.fixture(scope="module")
def english() -> list[str]:
    return english_sentences(POT)


@pytest.fixture(scope="module")
def world(database_url: str, _schema: None) -> Iterator[World]:
    yield from build_world(database_url)


def report(problems: list[Problem]) -> str:
    return f"{len(problems)} problems {by_rule(problems)}:\n" + "\n".join(str(problem) for problem in problems)


def pdf_text(body: bytes, tmp_path: Path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(body)
    return subprocess.run(  # noqa: S603
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_the_catalogue_passes_the_checker(glossary: Glossary) -> None:
    problems = catalogue_problems(POT, FRENCH, glossary)
    assert not problems, report(problems)


def test_the_data_files_pass_the_checker(glossary: Glossary) -> None:
    problems = data_problems(DATA, glossary)
    assert not problems, report(problems)


@needs_pdftotext
@pytest.mark.parametrize("endpoint", sorted(set(CASES) - NOT_READ))
def test_every_page_and_pdf_passes_the_checker(
    world: World, endpoint: str, glossary: Glossary, english: list[str], tmp_path: Path
) -> None:
    case = CASES[endpoint]
    client = world.clients[case.role]
    problems: list[Problem] = []
    for lang in LANGS:
        url = world.url(endpoint, lang)
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype in CHECKED_TYPES, (url, response.status_code)
        body = response.get_data()
        if response.mimetype == "text/html":
            texts = visible_texts(body.decode("utf-8"), lang)
        elif endpoint in BILINGUAL_PDFS:
            texts = split_languages(pdf_text(body, tmp_path))
            texts["fr"] = from_pdftotext(texts["fr"])
        else:
            text = pdf_text(body, tmp_path)
            texts = {lang: from_pdftotext(text) if lang == "fr" else text, OTHER[lang]: ""}
        assert texts[lang].strip(), url
        problems += page_problems(texts[lang], lang, glossary, english if endpoint not in BILINGUAL_PDFS else [], url)
        # Text marked as the other language (a bilingual page or PDF): that language's rules, no "untranslated".
        problems += page_problems(texts[OTHER[lang]], OTHER[lang], glossary, [], f"{url} ({OTHER[lang]} part)")
    assert not problems, report(problems)


@needs_pdftotext
def test_what_pdftotext_gives_and_what_is_checked_on_it(world: World, tmp_path: Path) -> None:
    """pdftotext writes no-break spaces as plain ones; the PDF check still finds a missing space or a straight '."""
    good = f"Chiffre publié{NBSP}: 40,7{NNBSP}% et l’atelier"
    bad = "Chiffre publié: 40,7% et l'atelier ?"
    with world.app.app_context():
        text = pdf_text(html_to_pdf(f'<html lang="fr"><body><p>{good}</p><p>{bad}</p></body></html>'), tmp_path)
    assert "Chiffre publié : 40,7 % et l’atelier" in text  # U+00A0 and U+202F came back as plain spaces
    assert check_fr(from_pdftotext("Chiffre publié : 40,7 % et l’atelier")) == []
    assert {problem.rule for problem in check_fr(from_pdftotext(bad))} == {
        "fr.colon",
        "fr.percent",
        "fr.apostrophe",
        "fr.tight",
    }
