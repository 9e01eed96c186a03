"""A skeleton cut at markers, the CSRF hole, literal texts and patterns joins back into the page, plain and gzipped."""

from __future__ import annotations

import gzip as gunzip
import re

import pytest

from benchmark.web.page_cache import HOLE
from benchmark.web.page_skeleton import CSRF, Skeleton, gzip, marker

OPTION = re.compile(r'value="(?P<value>\w+)"(?P<hole> checked)')


def page(size: int) -> str:
    options = "".join(f'<input value="o{i}" checked> “{i}” ' for i in range(size))
    return f"<p>{marker('base')} TOKEN {HOLE}</p>{options}<a href='/x/TOKEN'>é</a>"


@pytest.mark.parametrize("size", [3, 4000])  # a page smaller and larger than the deflate window
def test_a_skeleton_joins_back_plain_and_gzipped(size: int) -> None:
    skeleton = Skeleton.split(page(size), {"TOKEN": "token"}, ((OPTION, lambda m: ("checked", m["value"])),))
    assert skeleton.names == {"base", "token", CSRF} | {("checked", f"o{i}") for i in range(size)}
    values = {"base": b"a&amp;b", "token": b"tok", CSRF: b"csrf", ("checked", "o1"): b" checked"}
    options = "".join(f'<input value="o{i}"{" checked" if i == 1 else ""}> “{i}” ' for i in range(size))
    expected = f"<p>a&amp;b tok csrf</p>{options}<a href='/x/tok'>é</a>".encode()
    assert skeleton.join(values) == expected
    assert gunzip.decompress(gzip(skeleton.join(values))) == expected


def test_markers_are_plain_names() -> None:
    with pytest.raises(ValueError):
        marker("Base-1")
    with pytest.raises(ValueError, match="overlapping"):
        Skeleton.split("abcd", {"abc": "one", "bcd": "two"})
