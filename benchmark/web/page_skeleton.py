"""A page rendered once with named holes, joined per request around the values of its holes (issue 18).

:mod:`benchmark.web.page_cache` keeps whole pages that differ between visitors only by the CSRF
token.  A page that differs by a few more values (a questionnaire page: the draft's answers, its
private link, its hidden fields) is kept the same way, one level up: rendered once with markers in
place of those values, then split at each marker (and at anything else the caller names with a
pattern) into plain segments and named holes.  A request joins the segments around the values of
the holes: text the caller has escaped exactly as the template would; a hole without a value is
empty.  The CSRF token's hole is page_cache's own (:func:`benchmark.web.page_cache.render_with_hole`
renders with it), so the token is filled in as on every kept page.

A kept skeleton is only as right as its key: the caller keys it on everything the page's markup
depends on besides the holes, and checks, when it makes one, that every marker it asked for was
found (a marker the template dropped or escaped is a page the skeleton cannot rebuild).
"""

from __future__ import annotations

import re
import secrets
import zlib
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass

from flask import Response

from benchmark.web.compression import COMPRESS_LEVEL
from benchmark.web.page_cache import GZIP_HEADER, HOLE, html_response

#: Name of the CSRF token's hole.
CSRF = "csrf"
#: Markers are letters and digits only (nothing a template escapes or a URL quotes), random per process.
_MARK = "pghole" + secrets.token_hex(8)
#: zlib's hash-table size for a page's compression (its default, 8, clears 128 KB for every page).
MEMORY_LEVEL = 5
_MARKER = re.compile(re.escape(_MARK) + r"([a-z_]+)" + re.escape(_MARK))


def marker(name: str) -> str:
    """The text that stands for the hole ``name`` (lower-case letters and ``_``) in a skeleton's render."""
    if not re.fullmatch(r"[a-z_]+", name):
        raise ValueError(f"hole names are lower-case letters and '_': {name!r}")
    return f"{_MARK}{name}{_MARK}"


#: A pattern the caller splits at besides the markers: each match's ``hole`` group becomes a hole named by the function.
Splitter = tuple[re.Pattern[str], Callable[[re.Match[str]], Hashable]]


@dataclass(frozen=True)
class Skeleton:
    """Plain segments with one hole between each two; ``holes[i]`` names the hole after ``parts[i]``."""

    parts: tuple[bytes, ...]
    holes: tuple[Hashable, ...]
    #: The names of the holes.
    names: frozenset[Hashable]

    @classmethod
    def split(cls, html: str, literal: Mapping[str, Hashable] = {}, splitters: tuple[Splitter, ...] = ()) -> Skeleton:
        """Cut ``html`` at every marker, the CSRF hole, each ``literal`` text and each splitter's ``hole`` group."""
        spans: list[tuple[int, int, Hashable]] = [(m.start(), m.end(), m.group(1)) for m in _MARKER.finditer(html)]
        spans += [(m.start(), m.end(), CSRF) for m in re.finditer(re.escape(HOLE), html)]
        for text, name in literal.items():
            spans += [(m.start(), m.end(), name) for m in re.finditer(re.escape(text), html)]
        for pattern, name_of in splitters:
            spans += [(m.start("hole"), m.end("hole"), name_of(m)) for m in pattern.finditer(html)]
        spans.sort(key=lambda span: span[0])
        parts: list[bytes] = []
        holes: list[Hashable] = []
        position = 0
        for start, end, name in spans:
            if start < position:
                raise ValueError(f"overlapping holes at {start} ({name!r})")
            parts.append(html[position:start].encode("utf-8"))
            holes.append(name)
            position = end
        parts.append(html[position:].encode("utf-8"))
        return cls(tuple(parts), tuple(holes), frozenset(holes))

    def join(self, values: Mapping[Hashable, bytes]) -> bytes:
        """The page (UTF-8) with each hole's value (escaped and encoded by the caller); a hole without one is empty."""
        pieces = [self.parts[0]]
        get = values.get
        for hole, part in zip(self.holes, self.parts[1:], strict=True):
            pieces.append(get(hole, b""))
            pieces.append(part)
        return b"".join(pieces)


def window_bits(size: int) -> int:
    """The smallest deflate window (9 to 15 bits) that holds ``size`` bytes: zlib's set-up cost grows with it."""
    return min(max(size.bit_length(), 9), zlib.MAX_WBITS)


def respond(body: bytes) -> Response:
    """A 200 response of a joined page, gzip-compressed (as Flask-Compress would) when the client accepts it."""
    return html_response(len(body), lambda: gzip(body), lambda: body)


def gzip(body: bytes) -> bytes:
    """``body`` as one gzip member, compressed at the site's level with a window the size of the body."""
    compressor = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, -window_bits(len(body)), MEMORY_LEVEL)
    deflated = compressor.compress(body) + compressor.flush()
    trailer = zlib.crc32(body).to_bytes(4, "little") + (len(body) & 0xFFFFFFFF).to_bytes(4, "little")
    return GZIP_HEADER + deflated + trailer
