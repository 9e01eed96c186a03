"""Static bundles served through Flask-Assets (hashed file names, long-lived caching)."""

from __future__ import annotations

from flask import Flask, current_app
from flask_assets import Bundle

from benchmark.extensions import assets

BUNDLES = {
    "app_css": Bundle("css/app.css", "css/workshops.css", filters="rcssmin", output="gen/app.%(version)s.css"),
    "print_css": Bundle("css/print.css", filters="rcssmin", output="gen/print.%(version)s.css"),
    "app_js": Bundle("js/app.js", filters="rjsmin", output="gen/app.%(version)s.js"),
    # Vendored Chart.js (already minified: no filter; see static/vendor/chart.js/README.md)
    # followed by the page's chart code.
    "charts_js": Bundle(
        Bundle("vendor/chart.js/chart.umd.min.js"),
        Bundle("js/charts.js", filters="rjsmin"),
        Bundle("js/peer_chart.js", filters="rjsmin"),
        output="gen/charts.%(version)s.js",
    ),
    # The facilitator's live view and projector poll for a fresh cohort picture.
    "live_js": Bundle("js/live.js", filters="rjsmin", output="gen/live.%(version)s.js"),
}


def init_app(app: Flask) -> None:
    """Register the bundles; in production they are prebuilt by ``flask assets build``."""
    assets.init_app(app)
    for name, bundle in BUNDLES.items():
        if name not in assets:
            assets.register(name, bundle)
    app.extensions["asset_urls"] = {}
    app.jinja_env.globals["asset_url"] = asset_url


def asset_url(name: str) -> str:
    """The URL of a bundle's built file (hashed name), for templates: ``{{ asset_url("app_css") }}``.

    Flask-Assets' ``{% assets %}`` tag checks every bundle's definition and files on each use,
    about a third of a questionnaire page's CPU time (perf/README.md).  With prebuilt bundles
    (``ASSETS_AUTO_BUILD=False``, as ``make run`` serves) the URL cannot change while the
    process runs, so it is resolved once; with auto-build on (development, tests) every call
    asks Flask-Assets, which rebuilds a changed file.
    """
    cache: dict[str, str] = current_app.extensions["asset_urls"]
    url = cache.get(name)
    if url is None:
        url = assets[name].urls()[0]
        if not current_app.config.get("ASSETS_AUTO_BUILD", True):
            cache[name] = url
    return url
