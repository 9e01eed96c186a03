"""The unreadable-form check decodes the whole body once and agrees with decoding each name and value."""

from __future__ import annotations

from urllib.parse import parse_qsl

from hypothesis import example, given
from hypothesis import strategies as st

from benchmark.web.errors import readable_form_body

PIECES = [
    b"a",
    b"q1",
    b"=",
    b"&",
    b"+",
    b"%",
    b"%2",
    b"%C3",
    b"%A9",
    b"%c3%a9",
    b"%FF",
    b"%26",
    b"%3D",
    b"\xc3",
    b"\xa9",
]
PIECES += ["é".encode(), "’".encode(), b"\xff", b"%E2%80", b"%99", b";", b"%zz"]


def parsed_each(body: bytes) -> bool:
    """The check as it was: the body as UTF-8, then each name and value decoded strictly."""
    try:
        parse_qsl(body.decode("utf-8"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except ValueError:
        return False
    return True


@given(st.lists(st.sampled_from(PIECES), max_size=12))
@example([b"%C3", b"\xa9"])  # an escape completed by a raw byte: found by CI's run of this test
@example([b"\xc3", b"%A9"])
def test_the_whole_body_check_agrees_with_each_part(pieces: list[bytes]) -> None:
    body = b"".join(pieces)
    assert readable_form_body(body) == parsed_each(body)


def test_examples() -> None:
    assert readable_form_body(b"q1=7&action=save&csrf_token=abc.def-_")
    assert readable_form_body(b"q=%C3%A9t%C3%A9&r=%E2%80%99")
    assert not readable_form_body(b"q=%FF")
    assert not readable_form_body(b"q=%C3&r=%A9")  # a sequence cut by a separator
    assert not readable_form_body(b"q=\xff")
