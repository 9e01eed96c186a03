"""The PDF reports: tagged, complete, in each language and side by side, with the small-group rule."""

from __future__ import annotations

import dataclasses
import logging
import math
import re
import shutil
import subprocess
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.http import parse_options_header

from benchmark.core.peers import PeerSummary
from benchmark.organisations.results import pdf
from benchmark.organisations.results.services import PeerGroup, ResultsView, build_results
from benchmark.store.assessments import find_by_token
from benchmark.web import responses
from tests.factories import page_answers, page_ids, start_assessment

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None, reason="poppler-utils is not installed"
)


# --------------------------------------------------------------------------- helpers


def submit_assessment(app: Flask, client: FlaskClient, lang: str, label: str = "Board review") -> str:
    """Answer every page through the web flow, submit, and return the token."""
    token = start_assessment(client, lang, label=label)
    for page_id in page_ids(app):
        response = client.post(
            f"/{lang}/assessment/{token}/{page_id}", data={**page_answers(app, page_id), "action": "next"}
        )
        assert response.status_code == 302, page_id
    response = client.post(f"/{lang}/assessment/{token}/review")
    assert response.status_code == 302
    return token


@contextmanager
def results_context(app: Flask, token: str, lang: str) -> Iterator[ResultsView]:
    """A request context in ``lang`` (as the results page has) and the view built in it."""
    with app.test_request_context(f"/{lang}/results/{token}"):
        g.lang_code = lang
        assessment = find_by_token(token)
        assert assessment is not None
        yield build_results(assessment, lang)


def pdf_text(path: Path) -> str:
    """The PDF's text with every run of whitespace (including narrow no-break spaces) made one space."""
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(text.split())


def pdf_info(path: Path) -> dict[str, str]:
    """``pdfinfo``'s fields as a dict."""
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in out.splitlines())}


def structure_languages(body: bytes) -> dict[str, int]:
    """Count the ``/Lang`` entries per language inside the PDF's (compressed) object streams."""
    counts = {"en": 0, "fr": 0}
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S):
        try:
            data = zlib.decompress(match.group(1))
        except zlib.error:
            continue
        for lang in counts:
            counts[lang] += data.count(b"/Lang (" + lang.encode() + b")")
    return counts


def save(tmp_path: Path, name: str, body: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(body)
    return path


def flat(text: str) -> str:
    return " ".join(text.split())


def check_complete_tagged_pdf(path: Path, title: str) -> dict[str, str]:
    body = path.read_bytes()
    assert body.startswith(b"%PDF-") and b"%%EOF" in body[-1024:]
    info = pdf_info(path)
    assert info["Tagged"] == "yes"
    assert int(info["Pages"]) >= 1
    assert title in info["Title"]
    return info


# --------------------------------------------------------------------------- one language


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_report_pdf_has_scores_2017_figures_and_no_peer_figure_below_k(
    app: Flask, client: FlaskClient, tmp_path: Path, lang: str, caplog: pytest.LogCaptureFixture
) -> None:
    token = submit_assessment(app, client, lang)
    with results_context(app, token, lang) as view, caplog.at_level(logging.WARNING, logger="weasyprint"):
        body = pdf.render_report_pdf(view)
        title = _("Your digital-capacity profile")
        below_k = flat(_("Not enough organizations yet (fewer than %(k)s in this group).", k=view.k))
        peer_words = [_("Median"), _("Median of all organizations today"), _("Middle half (25th–75th percentile)")]
        coverage = [
            flat(_("%(answered)s of %(total)s indicators", answered=d.answered, total=d.total))
            for d in view.profile.dimensions
        ]
        source = _(
            "Based on the 2017 survey of IRCC-funded settlement providers by Open North (657 contacted, 261 answered)."
        )
    path = save(tmp_path, f"report-{lang}.pdf", body)
    check_complete_tagged_pdf(path, title)
    text = pdf_text(path)

    # The four component scores, with level and coverage.
    assert len(view.profile.dimensions) == 4
    for d, based_on in zip(view.profile.dimensions, coverage, strict=True):
        assert d.score is not None  # every page was answered
        assert d.level is not None
        assert f"{d.dimension.name.get(lang)} {d.score} / 100 {d.level.name.get(lang)} {based_on}" in text

    # Every published 2017 figure, formatted as in the view (n and status marker included).
    rows = [row for c in view.comparisons for row in c.figures]
    assert rows
    for row in rows:
        assert flat(row.formatted) in text, row.formatted
    if lang == "en":
        assert "41.8% (n = 239, our reading of the report)" in text
        assert "40.7% (n = 248, published figure)" in text
    else:
        assert "41,8 % (n = 239, notre interprétation du rapport)" in text
        assert "40,7 % (n = 248, chiffre publié)" in text
    assert "657" in text and "261" in text
    assert flat(source) in text

    # One organisation only: every group is below k, so no peer figure at all.
    assert view.k == 10
    assert all(not group.shown for group in view.peer_groups)
    assert text.count(below_k) == len(view.peer_groups)
    for word in peer_words:
        assert word not in text
    # Logs: no missing alt text, no missing language, no fetch attempt.
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], [r.getMessage() for r in caplog.records]


def test_report_pdf_shows_peer_medians_only_where_a_group_reaches_k(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    token = submit_assessment(app, client, "en")
    with results_context(app, token, "en") as view:
        # A private summary (benchmark.core.peers.private_summarise): noisy quartiles, no mean.
        summary = PeerSummary(n=14, median=61.5, q1=48.0, q3=73.0, mean=math.nan)
        view.peer_groups[0] = PeerGroup(
            "all",
            "All organizations",
            14,
            {"SK": summary, "IN": summary, "AP": None, "PR": summary},
            {"SK": 3, "IN": 4, "AP": None, "PR": 1},
        )
        body = pdf.render_report_pdf(view)
    text = pdf_text(save(tmp_path, "peers.pdf", body))
    assert "Median of all organizations today" in text  # the chart's marker legend
    assert "48–73" in text and " 62 " in text
    assert f"Skills and training {view.profile.score('SK')} 62 48–73 In the third quarter of this group" in text
    assert "In the highest quarter of this group" in text and "In the lowest quarter of this group" in text
    assert "Your percentile" not in text and "nan" not in text.lower().split()  # no rank, no mean
    assert "carry deliberate noise" in text and "therefore approximate" in text
    assert (
        f"Applications {view.profile.score('AP')} Not enough organizations yet" in text
    )  # below k inside a shown group
    assert text.count("Not enough organizations yet (fewer than 10 in this group).") == len(view.peer_groups) - 1


def test_report_pdf_without_enough_answers_prints_no_score(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    token = submit_assessment(app, client, "en")
    with results_context(app, token, "en") as view:
        dims = list(view.profile.dimensions)
        dims[2] = dataclasses.replace(dims[2], score=None, level=None, answered=1)
        view.profile = dataclasses.replace(view.profile, dimensions=tuple(dims))
        body = pdf.render_report_pdf(view)
    text = pdf_text(save(tmp_path, "partial.pdf", body))
    assert "Not enough answers to give a score" in text
    assert f"1 of {dims[2].total} indicators" in text


# --------------------------------------------------------------------------- bilingual


def test_bilingual_pdf_has_both_languages_side_by_side(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    token = submit_assessment(app, client, "en")
    with app.test_request_context(f"/en/results/{token}"):
        g.lang_code = "en"
        assessment = find_by_token(token)
        assert assessment is not None
        with force_locale("en"):
            english = build_results(assessment, "en")
        with force_locale("fr"):
            french = build_results(assessment, "fr")
        body = pdf.render_bilingual_pdf(english, french)
    path = save(tmp_path, "bilingual.pdf", body)
    info = check_complete_tagged_pdf(path, "Settlement Digital Capacity Benchmark")
    assert "Repère des capacités numériques en établissement" in info["Title"]
    text = pdf_text(path)
    assert "Skills and training" in text and "Compétences et formation" in text
    assert "41.8%" in text and "41,8 %" in text
    for d in english.profile.dimensions:
        assert f"{d.score} / 100" in text
    # The French column is marked as French in the structure tree (the document itself is English).
    languages = structure_languages(body)
    assert languages["fr"] >= 10
    assert languages["en"] >= languages["fr"]


def test_single_language_pdf_declares_its_language(app: Flask, client: FlaskClient) -> None:
    token = submit_assessment(app, client, "fr")
    with results_context(app, token, "fr") as view:
        body = pdf.render_report_pdf(view)
    assert structure_languages(body) == {"en": 0, "fr": 1}  # the catalogue's /Lang only


def test_blocks_pair_by_key_in_english_order() -> None:
    from markupsafe import Markup

    left = [pdf.Block("a", Markup("A")), pdf.Block("b", Markup("B"))]
    right = [pdf.Block("b", Markup("b")), pdf.Block("a", Markup("a")), pdf.Block("c", Markup("c"))]
    assert pdf.pair_blocks(left, right) == [("A", "a"), ("B", "b"), ("", "c")]


# --------------------------------------------------------------------------- failures


def test_weasyprint_failure_raises_pdf_error_and_returns_nothing(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import weasyprint

    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("cairo exploded")

    token = submit_assessment(app, client, "en")
    monkeypatch.setattr(weasyprint.HTML, "write_pdf", broken)
    with results_context(app, token, "en") as view, pytest.raises(pdf.PdfError, match="cairo exploded"):
        pdf.render_report_pdf(view)


def test_truncated_output_is_refused(app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    import weasyprint

    token = submit_assessment(app, client, "en")
    monkeypatch.setattr(weasyprint.HTML, "write_pdf", lambda *a, **k: b"%PDF-1.7\n1 0 obj")
    with results_context(app, token, "en") as view, pytest.raises(pdf.PdfError, match="incomplete"):
        pdf.render_report_pdf(view)


# --------------------------------------------------------------------------- routes


#: The file name a browser offers for each report (the bilingual one is the same file from either language).
FILE_NAMES = {
    ("en", "report.pdf"): "digital-capacity-profile.pdf",
    ("fr", "report.pdf"): "profil-capacites-numeriques.pdf",
    ("en", "report-bilingual.pdf"): "profile-profil.pdf",
    ("fr", "report-bilingual.pdf"): "profile-profil.pdf",
}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_report_routes_send_tagged_pdfs(app: Flask, client: FlaskClient, tmp_path: Path, lang: str) -> None:
    token = submit_assessment(app, client, lang)
    for name in ("report.pdf", "report-bilingual.pdf"):
        with client.get(f"/{lang}/results/{token}/{name}") as response:
            assert response.status_code == 200, name
            assert response.mimetype == "application/pdf"
            disposition, options = parse_options_header(response.headers["Content-Disposition"])
            assert (disposition, options.get("filename")) == ("attachment", FILE_NAMES[lang, name])
            assert "no-store" in response.headers["Cache-Control"]
            assert int(response.headers["Content-Length"]) == len(response.data)
            path = save(tmp_path, f"{lang}-{name}", response.data)
        assert pdf_info(path)["Tagged"] == "yes"
        text = pdf_text(path)
        assert ("41.8%" if lang == "en" or name == "report-bilingual.pdf" else "41,8 %") in text


def test_report_route_shows_an_error_page_when_rendering_fails(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(view: ResultsView) -> bytes:
        raise pdf.PdfError("boom")

    token = submit_assessment(app, client, "en")
    monkeypatch.setattr(pdf, "render_report_pdf", broken)
    with client.get(f"/en/results/{token}/report.pdf") as response:
        assert response.status_code == 503
        assert response.mimetype == "text/html"
        assert not response.data.startswith(b"%PDF")


def test_report_route_for_unknown_token_is_404(client: FlaskClient) -> None:
    with client.get("/en/results/" + "x" * 43 + "/report.pdf") as response:
        assert response.status_code == 404


def test_the_paper_form_is_a_503_page_when_rendering_fails(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(html: str, finisher: object = None) -> bytes:
        raise pdf.PdfError("boom")

    monkeypatch.setattr(responses, "html_to_pdf", broken)
    with client.get("/fr/paper.pdf") as response:
        assert response.status_code == 503
        assert response.mimetype == "text/html"
        assert not response.data.startswith(b"%PDF")
    assert "PDF rendering failed: questionnaire-en-fr.pdf" in caplog.text
