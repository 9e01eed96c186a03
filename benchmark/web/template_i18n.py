"""Literal template strings translated once, when a template is compiled: one compiled template per language.

Flask-Babel's ``_("…")`` in a template looks the catalogue up on every call (about 12 µs through
its request-context lookups), and a results page makes several hundred such calls.  Most of them
translate a literal.  Here:

* :class:`TranslatingEnvironment` keys Jinja's template cache by the current locale (the request's,
  or the one a ``force_locale`` block sets) besides the name, and compiles a template for each
  language on first use;
* :class:`LiteralTranslations`, while a template compiles for a language, replaces every
  ``_("literal")`` and ``gettext("literal")`` (one string literal, no arguments) by its translation,
  exactly as Jinja's new-style gettext would produce it at run time: ``Markup(text) % {}`` in an
  autoescaped template (so ``%%`` becomes ``%`` and the text is not escaped again), ``text % {}``
  otherwise;
* calls with arguments (``_("… %(n)s", n=…)``) are translated at load too and formatted at run
  time by :func:`format_translated` (new-style gettext's formatting without its lookup);
  ``ngettext`` keeps the run-time lookup (the plural form depends on the number).

Outside a locale (no request, no ``force_locale``) nothing is replaced: the template keeps every
call.  ``TRANSLATE_TEMPLATES_AT_LOAD = False`` turns the whole mechanism off (the plain gettext
path, which ``tests/web/test_template_i18n.py`` compares with this one for every page).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, MutableMapping
from contextvars import ContextVar
from typing import Any

from flask import current_app, has_app_context
from flask.templating import Environment
from flask_babel import get_locale, get_translations
from jinja2 import Template, pass_context
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from jinja2.runtime import Context
from markupsafe import Markup

#: The locale a template is being compiled for ("" when literals are left alone).
_compiling: ContextVar[str] = ContextVar("template_locale", default="")

GETTEXT_NAMES = frozenset({"_", "gettext"})


def template_locale() -> str:
    """The locale templates are compiled for now: the current one, or "" when there is none or the feature is off."""
    if not has_app_context() or not current_app.config.get("TRANSLATE_TEMPLATES_AT_LOAD", True):
        return ""
    locale = get_locale()
    return "" if locale is None else str(locale)


class TranslatingEnvironment(Environment):
    """Flask's Jinja environment with one cached compiled template per (name, locale)."""

    def _load_template(self, name: str, globals: MutableMapping[str, Any] | None) -> Template:
        if self.loader is None:
            raise TypeError("no loader for this environment specified")
        locale = template_locale()
        cache_key = (weakref.ref(self.loader), name, locale)
        if self.cache is not None:
            template = self.cache.get(cache_key)  # type: ignore[arg-type]  # a longer key than Jinja's
            if template is not None and (not self.auto_reload or template.is_up_to_date):
                if globals:
                    template.globals.update(globals)
                return template
        marker = _compiling.set(locale)
        try:
            template = self.loader.load(self, name, self.make_globals(globals))
        finally:
            _compiling.reset(marker)
        if self.cache is not None:
            self.cache[cache_key] = template  # type: ignore[index]
        return template


#: The global a translated ``_("… %(n)s", n=…)`` calls: new-style gettext's formatting, the lookup done at load.
PREFORMATTED = "_translated_at_load"


@pass_context
def format_translated(context: Context, text: str, /, **variables: Any) -> str:
    """What Jinja's new-style ``gettext`` does after its catalogue lookup: Markup when autoescaping, then ``%``."""
    value: str = Markup(text) if context.eval_ctx.autoescape else text  # noqa: S704 (trusted as gettext trusts it)
    return value % variables


class LiteralTranslations(Extension):
    """Replace ``_("literal")`` by its translation in the locale the template is compiled for.

    ``_("literal", name=value)`` becomes ``_translated_at_load("translation", name=value)``: the
    catalogue is read once, when the template compiles for the language; the formatting stays at
    run time, exactly as new-style gettext does it.
    """

    def __init__(self, environment: Any) -> None:
        super().__init__(environment)
        environment.globals[PREFORMATTED] = format_translated

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        locale = _compiling.get()
        if not locale:
            yield from stream
            return
        translations = get_translations()
        autoescape = self.environment.autoescape
        escaped = bool(autoescape(stream.name) if callable(autoescape) else autoescape)
        previous: Token | None = None
        while not stream.eos:
            token = next(stream)
            if (
                token.type == "name"
                and token.value in GETTEXT_NAMES
                and (previous is None or previous.type != "dot")
                and stream.current.type == "lparen"
                and stream.look().type == "string"
            ):
                opening = next(stream)
                literal = next(stream)
                if stream.current.type == "rparen":
                    closing = next(stream)
                    try:
                        replacement = list(translated(translations.ugettext(literal.value), escaped, token, closing))
                    except (TypeError, ValueError, KeyError):  # a format error: left to fail where it did
                        replacement = [token, opening, literal, closing]
                    yield from replacement
                    previous = closing
                    continue
                if stream.current.type == "comma":  # arguments follow: translate now, format at run time
                    text = translations.ugettext(literal.value)
                    yield from (Token(token.lineno, "name", PREFORMATTED), opening)
                    yield Token(literal.lineno, "string", text)
                    previous = literal
                    continue
                yield from (token, opening, literal)
                previous = literal
                continue
            yield token
            previous = token
        yield from stream


def translated(text: str, escaped: bool, first: Token, last: Token) -> Iterator[Token]:
    """``(text|safe)`` in an autoescaped template, ``(text)`` otherwise, with new-style gettext's ``% {}`` applied."""
    # The catalogue's text is trusted as new-style gettext trusts it (Markup, unescaped): the same output.
    value = str(Markup(text) % {}) if escaped else text % {}  # noqa: S704
    yield Token(first.lineno, "lparen", "(")
    yield Token(first.lineno, "string", value)
    if escaped:
        yield Token(first.lineno, "pipe", "|")
        yield Token(first.lineno, "name", "safe")
    yield Token(last.lineno, "rparen", ")")
