"""Whole pages kept compressed with a CSRF hole (benchmark/web/page_cache.py): same bytes, own token, never stale."""

from __future__ import annotations

import gzip
import random
import re
import zlib

import pytest
from flask import Flask, render_template

from benchmark.web import page_cache
from benchmark.web.page_cache import HOLE, CachedPage, stored_blocks
from tests.factories import signed_in

GZIP = {"Accept-Encoding": "gzip, deflate, br"}
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def tokens_in(html: str) -> set[str]:
    """Every CSRF token written in ``html``."""
    return {a or b for a, b in TOKEN.findall(html)}


def body(response) -> str:  # type: ignore[no-untyped-def]
    """The page's text, decompressed when it came gzipped."""
    data = response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    return data.decode("utf-8")


@pytest.mark.parametrize(
    "html",
    [
        "<p>no hole</p>",
        f"{HOLE}<p>starts with a hole</p>",
        f"<p>ends with a hole</p>{HOLE}",
        f"<form>{HOLE}</form><form>{HOLE}{HOLE}</form>" + "é, « » " * 3000,
        "",
    ],
)
@pytest.mark.parametrize("token", ["t", "ImFiYyI.Zz9k.x-y_z" * 3, "x" * 70_000])
def test_a_kept_page_decompresses_to_the_page_with_the_token_in_every_hole(html: str, token: str) -> None:
    entry = CachedPage.from_html(html)
    expected = html.replace(HOLE, token).encode("utf-8")
    assert entry.plain(token) == expected
    compressed = entry.gzip(token)
    assert gzip.decompress(compressed) == expected  # checks the CRC-32 and length too
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    assert decompressor.decompress(compressed) == expected
    assert decompressor.eof and not decompressor.unused_data  # one gzip member, nothing after it


def test_stored_blocks_split_at_the_deflate_limit() -> None:
    data = bytes(range(256)) * 300  # 76,800 bytes: two blocks
    blocks = stored_blocks(data)
    assert len(blocks) == len(data) + 2 * 5
    assert zlib.decompress(blocks + b"\x03\x00", -zlib.MAX_WBITS) == data  # + an empty final block


def test_a_cached_page_is_the_page_the_templates_make(app: Flask) -> None:
    client = app.test_client()
    for lang in ("en", "fr"):
        first = client.get(f"/{lang}/", headers=GZIP)
        again = client.get(f"/{lang}/", headers=GZIP)
        assert first.headers["Content-Encoding"] == again.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in first.headers["Vary"]
        with app.test_request_context(f"/{lang}/"):
            app.preprocess_request()
            rendered = render_template("pages/home.html")
        assert body(first) == body(again) == rendered
        plain = client.get(f"/{lang}/")
        assert "Content-Encoding" not in plain.headers
        assert plain.get_data(as_text=True) == rendered
    assert len(app.extensions["page_cache"]) == 2


def test_each_visitor_gets_a_token_of_their_own_that_starts_an_assessment(csrf_app: Flask) -> None:
    first, second = csrf_app.test_client(), csrf_app.test_client()
    page_one = body(first.get("/fr/assessment/", headers=GZIP))
    page_two = body(second.get("/fr/assessment/", headers=GZIP))
    (token_one,) = tokens_in(page_one)
    (token_two,) = tokens_in(page_two)
    assert token_one != token_two and HOLE not in page_one + page_two
    assert page_one.replace(token_one, "T") == page_two.replace(token_two, "T")  # the same page but for the token
    assert len(csrf_app.extensions["page_cache"]) == 1
    refused = second.post("/fr/assessment/", data={"csrf_token": token_one, "label": ""})
    assert refused.status_code == 400  # another visitor's token is worth nothing
    assert "sécurité" in refused.get_data(as_text=True)
    started = second.post("/fr/assessment/", data={"csrf_token": token_two, "label": ""})
    assert started.status_code == 302
    returning = body(first.get("/en/assessment/", headers=GZIP))  # the raw token is in the session now
    (token_three,) = tokens_in(returning)
    assert first.post("/en/assessment/", data={"csrf_token": token_three, "label": ""}).status_code == 302


def test_a_signed_in_account_and_a_flashed_message_are_never_served_from_the_cache(app: Flask) -> None:
    client = app.test_client()
    anonymous = body(client.get("/en/"))
    assert len(app.extensions["page_cache"]) == 1
    with client.session_transaction() as session:
        session["_flashes"] = [("message", "A message for this visitor only")]
    flashed = body(client.get("/en/"))
    assert "A message for this visitor only" in flashed
    assert "A message for this visitor only" not in body(client.get("/en/"))
    staff = signed_in(app, "analyst@example.org", "analyst")
    staff_page = body(staff.get("/en/"))
    assert "Sign out" in staff_page and "Sign out" not in anonymous
    assert "Sign out" not in body(app.test_client().get("/en/"))  # the staff page was not kept for others
    assert len(app.extensions["page_cache"]) == 1


def test_the_cache_is_bounded_and_kept_per_address(app: Flask) -> None:
    client = app.test_client()
    for number in range(page_cache.SIZE + 20):
        assert client.get(f"/en/glossary?n={number}").status_code == 200
    assert len(app.extensions["page_cache"]) == page_cache.SIZE
    english, french = body(client.get("/en/glossary")), body(client.get("/fr/glossary"))
    assert 'lang="en"' in english and 'lang="fr"' in french


@pytest.mark.parametrize("length", [0, 1, 7, 4096, 65_537])
def test_a_crc_shift_continues_a_crc_as_zlib_does(length: int) -> None:
    rng = random.Random(length)
    tail = rng.randbytes(length)
    shift = page_cache.crc_shift(length)
    for start in (0, 1, 0xFFFFFFFF, rng.getrandbits(32), zlib.crc32(b"a page's first segment")):
        assert page_cache._multiply(shift, start) ^ zlib.crc32(tail) == zlib.crc32(tail, start)
