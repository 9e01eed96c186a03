"""The vendored Chart.js, its Flask-Assets bundle, caching of hashed files, and the chart palette."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from benchmark.extensions import assets
from tests.factories import PROJECT_ROOT

STATIC = PROJECT_ROOT / "static"
VENDOR = STATIC / "vendor" / "chart.js"
CHART_FILE = VENDOR / "chart.umd.min.js"
CHARTS_JS = STATIC / "js" / "charts.js"
YEAR = "max-age=31536000"

PALETTE_BLOCK = re.compile(r"var PALETTE = \{(?P<body>.*?)\};\s*// END PALETTE", re.S)
HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")


def vendored_version() -> str:
    return (VENDOR / "VERSION").read_text(encoding="utf-8").strip()


def bundle_path(app: Flask, name: str) -> str:
    """Build a bundle (ASSETS_AUTO_BUILD is on in tests) and return its URL path."""
    with app.app_context():
        urls = assets[name].urls()
    assert len(urls) == 1, urls
    return urlsplit(urls[0]).path


# --- vendored file -------------------------------------------------------------------------------


def test_vendored_file_matches_sha256sums() -> None:
    lines = (VENDOR / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1, lines
    expected, name = lines[0].split(maxsplit=1)
    assert name.lstrip("*") == CHART_FILE.name
    assert re.fullmatch(r"[0-9a-f]{64}", expected)
    assert hashlib.sha256(CHART_FILE.read_bytes()).hexdigest() == expected


def test_banner_matches_version_file() -> None:
    version = vendored_version()
    assert version.startswith("4."), version
    head = CHART_FILE.read_text(encoding="utf-8")[:200]
    match = re.search(r"/\*!\s*\*?\s*Chart\.js v(\S+)", head)
    assert match, head
    assert match.group(1) == version
    assert "Released under the MIT License" in head


def test_license_and_readme_ship_with_the_file() -> None:
    assert "MIT License" in (VENDOR / "LICENSE").read_text(encoding="utf-8")
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    assert "npm pack" in readme
    assert "SHA256SUMS" in readme


# --- bundle and caching --------------------------------------------------------------------------


def test_charts_bundle_builds_and_is_served(app: Flask, client: FlaskClient) -> None:
    path = bundle_path(app, "charts_js")
    assert re.fullmatch(r"/static/gen/charts\.[0-9a-f]+\.js", path), path
    with client.get(path) as response:
        assert response.status_code == 200
        assert "javascript" in response.content_type
        body = response.get_data()
    # Chart.js goes in verbatim (no second minification), with its licence banner, first.
    assert body.startswith(b"/*!")
    assert f"Chart.js v{vendored_version()}".encode() in body
    assert CHART_FILE.read_bytes() in body
    assert body.index(b"Chart.js v") < body.index(b"chartReady")
    # Then our code, minified by rjsmin.
    assert b'getElementById("chart-data")' in body
    assert b'getElementById("components-chart")' in body
    assert b'getElementById("figures-chart")' in body
    assert len(body) < len(CHART_FILE.read_bytes()) + CHARTS_JS.stat().st_size


@pytest.mark.parametrize("bundle", ["charts_js", "app_js", "app_css"])
def test_hashed_files_are_cached_for_a_year(app: Flask, client: FlaskClient, bundle: str) -> None:
    path = bundle_path(app, bundle)
    assert path.startswith("/static/gen/")
    with client.get(path) as response:
        assert response.status_code == 200
        cache_control = response.headers.get("Cache-Control", "")
    assert YEAR in cache_control
    assert "immutable" in cache_control


def test_unhashed_static_files_are_not_cached_for_a_year(client: FlaskClient) -> None:
    with client.get("/static/js/charts.js") as response:
        assert response.status_code == 200
        assert YEAR not in response.headers.get("Cache-Control", "")


# --- palette contrast (WCAG 2.1 SC 1.4.11: 3:1 for graphical objects) -----------------------------


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.x relative luminance of an sRGB colour given as #rgb or #rrggbb."""
    digits = hex_colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def palette_colours(source: str) -> dict[str, str]:
    match = PALETTE_BLOCK.search(source)
    assert match, "static/js/charts.js must define `var PALETTE = { ... }; // END PALETTE`"
    entries = re.findall(r'(\w+)\s*:\s*"(#[0-9a-fA-F]{3,6})"', match.group("body"))
    return dict(entries)


def test_contrast_formula() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#fff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    # Chart.js's default bar fill (rgba(54,162,235,0.5) over white) fails: about 1.65:1.
    assert contrast_ratio("#9bd0f5", "#ffffff") < 3.0


def test_palette_colours_contrast_with_white() -> None:
    source = CHARTS_JS.read_text(encoding="utf-8")
    palette = palette_colours(source)
    assert {"organisation", "peer", "figures"} <= palette.keys(), palette
    failures = {
        name: round(contrast_ratio(colour, "#ffffff"), 2)
        for name, colour in palette.items()
        if contrast_ratio(colour, "#ffffff") < 3.0
    }
    assert not failures, failures
    # The two series of the components chart must be told apart by colour.
    assert palette["organisation"].lower() != palette["peer"].lower()


def test_charts_js_uses_no_colour_outside_the_palette() -> None:
    source = CHARTS_JS.read_text(encoding="utf-8")
    in_palette = {c.lower() for c in palette_colours(source).values()}
    used = {c.lower() for c in HEX_COLOUR.findall(source)}
    assert used <= in_palette, used - in_palette
    assert "rgba(" not in source
    assert "animation: false" in source


def test_no_inline_script_needed() -> None:
    """charts.js must not build code from strings (blocked by a strict CSP)."""
    source = CHARTS_JS.read_text(encoding="utf-8")
    for forbidden in ("eval(", "new Function", "innerHTML", ".style."):
        assert forbidden not in source, forbidden
