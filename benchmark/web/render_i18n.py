"""Cheaper run-time halves of the templates' translated strings with arguments, for one render.

:mod:`benchmark.web.template_i18n` translates ``_("… %(n)s", n=…)`` when a template compiles and
leaves the formatting to run time (:func:`~benchmark.web.template_i18n.format_translated`:
``Markup(text) % variables``); ``ngettext`` still looks the catalogue up at each call.  Both end
in MarkupSafe's ``%``, which wraps every argument in a helper object.  Here, for one render:

* :func:`format_markup` gives the same text as ``Markup(text) % variables`` for the conversions
  the catalogue uses, ``%(name)s`` and ``%(name)d`` (and ``%%``): a ``s`` argument is escaped
  as MarkupSafe's helper escapes it, a ``d`` argument is ``int()``-ed as the helper does; any
  other conversion, or a name used with both, takes MarkupSafe's own path;
* :func:`callables` returns ``_translated_at_load`` and ``ngettext`` bound to the render's
  catalogue (read once), to pass to ``render_template``; they shadow the environment's globals
  for that render only.

``tests/web/test_results_fast_parts.py`` compares pages rendered with and without them, and
checks :func:`format_markup` against ``Markup % …`` on awkward values.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask_babel import get_translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from benchmark.web.template_i18n import PREFORMATTED

#: Every ``%`` conversion of a format string: ``%%``, or ``%(name)`` with its flags and type.
_CONVERSION = re.compile(r"%(?:%|\((\w+)\)([-#0 +]*\d*(?:\.\d+)?)([a-zA-Z]))")
#: Per format string: ``{name: "s" or "d"}``, or None when MarkupSafe's path must be taken.
_PLANS: dict[str, dict[str, str] | None] = {}
_PLANS_MAX = 2048


def _plan(text: str) -> dict[str, str] | None:
    plan = _PLANS.get(text, False)
    if plan is not False:
        return plan  # type: ignore[return-value]
    found: dict[str, str] | None = {}
    matches = list(_CONVERSION.finditer(text))
    if sum(2 if m.group(1) is None else 1 for m in matches) != text.count("%"):
        matches, found = [], None  # a conversion without a name ("%s"): MarkupSafe's path
    for match in matches:
        name, flags, kind = match.groups()
        if name is None:
            continue  # "%%"
        if flags or kind not in ("s", "d") or found.get(name, kind) != kind:  # type: ignore[union-attr]
            found = None
            break
        found[name] = kind  # type: ignore[index]
    if len(_PLANS) >= _PLANS_MAX:
        _PLANS.clear()
    _PLANS[text] = found
    return found


def format_markup(text: str, variables: dict[str, Any]) -> Markup:
    """``Markup(text) % variables``, without MarkupSafe's per-argument helper objects."""
    plan = _plan(text)
    if plan is None:
        return Markup(text) % variables  # noqa: S704 (trusted as gettext trusts it)
    arguments = {
        name: (int(variables[name]) if kind == "d" else escape(variables[name])) for name, kind in plan.items()
    }
    return Markup(str.__mod__(text, arguments))  # noqa: S704


def callables() -> dict[str, Callable[..., Any]]:
    """``_translated_at_load`` and ``ngettext`` for one render, the catalogue read once (for ``render_template``)."""
    translations = get_translations()

    @pass_context
    def translated_at_load(context: Context, text: str, /, **variables: Any) -> str:
        if context.eval_ctx.autoescape:
            return format_markup(text, variables)
        return text % variables

    @pass_context
    def ngettext(context: Context, singular: str, plural: str, num: int, /, **variables: Any) -> str:
        variables.setdefault("num", num)
        text = translations.ungettext(singular, plural, num)
        if context.eval_ctx.autoescape:
            return format_markup(text, variables)
        return str(text % variables)

    return {PREFORMATTED: translated_at_load, "ngettext": ngettext}
