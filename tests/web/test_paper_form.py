"""The paper form: a bilingual blank questionnaire whose sections match the online ones."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import page_answers, page_ids, start_assessment


def test_paper_form_lists_every_question_and_option_in_both_languages(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    response = client.get("/fr/paper.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "paper.pdf"
    path.write_bytes(response.data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Tagged:\s+yes", info)
    text = " ".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    q = app.extensions["content"].questionnaire
    for number, page in enumerate(q.pages, start=1):
        assert f"{number}. {page.title.en}" in text and page.title.fr in text
    for item in q.iter_items():
        if not item.short_label:
            assert f"{item.id.upper()}." in text, item.id
        if item.type in {"single", "multi"} and not item.short_label:
            for option in item.options:
                assert " ".join(option.label.en.split())[:40] in text, (item.id, option.id)
        for row in item.rows:  # table cells wrap: check each row label's first words
            assert " ".join(row.label.en.split()[:2]) in text, (item.id, row.id)


def test_paper_answers_are_typed_in_through_the_same_sections(app: Flask, client: FlaskClient) -> None:
    # The online flow has exactly the paper form's sections, in the same order, with the same validation.
    token = start_assessment(client, "fr")
    for page_id in page_ids(app):
        response = client.post(
            f"/fr/assessment/{token}/{page_id}", data={**page_answers(app, page_id), "action": "next"}
        )
        assert response.status_code == 302
    assert client.post(f"/fr/assessment/{token}/review").headers["Location"].endswith("/done")
