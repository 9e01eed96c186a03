"""Languages: the URL prefix (``/en/…``, ``/fr/…``) is the single source of truth.

``Accept-Language`` is used only to redirect ``/``.  Every page offers a toggle to
the *equivalent* page in the other language (same endpoint, same arguments).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Flask, abort, current_app, g, redirect, request, url_for
from flask.globals import _cv_app
from flask_babel import format_date, format_datetime, format_decimal, format_percent, get_locale
from werkzeug.wrappers import Response

from benchmark.extensions import babel
from benchmark.web.template_i18n import LiteralTranslations

LANGUAGES = ("en", "fr")
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}


def init_app(app: Flask) -> None:
    """Register locale selection, the language URL processors and the ``/`` redirect."""
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.add_extension(LiteralTranslations)  # literal _("…") translated at load (template_i18n)
    app.url_value_preprocessor(pull_lang_code)
    app.url_defaults(add_lang_code)
    app.add_url_rule("/", "root", root_redirect)
    app.jinja_env.globals.update(
        get_locale=get_locale,
        other_language_url=other_language_url,
        format_date=format_date,
        format_datetime=format_datetime,
        format_decimal=format_decimal,
        format_percent=format_percent,
        colon=colon,
    )


def best_language() -> str:
    """Return the browser's preferred supported language (English when none matches)."""
    return request.accept_languages.best_match(LANGUAGES) or "en"


def select_locale() -> str:
    """Return the language of the current request: the URL prefix when there is one."""
    return g.get("lang_code") or (best_language() if request else "en")


def pull_lang_code(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Take ``lang_code`` out of the URL values; refuse any language not on the allowlist."""
    if values and "lang_code" in values:
        lang_code = values.pop("lang_code")
        if lang_code not in LANGUAGES:
            abort(404)
        _cv_app.get().g.lang_code = lang_code


def add_lang_code(endpoint: str, values: dict[str, Any]) -> None:
    """Fill in the current language when building URLs for language-prefixed endpoints."""
    if "lang_code" in values:
        return
    if current_app.url_map.is_endpoint_expecting(endpoint, "lang_code"):
        # Outside a language prefix (e.g. a bilingual 404), use the browser's language.
        values["lang_code"] = g.get("lang_code") or select_locale()


def root_redirect() -> Response:
    """Send ``/`` to the home page in the browser's language."""
    response = redirect(url_for("pages.home", lang_code=best_language()))
    response.headers["Vary"] = "Accept-Language"
    return response


def current_language() -> str:
    """Return ``"en"`` or ``"fr"`` for the current request."""
    app_context = _cv_app.get(None)  # ``if g:`` without a proxy lookup per read
    if app_context is not None:
        # Flask-Babel keeps its locale in g._flask_babel (force_locale sets it too); until it has
        # made one, the URL's language is what select_locale would give it, without parsing a Locale.
        made = getattr(app_context.g.get("_flask_babel"), "babel_locale", None)
        lang_code = app_context.g.get("lang_code")
        if made is None and lang_code:
            return str(lang_code)
    return str(get_locale() or "en")[:2]


def colon(lang: str | None = None) -> str:
    """ ":" as each language writes it after a label: a no-break space before it in French (U+00A0)."""
    return "\u00a0:" if (lang or current_language()) == "fr" else ":"


def other_language() -> str:
    """Return the other official language."""
    return "en" if current_language() == "fr" else "fr"


def other_language_url() -> str:
    """Return the URL of the equivalent page in the other language (same arguments, same query string).

    The query string is kept whole (a sector breakdown, a join code, ``return_to=review``…) and
    appended as encoded text, never passed to ``url_for`` (whose ``_external``/``_scheme``
    keywords must not come from the request).
    """
    target = other_language()
    if request.endpoint and request.url_rule and "lang_code" in request.url_rule.arguments:
        args = dict(request.view_args or {})
        args["lang_code"] = target
        path = url_for(request.endpoint, **args)
        query = urlencode(list(request.args.items(multi=True)))
        return f"{path}?{query}" if query else path
    return url_for("pages.home", lang_code=target)
