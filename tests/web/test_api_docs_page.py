"""The API page is generated from the OpenAPI document: every parameter, and an example per route (issue 17, item 4)."""

from __future__ import annotations

import html
import re

import pytest
from flask import Flask

from benchmark.store import api_tokens as tokens


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_parameter_and_a_working_example_per_route(app: Flask, lang: str) -> None:
    client = app.test_client()
    document = client.get("/api/v1/openapi.json").get_json()
    page = html.unescape(client.get(f"/{lang}/api").get_data(as_text=True))
    rows = re.findall(r"<tr><th scope=\"row\"><code>(/api/v1[^<]*)</code>(.*?)</tr>", page, re.S)
    assert sorted(path for path, _ in rows) == sorted(f"/api/v1{path}" for path in document["paths"])
    with app.app_context():
        _token, plain = tokens.create_token("docs")
    for path, row in rows:
        operations = document["paths"][path.removeprefix("/api/v1")]
        parameters = operations["get"].get("parameters", [])
        for parameter in parameters:
            assert f"<code>{parameter['name']}</code>" in row, (path, parameter["name"])
            for value in parameter["schema"].get("enum", []):
                assert str(value) in row, (path, value)
        if not parameters:
            assert ("No parameters" if lang == "en" else "Aucun paramètre") in row
        assert "–" not in row
        example = re.search(r'<a href="(/api/v1[^"]*)">', row)
        assert example is not None, path
        response = client.get(example.group(1), headers={"Authorization": f"Bearer {plain}"})
        assert response.status_code == 200, (example.group(1), response.get_json())
    assert "/api/v1/questionnaire?lang=fr&amp;version=" in client.get(f"/{lang}/api").get_data(as_text=True)
