"""Application factory: a readable list of ``init_app`` steps."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

from benchmark import cli
from benchmark.config import PROJECT_ROOT, Settings
from benchmark.funder.api import bp as api_bp
from benchmark.funder.api import docs_bp as api_docs_bp
from benchmark.funder.sector import bp as sector_bp
from benchmark.intermediaries.workshops import bp as workshops_bp
from benchmark.intermediaries.workshops import join_bp as workshop_join_bp
from benchmark.organisations.assessment import bp as assessment_bp
from benchmark.organisations.plan import bp as plan_bp
from benchmark.organisations.results import bp as results_bp
from benchmark.organisations.share import bp as share_bp
from benchmark.organisations.team import bp as team_bp
from benchmark.pages import bp as pages_bp
from benchmark.staff.accounts import bp as accounts_bp
from benchmark.staff.admin import bp as admin_bp
from benchmark.store import content, database
from benchmark.web import (
    assets,
    auth,
    compression,
    csrf_hook,
    errors,
    health,
    i18n,
    limits,
    links,
    questions,
    security,
    session_cookie,
    unavailable,
)
from benchmark.web import logging as log_redaction
from benchmark.web.application import BenchmarkFlask
from benchmark.web.template_i18n import TranslatingEnvironment


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Create the app; ``overrides`` replace environment settings (tests use this).

    Raises :class:`benchmark.config.ConfigError`, naming the variable, when the environment holds a bad value.
    """
    app = BenchmarkFlask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    app.jinja_environment = TranslatingEnvironment  # one compiled template per language (template_i18n)
    app.config.update(Settings.from_environment(os.environ).flask_config())
    app.config.update(overrides or {})

    log_redaction.init_app(app)  # private-link tokens never reach a log
    links.init_app(app)  # TRUSTED_PROXIES (ProxyFix) and public_url for templates
    content.init_app(app)  # stops here if a data file is broken
    database.init_app(app)
    session_cookie.init_app(app)  # signed cookies, serializer made once per secret
    i18n.init_app(app)
    limits.init_app(app)  # before CSRFProtect: its hook must not hide requests from the limiter
    csrf_hook.init_app(app)  # Flask-WTF's CSRFProtect, its hook asked only on POST, PUT, PATCH, DELETE
    auth.init_app(app)
    assets.init_app(app)
    questions.init_app(app)  # stops here if an item type has no form field or macro
    security.init_app(app)
    compression.init_app(app)
    errors.init_app(app)
    unavailable.init_app(app)  # a database or Redis outage: 503, try again in a moment
    health.init_app(app)  # /healthz for the proxy and monitors
    cli.init_app(app)
    register_blueprints(app)
    return app


class DatabaseIdConverter(IntegerConverter):
    """``<int:…>`` limited to what an INTEGER id column holds (2**31 - 1), so a longer number is a 404.

    Werkzeug's own converter accepts any length, and SQLite (OverflowError) or PostgreSQL
    (integer out of range) then fail on the lookup with a 500.
    """

    def __init__(
        self, map: Any, fixed_digits: int = 0, min: int | None = None, max: int | None = 2**31 - 1, signed: bool = False
    ) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register_blueprints(app: Flask) -> None:
    """Register each user's wing (organisations, intermediaries, funder, staff) and the public pages."""
    app.url_map.converters["int"] = DatabaseIdConverter
    app.register_blueprint(pages_bp, url_prefix="/<lang_code>")
    app.register_blueprint(assessment_bp, url_prefix="/<lang_code>/assessment")
    app.register_blueprint(results_bp, url_prefix="/<lang_code>/results")
    app.register_blueprint(plan_bp, url_prefix="/<lang_code>/results")
    app.register_blueprint(share_bp, url_prefix="/<lang_code>/shared")
    app.register_blueprint(team_bp, url_prefix="/<lang_code>/team")
    app.register_blueprint(accounts_bp, url_prefix="/<lang_code>/account")
    app.register_blueprint(workshops_bp, url_prefix="/<lang_code>/workshops")
    app.register_blueprint(workshop_join_bp)  # /join/CODE: a bilingual workshop's language-neutral address
    app.register_blueprint(sector_bp, url_prefix="/<lang_code>/sector")
    app.register_blueprint(admin_bp, url_prefix="/<lang_code>/admin")
    app.register_blueprint(api_docs_bp, url_prefix="/<lang_code>")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
