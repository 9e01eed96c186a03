"""Parts of the results page that depend only on the questionnaire's content and the language, made once.

The 2017 figures beside an organisation's answers are the same for every organisation: which
options have a published figure, their labels, percentages and kinds come from the content
files; only the organisation's own answer differs.  The same holds for the page's blocks that
list content (the questions without a 2017 figure, where each figure comes from, the 2017
report's qualitative findings, the twelve innovative practices).  Those parts are made once per
app, content and language, and kept in a small bounded cache; the organisation's own answers
are put in at each render.

Every entry is keyed by the content's identity and the language (and, for a rendered block, the
template and locale it was rendered with): nothing an organisation answered is ever part of a
key or of a value here, so no entry can carry one organisation's data into another's page.
With ``RESULTS_FAST_PARTS`` off nothing is kept (``tests/web/test_results_fast_parts.py``
compares the two renders byte for byte).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, current_app, render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from benchmark.core import rules
from benchmark.core.item_types import ItemKind
from benchmark.core.lru import BoundedCache, kept_in
from benchmark.core.questionnaire import Item, describe_answer
from benchmark.store.content import content

#: Entries kept per app: a few kinds of part per content and language.
SIZE = 64

T = TypeVar("T")


def _cache(app: Flask) -> BoundedCache[Any]:
    return kept_in(app.extensions, "results_fragments", SIZE)


def kept(kind: str, lang: str, make: Callable[[], T], *more: Hashable) -> T:
    """The part ``kind`` in ``lang`` for the current content (``more``: anything else it depends on), made once."""
    if not current_app.config.get("RESULTS_FAST_PARTS", True):
        return make()
    key = (kind, id(content()), lang, *more)
    return _cache(current_app).get_or_make(key, make)  # type: ignore[no-any-return]


def clear(app: Flask | None = None) -> None:
    """Forget every kept part of ``app`` (the current app by default)."""
    _cache(app or current_app).clear()


def figures_chart(figures: list[Any], lang: str) -> dict[str, Any]:
    """What the 2017 figures chart draws that is the same for every organisation (``figures``: FigureRow list)."""
    return {
        "title": _("Published 2017 figures (share of providers, %)"),
        "labels": [
            _(
                "%(question)s: %(option)s",
                question=row.item.label(lang),
                option=rules.short_option_label(row.option_label),
            )
            for row in figures
        ],
        "values": [row.figure.pct for row in figures],
        "label": _("2017 share (%)"),
        # Published figures and the tool's readings of the report are told apart by a legend and a pattern.
        "kinds": ["reading" if row.figure.status == "reading" else "stated" for row in figures],
        "stated_label": _("2017: published figure"),
        "reading_label": _("2017: our reading of the report"),
    }


def answer_texts() -> dict[str, str]:
    """The words of an answer beside a 2017 figure, and the sentence around them (Flask-Babel's msgids, translated)."""
    return {
        "yes": str(_("Yes")),
        "no": str(_("No")),
        "skipped": str(_("Not answered")),
        # Without arguments Flask-Babel returns the translation unformatted: "%(answer)s" is filled per row.
        "your_answer": str(_("Your answer: %(answer)s")),
        "yours_label": str(_("Your answer")),
    }


@dataclass(frozen=True)
class ContentRow:
    """What a content block shows of one item's 2017 comparison: nothing of the organisation's answer."""

    item: Any
    has_figure: bool
    takeaways: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class ContentView:
    """The part of a results view that the content alone decides: what a kept block is rendered from."""

    lang: str
    comparisons: tuple[ContentRow, ...]
    group_takeaways: dict[str, list[str]]
    all_links: tuple[Any, ...]


def content_view(view: Any) -> ContentView:
    """The content-only projection of a :class:`~.services.ResultsView` (no answer, score or date in it)."""
    rows = tuple(ContentRow(c.item, c.has_figure, tuple(c.takeaways), c.sources) for c in view.comparisons)
    return ContentView(view.lang, rows, dict(view.group_takeaways), tuple(view.all_links))


def block_renderer(view: Any) -> Callable[[str], Markup]:
    """``kept_block(name)`` for the page's template: a content-only partial, rendered once per content and language.

    The partial gets :func:`content_view` as ``view`` (and the locale as ``lang``), never the page's own view.
    """
    locale = str(get_locale())

    def kept_block(name: str) -> Markup:
        def make() -> Markup:
            return Markup(render_template(name, view=content_view(view), lang=locale))  # noqa: S704 (a template)

        return kept(f"block:{name}", view.lang, make, locale)

    return kept_block


def _option_labels(lang: str) -> dict[tuple[str, str], str]:
    labels: dict[tuple[str, str], str] = {}
    for item in content().questionnaire.iter_items():
        for option in item.options:
            labels.setdefault((item.id, option.id), option.label.get(lang))  # the first option of an id, as Item.option
    return labels


def describer(lang: str) -> Callable[[Item, object], str | None]:
    """:func:`~benchmark.core.questionnaire.describe_answer` in ``lang``, option labels looked up in a table made once.

    For item types that keep :meth:`ItemKind.describe` (option labels joined with "; "); any other
    type (a scale) is described by its own method.
    """
    labels = kept("option_labels", lang, lambda: _option_labels(lang))

    def describe(item: Item, value: object) -> str | None:
        if type(item.kind).describe is not ItemKind.describe:
            return describe_answer(item, value, lang)
        if value is None:
            return None
        ids = value if isinstance(value, list) else [value]
        found = [label for option_id in ids if (label := labels.get((item.id, str(option_id)))) is not None]
        return "; ".join(found) if found else None

    return describe
