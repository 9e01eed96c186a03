"""Gzip compression (benchmark/web/compression.py): pages and hashed static bundles, byte-exact."""

from __future__ import annotations

import gzip
import re

from flask.testing import FlaskClient

from tests.factories import PROJECT_ROOT

GZIP = {"Accept-Encoding": "gzip"}


def first_bundle(client: FlaskClient, kind: str) -> str:
    html = client.get("/en/").get_data(as_text=True)
    match = re.search(rf'"(/static/gen/app\.[0-9a-f]+\.{kind})"', html)
    assert match, html[:500]
    return match.group(1)


def test_pages_are_gzipped_only_for_clients_that_ask(client: FlaskClient) -> None:
    with client.get("/en/how-scores-work", headers=GZIP) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response.headers["Vary"]
        html = gzip.decompress(response.get_data()).decode("utf-8")
    with client.get("/en/how-scores-work") as plain:
        assert "Content-Encoding" not in plain.headers
        assert plain.get_data(as_text=True) == html


def test_static_bundles_are_gzipped_byte_exact_and_keep_their_caching(client: FlaskClient) -> None:
    for kind in ("css", "js"):
        url = first_bundle(client, kind)
        with client.get(url, headers=GZIP) as response:
            assert response.status_code == 200
            assert response.headers["Content-Encoding"] == "gzip"
            assert "immutable" in response.headers["Cache-Control"]
            body = response.get_data()
            assert int(response.headers["Content-Length"]) == len(body)
            etag = response.headers["ETag"]
        assert gzip.decompress(body) == (PROJECT_ROOT / url.lstrip("/")).read_bytes()
        with client.get(url, headers={**GZIP, "If-None-Match": etag}) as again:
            assert again.status_code == 304


def test_partial_and_tiny_responses_are_left_alone(client: FlaskClient) -> None:
    url = first_bundle(client, "css")
    with client.get(url, headers={**GZIP, "Range": "bytes=0-9"}) as partial:
        assert partial.status_code == 206
        assert "Content-Encoding" not in partial.headers
        assert len(partial.get_data()) == 10
    with client.get("/static/favicon.svg", headers=GZIP) as tiny:  # under 500 bytes
        assert "Content-Encoding" not in tiny.headers
