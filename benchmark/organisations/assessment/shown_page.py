"""A questionnaire page as a GET shows it: rendered once per screen, joined per draft (issue 18).

Two drafts' views of one screen (page, language, layout, task, place in the flow) differ only in
the options their answers check, their private token (in the page's links), their hidden fields
and the CSRF token.  The first view of a screen renders ``assessment/page.html`` once with a form
that checks *every* option and writes a marker for each hidden field, and keeps it as a
:class:`~benchmark.web.page_skeleton.Skeleton`: a hole after each option input (`` checked`` or
nothing), one at each occurrence of the token, one per hidden field and page_cache's CSRF hole.
Each view then joins the skeleton around its own values, escaped as Jinja escapes them.

Only the plain view takes this path: a GET with no account signed in, no message waiting and no
query argument but ``layout``, ``task`` and ``return_to`` (all three in the key); anything else,
and any screen whose render the skeleton cannot account for, is rendered in full.
``tests/web/test_shown_page.py`` compares the two for every screen in English and French.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from html import unescape
from typing import Any, Protocol

from flask import Flask, current_app, request
from markupsafe import escape
from werkzeug.wrappers import Response

from benchmark.core.lru import BoundedCache, kept_in
from benchmark.core.questionnaire import Page, Questionnaire
from benchmark.organisations.assessment import conflicts
from benchmark.organisations.assessment.forms import ShownField, ShownForm
from benchmark.store import assessments as services
from benchmark.web import page_skeleton
from benchmark.web.csrf_token import request_csrf_token
from benchmark.web.page_cache import cacheable, render_with_hole
from benchmark.web.page_skeleton import CSRF, Skeleton, marker
from benchmark.web.questions import field_name

#: Screens kept per process (a questionnaire has about a dozen pages, two languages, a few layouts).
SIZE = 128
EXTENSION = "questionnaire_skeletons"
HIDDEN = ("revision", "base", "layout", "task", "return_to")
#: The query arguments a kept screen may have (each part of its key).
ARGUMENTS = frozenset({"layout", "task", "return_to"})
TOKEN = "token"  # noqa: S105  # the name of the private token's hole, not a secret
CHECKED = b" checked"
#: An option input as ``macros/questions.html`` writes it, with the `` checked`` every option has in a skeleton.
OPTION = re.compile(
    r'<input type="(?:radio|checkbox)" id="[^"]*" name="(?P<name>[^"]*)" value="(?P<value>[^"]*)"(?P<hole> checked)'
)
OPTION_INPUTS = re.compile(r'<input type="(?:radio|checkbox)"')


class Screen(Protocol):
    """What this module needs of the page view (:class:`.views.PageView`)."""

    assessment: services.Draft
    page: Page
    token: str
    q: Questionnaire
    lang: str
    layout: str
    task: str | None
    return_to: str
    flow: list[Page]

    def answers(self) -> dict[str, Any]: ...

    def render(self, form: Any, notice: str | None = None) -> str: ...


class _Every:
    """A field value that contains every option (the skeleton's render checks them all)."""

    def __contains__(self, value: object) -> bool:
        return True


class MarkedForm(ShownForm):
    """The form a skeleton is rendered with: every option checked, a marker in each hidden field."""

    def __init__(self) -> None:
        super().__init__({})
        for name in HIDDEN:
            setattr(self, name, ShownField(marker(name)))
        self.asked: set[str] = set()

    def __getitem__(self, name: str) -> ShownField:
        self.asked.add(name)
        return ShownField(_Every())


def field_values(screen: Screen) -> dict[str, Any]:
    """The saved answers as WTForms holds them, by field name (a radio group's as text, a checkbox list's as a list)."""
    answers = screen.answers()
    data: dict[str, Any] = {}
    for key in screen.q.page_answer_keys(screen.page):
        value = answers.get(key)
        if value is not None:
            multiple = screen.q.item_for_key(key)[0].kind.multiple
            data[field_name(key)] = [str(v) for v in value] if multiple else str(value)
    return data


def hidden_values(screen: Screen) -> dict[str, str]:
    """The hidden fields of the page's form: revision, signed base, layout, task, return_to."""
    answers = screen.answers()
    shown = {key: answers[key] for key in screen.q.page_answer_keys(screen.page) if key in answers}
    revision = screen.assessment.revision
    return {
        "revision": str(revision),
        "base": conflicts.sign_base(screen.assessment, screen.page, revision, shown),
        "layout": screen.layout if screen.layout == "tasks" else "",
        "task": screen.task or "",
        "return_to": screen.return_to,
    }


def show(screen: Screen) -> Response | None:
    """The page joined from its screen's skeleton, or None when it must be rendered in full."""
    if not _plain_view(screen):
        return None
    skeleton = _cache(current_app).get_or_make(_key(screen), lambda: _make(screen))
    if skeleton is None:
        return None
    return page_skeleton.respond(skeleton.join(values(screen, skeleton)))


def values(screen: Screen, skeleton: Skeleton) -> dict[Hashable, bytes]:
    """The values of a skeleton's holes for this draft (escaped as Jinja escapes them, UTF-8)."""
    filled: dict[Hashable, bytes] = {TOKEN: screen.token.encode("ascii")}
    filled.update((name, str(escape(value)).encode("utf-8")) for name, value in hidden_values(screen).items())
    if CSRF in skeleton.names:
        filled[CSRF] = request_csrf_token().encode("ascii")
    for name, data in field_values(screen).items():
        for value in [data] if isinstance(data, str) else data:
            filled["checked", name, value] = CHECKED
    return filled


def _plain_view(screen: Screen) -> bool:
    return (
        current_app.config.get("QUESTIONNAIRE_SKELETONS", True)
        and cacheable()
        and ARGUMENTS.issuperset(request.args)
        and screen.token not in request.environ.get("QUERY_STRING", "")
    )


def _key(screen: Screen) -> tuple[Hashable, ...]:
    environ = request.environ
    return (
        screen.q.version,
        screen.page.id,
        screen.lang,
        screen.layout,
        screen.task,
        screen.return_to,
        screen.flow.index(screen.page),
        len(screen.flow),
        environ.get("HTTP_HOST"),
        environ.get("SCRIPT_NAME"),
        environ.get("QUERY_STRING"),
        current_app.config.get("WTF_CSRF_ENABLED", True),
    )


def _make(screen: Screen) -> Skeleton | None:
    """Render the screen with every option checked and markers, and cut it (None: the render is not accounted for)."""
    forms: list[MarkedForm] = []

    def render() -> str:
        form = MarkedForm()
        forms.append(form)
        return screen.render(form)

    html = render_with_hole(render)
    splitter = (OPTION, lambda match: ("checked", unescape(match["name"]), unescape(match["value"])))
    skeleton = Skeleton.split(html, {screen.token: TOKEN}, (splitter,))
    checked = [hole for hole in skeleton.holes if isinstance(hole, tuple)]
    complete = set(HIDDEN) <= skeleton.names and len(checked) == len(OPTION_INPUTS.findall(html))
    if not complete or not {hole[1] for hole in checked} <= forms[0].asked:
        return None
    return skeleton


def _cache(app: Flask) -> BoundedCache[Skeleton | None]:
    return kept_in(app.extensions, EXTENSION, SIZE)


def clear(app: Flask | None = None) -> None:
    """Forget every kept screen of ``app`` (the current app by default)."""
    _cache(app or current_app).clear()
