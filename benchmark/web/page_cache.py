"""Whole pages kept rendered and compressed, with the CSRF token left as a hole filled per request.

A page whose HTML depends only on its address and language (the home page, the start page, the
information pages) is rendered once per process and address; what a visitor then costs is the
request itself, not Jinja, Babel and gzip (issue 18: "bodies cached already compressed").

The one thing that differs between visitors is the CSRF token of the page's forms.  The page is
rendered with a placeholder in ``g`` where Flask-WTF keeps the request's token (so every form and
``csrf_token()`` write the placeholder), and kept as the plain segments between placeholders and
the same segments compressed as raw deflate, each ending on a byte boundary (a sync flush).  A
request joins them around its own token: the token travels in a stored (uncompressed) deflate
block, so no segment is compressed again; only the gzip trailer (CRC-32 and length of the whole
page) is computed per request.  The result is one ordinary gzip member, byte for byte what a
browser's inflater expects (``tests/web/test_page_cache.py`` decompresses it with Python's gzip and
Chromium reads every cached page in the browser tests).

Never cached: a request with a signed-in account (the header shows the account) or a flashed
message waiting, and anything but GET; those take the ordinary path.
"""

from __future__ import annotations

import secrets
import zlib
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from flask import Flask, Response, current_app, g
from flask.globals import _cv_app, _cv_request
from werkzeug.datastructures import Headers
from werkzeug.utils import get_content_type

from benchmark.core.lru import BoundedCache, kept_in
from benchmark.web.application import BenchmarkResponse
from benchmark.web.auth import SESSION_USER
from benchmark.web.compression import COMPRESS_LEVEL, MIN_SIZE
from benchmark.web.csrf_token import request_csrf_token
from benchmark.web.headers import CheckedHeaders, add_all

#: Pages kept per process (each a few KB compressed); an address with a new query string is a new entry.
SIZE = 256
#: Where the CSRF token goes: random per process, so no text a visitor typed can stand in for it.
HOLE = "csrfhole" + secrets.token_hex(12)
_HOLE_BYTES = HOLE.encode("ascii")
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # no name, no mtime, unknown OS
_STORED_MAX = 0xFFFF
GZIP_HEADERS = (("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding"))
PLAIN_HEADERS = (("Vary", "Accept-Encoding"),)
ADDRESS = ("HTTP_HOST", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING")  # what a kept page is kept under


@dataclass(frozen=True)
class CachedPage:
    """A rendered page: its plain segments between CSRF holes and the same segments as raw deflate."""

    parts: tuple[bytes, ...]
    deflated: tuple[bytes, ...]
    #: The whole gzip member when the page has no hole (nothing to fill in per request).
    whole: bytes | None = None
    #: Each segment's CRC-32 and, for a long one, the shift of a running CRC-32 past it
    #: (:func:`crc_shift`; 0 for a short one, cheaper to read again): a request computes the gzip
    #: trailer's CRC over its tokens and the short segments, not over the whole page.
    crcs: tuple[int, ...] = ()
    shifts: tuple[int, ...] = ()

    @property
    def size(self) -> int:
        """Bytes of the page without its tokens."""
        return sum(map(len, self.parts))

    @classmethod
    def from_html(cls, html: str, level: int = COMPRESS_LEVEL) -> CachedPage:
        """Split ``html`` at the holes and compress each segment on its own (byte-aligned, last one final)."""
        parts = tuple(html.encode("utf-8").split(_HOLE_BYTES))
        deflated = []
        for index, part in enumerate(parts):
            compressor = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
            last = index == len(parts) - 1
            deflated.append(compressor.compress(part) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH))
        crcs = tuple(zlib.crc32(part) for part in parts)
        shifts = tuple(crc_shift(len(part)) if len(part) >= SHIFT_FROM else 0 for part in parts)
        page = cls(parts, tuple(deflated), None, crcs, shifts)
        return cls(parts, page.deflated, page.gzip("")) if len(parts) == 1 else page

    def plain(self, token: str) -> bytes:
        """The page with ``token`` in every hole."""
        return token.encode("ascii").join(self.parts)

    def gzip(self, token: str) -> bytes:
        """The page with ``token`` in every hole, as one gzip member (no segment compressed again)."""
        if self.whole is not None:
            return self.whole
        data = token.encode("ascii")
        filler = stored_blocks(data)
        crc = 0
        size = 0
        pieces = [GZIP_HEADER]
        for index, (part, deflated) in enumerate(zip(self.parts, self.deflated, strict=True)):
            if index:
                pieces.append(filler)
                crc = zlib.crc32(data, crc)
                size += len(data)
            pieces.append(deflated)
            if not index:  # the first segment
                crc = self.crcs[index]
            elif self.shifts[index]:
                crc = _multiply(self.shifts[index], crc) ^ self.crcs[index]  # = zlib.crc32(part, crc)
            else:
                crc = zlib.crc32(part, crc)
            size += len(part)
        pieces.append(crc.to_bytes(4, "little") + (size & 0xFFFFFFFF).to_bytes(4, "little"))
        return b"".join(pieces)


#: Segments from this length on get a CRC shift: zlib reads 16 KB in about the time of one shift (5 µs).
SHIFT_FROM = 16 * 1024
#: CRC-32's polynomial, reflected (as zlib writes it), and x^(2^k) modulo it for k = 0..31 (zlib's x2n_table).
_POLY = 0xEDB88320


def _multiply(a: int, b: int) -> int:
    """a(x) * b(x) modulo the CRC-32 polynomial, both reflected (zlib's ``multmodp``)."""
    m = 1 << 31
    product = 0
    while True:
        if a & m:
            product ^= b
            if not a & (m - 1):
                return product
        m >>= 1
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1


def _powers() -> tuple[int, ...]:
    power = 1 << 30  # x^1
    table = [power]
    for _ in range(31):
        power = _multiply(power, power)
        table.append(power)
    return tuple(table)


_X2N = _powers()


def crc_shift(length: int) -> int:
    """x^(8 * length) modulo the CRC-32 polynomial: what moves a CRC-32 past ``length`` more bytes.

    CRC-32 is linear: ``zlib.crc32(B, start) == _multiply(crc_shift(len(B)), start) ^ zlib.crc32(B)``
    (zlib's ``crc32_combine``, which Python does not expose), so a kept page's segments need their
    CRC-32 computed once, not per request.
    """
    shift = 1 << 31  # x^0
    k = 3  # 8 bits a byte: x^(2^3) per byte
    while length:
        if length & 1:
            shift = _multiply(_X2N[k & 31], shift)
        length >>= 1
        k += 1
    return shift


def stored_blocks(data: bytes) -> bytes:
    """``data`` as non-final stored deflate blocks (RFC 1951 §3.2.4), starting and ending on a byte boundary."""
    blocks = []
    for start in range(0, len(data), _STORED_MAX):
        chunk = data[start : start + _STORED_MAX]
        size = len(chunk)
        blocks.append(b"\x00" + size.to_bytes(2, "little") + (size ^ 0xFFFF).to_bytes(2, "little") + chunk)
    return b"".join(blocks)


def cacheable() -> bool:
    """True for a GET whose page cannot differ from another visitor's but for the CSRF token."""
    context = _cv_request.get()  # the request and session themselves, not a proxy lookup per use
    session = context.session
    return context.request.method == "GET" and SESSION_USER not in session and "_flashes" not in session


def cached_page(render: Callable[[], str], key: Hashable = None) -> Response | str:
    """The page ``render`` makes, kept per address (and ``key``) and served with this request's CSRF token."""
    if not cacheable():
        return render()
    environ = _cv_request.get().request.environ  # the raw address: links carry the script root; the host apart
    address = tuple(environ.get(name) for name in ADDRESS) + (key,)
    entry = _cache(_cv_app.get().app).get_or_make(address, lambda: _render_with_hole(render))
    return respond(entry)


def respond(entry: CachedPage) -> Response:
    """A 200 response of ``entry``, gzip-compressed when the client accepts it."""
    token = request_csrf_token() if len(entry.parts) > 1 else ""
    return html_response(entry.size, lambda: entry.gzip(token), lambda: entry.plain(token))


def html_response(size: int, gzipped: Callable[[], bytes], plain: Callable[[], bytes]) -> Response:
    """A 200 HTML response: ``gzipped()`` when the client accepts gzip and ``size`` is worth it (as Flask-Compress
    decides), else ``plain()``; a body made here is never compressed again."""
    if "gzip" in _cv_request.get().request.environ.get("HTTP_ACCEPT_ENCODING", "") and size >= MIN_SIZE:
        return _html(gzipped(), _GZIP_HTML)
    return _html(plain(), _PLAIN_HTML)


#: The headers ``Response(body, headers=…, mimetype="text/html")`` gives before its length, checked once.
_HTML = ("Content-Type", get_content_type("text/html", "utf-8"))
_GZIP_HTML = CheckedHeaders((*GZIP_HEADERS, _HTML))
_PLAIN_HTML = CheckedHeaders((*PLAIN_HEADERS, _HTML))


def _html(body: bytes, checked: CheckedHeaders) -> Response:
    """``Response(body, headers=…, mimetype="text/html")``, the same headers in the same order, put on at once."""
    headers = Headers()
    add_all(headers, checked)
    headers._list.append(("Content-Length", str(len(body))))  # what set_data sets
    response = BenchmarkResponse(headers=headers)  # a Content-Type is there: none is set again
    response.response = [body]  # set_data's other half
    return response


def _render_with_hole(render: Callable[[], str]) -> CachedPage:
    return CachedPage.from_html(render_with_hole(render))


def render_with_hole(render: Callable[[], str]) -> str:
    """What ``render`` makes with :data:`HOLE` wherever the request's CSRF token would be."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    had_token = field in g
    saved = g.get(field)
    setattr(g, field, HOLE)  # Flask-WTF's generate_csrf() returns g's token when there is one
    try:
        html = render()
    finally:
        if had_token:
            setattr(g, field, saved)
        else:
            g.pop(field, None)
    return html


def _cache(app: Flask) -> BoundedCache[CachedPage]:
    return kept_in(app.extensions, "page_cache", SIZE)


def clear(app: Flask | None = None) -> None:
    """Forget every kept page of ``app`` (the current app by default)."""
    _cache(app or current_app).clear()
