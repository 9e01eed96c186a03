"""Saves from two windows of one page: what a form was loaded with, and the conflict page.

Design: every page form carries, in its hidden ``base`` field, the draft's revision and
the page's values *as the form showed them*, signed with the app's secret key (so it
cannot be forged, and needs no new column).  On a save, the store compares that revision
with the current one; if another window saved meanwhile, it merges by answer key
(:func:`benchmark.store.assessments.merge_answers`): this window's changes are written,
the other window's are kept, and a key both windows changed differently is a conflict —
left as stored while this module's page shows both versions and asks which to keep.
The choice is saved the same way, with the versions shown as its base, so a third
window saving meanwhile is caught again.  A per-answer revision column could not tell
"not touched here" from "cleared here" (a cleared answer has no row): the loaded values can.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from itsdangerous import BadData, Signer, URLSafeSerializer
from itsdangerous.encoding import base64_encode, want_bytes
from werkzeug.wrappers import Response

from benchmark.core.questionnaire import Page, Questionnaire, describe_answer
from benchmark.organisations.assessment.forms import ConflictForm, PageForm, ShownForm
from benchmark.store import assessments as services
from benchmark.web.i18n import current_language
from benchmark.web.questions import field_name

CHOICES = ("stored", "mine")


class PageScreen(Protocol):
    """What this module needs of the page view (:class:`.views.PageView`)."""

    assessment: services.Draft
    page: Page
    token: str
    q: Questionnaire
    layout: str
    task: str | None
    return_to: str

    def form_from_answers(self) -> ShownForm: ...

    def saved(self, revision: int) -> None: ...

    def render(self, form: PageForm | ShownForm, notice: str | None = None) -> str: ...


class _Serializer(URLSafeSerializer):
    """itsdangerous's URL-safe serializer, compressing with a window the size of the payload.

    ``zlib.compress`` sets up a 32 KB window and 256 KB of tables for a payload of a few hundred
    bytes (a fifth of a questionnaire page's instructions, issue 18); ``loads`` reads either.
    """

    def dump_payload(self, obj: Any) -> bytes:
        json = want_bytes(self.serializer.dumps(obj, **self.serializer_kwargs))
        compressor = zlib.compressobj(6, zlib.DEFLATED, min(max(len(json).bit_length(), 9), zlib.MAX_WBITS), 1)
        compressed = compressor.compress(json) + compressor.flush()
        if len(compressed) < len(json) - 1:
            return b"." + base64_encode(compressed)
        return base64_encode(json)


@lru_cache(maxsize=8)
def _signing(secret: str | bytes, salt: str) -> tuple[_Serializer, Signer]:
    """The serializer of one salt and the signer its ``dumps`` would make on every call."""
    serializer = _Serializer(secret, salt=f"benchmark.assessment.{salt}")
    return serializer, serializer.make_signer()


def _serializer(salt: str) -> _Serializer:
    return _signing(current_app.secret_key or "", salt)[0]


def _dumps(salt: str, payload: dict[str, Any]) -> str:
    serializer, signer = _signing(current_app.secret_key or "", salt)
    return str(signer.sign(serializer.dump_payload(payload)).decode("ascii"))


def sign_base(assessment: services.AnyAssessment, page: Page, revision: int, values: dict[str, Any]) -> str:
    """Sign what a page form is loaded with: this draft, this page, the revision and the values shown."""
    return _dumps("base", {"a": assessment.id, "p": page.id, "r": revision, "v": values})


def read_base(text: str | None, assessment: services.AnyAssessment, page: Page) -> services.Base | None:
    """Read a signed base back (None if missing, forged, or from another draft or page)."""
    data = _load("base", text, assessment, page)
    if data is None or not isinstance(data.get("v"), dict):
        return None
    return services.Base(data["r"], data["v"])


def _load(salt: str, text: str | None, assessment: services.AnyAssessment, page: Page) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        data = _serializer(salt).loads(text)
    except (BadData, ValueError, UnicodeError):
        return None
    if not isinstance(data, dict) or data.get("a") != assessment.id or data.get("p") != page.id:
        return None
    return data if isinstance(data.get("r"), int) else None


@dataclass(frozen=True)
class ConflictState:
    """Both versions of each conflicting answer, and the revision at which they were shown."""

    revision: int
    stored: dict[str, Any]
    mine: dict[str, Any]

    def sign(self, assessment: services.AnyAssessment, page: Page) -> str:
        payload = {"a": assessment.id, "p": page.id, "r": self.revision, "s": self.stored, "m": self.mine}
        return _dumps("conflict", payload)


def read_state(text: str | None, assessment: services.AnyAssessment, page: Page) -> ConflictState | None:
    """Read the conflict page's signed state (None if missing, forged or from elsewhere)."""
    data = _load("conflict", text, assessment, page)
    if data is None or not isinstance(data.get("s"), dict) or not isinstance(data.get("m"), dict):
        return None
    if set(data["s"]) != set(data["m"]) or not data["s"]:
        return None
    return ConflictState(data["r"], data["s"], data["m"])


def state_of(outcome: services.SaveOutcome) -> ConflictState:
    """The conflict page's state after a save that found conflicts."""
    return ConflictState(
        outcome.revision,
        {key: stored for key, (stored, _mine) in outcome.conflicts.items()},
        {key: mine for key, (_stored, mine) in outcome.conflicts.items()},
    )


def render_conflicts(
    screen: PageScreen, state: ConflictState, form: ConflictForm | None = None, notice: str | None = None
) -> str:
    """Show both versions of each conflicting answer, as a choice per question."""
    form = form or ConflictForm(formdata=None)
    form.state.data = state.sign(screen.assessment, screen.page)
    lang = current_language()
    questions = []
    for key in state.stored:
        item, row = screen.q.item_for_key(key)
        label = item.text.get(lang) + (f" — {row.label.get(lang)}" if row else "")
        questions.append(
            {
                "name": f"choice-{field_name(key)}",
                "label": label,
                "stored": describe_answer(item, state.stored[key], lang) or _("Not answered"),
                "mine": describe_answer(item, state.mine[key], lang) or _("Not answered"),
                "chosen": request.form.get(f"choice-{field_name(key)}") if notice else None,
            }
        )
    return render_template(
        "assessment/conflict.html",
        token=screen.token,
        page=screen.page,
        form=form,
        questions=questions,
        notice=notice,
        hidden={"layout": screen.layout if screen.layout == "tasks" else "", "task": screen.task or ""}
        | {"return_to": screen.return_to},
    )


def resolve(screen: PageScreen) -> str | Response | tuple[str, int]:
    """Save the person's choice for each conflicting answer, then show the page again."""
    form = ConflictForm()
    form.validate()
    state = read_state(form.state.data, screen.assessment, screen.page)
    if state is None:
        return screen.render(screen.form_from_answers(), notice="tampered"), 400
    if form.csrf_failed:
        return render_conflicts(screen, state, form, notice="csrf"), 400
    choices = {key: request.form.get(f"choice-{field_name(key)}") for key in state.stored}
    if any(choice not in CHOICES for choice in choices.values()):
        return render_conflicts(screen, state, form, notice="missing"), 400
    chosen = {key: state.mine[key] if choice == "mine" else state.stored[key] for key, choice in choices.items()}
    outcome = services.save_page(screen.assessment, chosen, screen.page.id, services.Base(state.revision, state.stored))
    screen.saved(outcome.revision)
    if outcome.conflicts:  # yet another window saved these answers meanwhile
        return render_conflicts(screen, state_of(outcome)), 409
    flash(_("Your choices were saved."))
    args: dict[str, Any] = {"token": screen.token, "page_id": screen.page.id}
    if screen.layout == "tasks":
        args.update(layout="tasks", task=screen.task)
    if screen.return_to:
        args["return_to"] = screen.return_to
    return redirect(url_for(".page", **args))
