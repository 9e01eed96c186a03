"""WTForms classes generated at run time from the item definitions.

One form class per (page, language) is built from the questionnaire data and
cached; each item type's fields come from :mod:`benchmark.web.questions` (single
choice → radio group, multiple choice → checkboxes, 0–10 → a labelled radio scale,
matrix → one radio group per row).  Field names are the answer keys with ``.``
replaced by ``-`` (``q8-privacy``), so they are valid HTML ids.  Every item may be
skipped unless the data file marks it ``required``; required answers are enforced only
when moving forward (Next, Submit).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf
from wtforms import HiddenField, StringField
from wtforms.validators import Length, Optional

from benchmark.core.questionnaire import Page, Questionnaire
from benchmark.web.forms import BaseForm, NoUnreadableCharacters
from benchmark.web.questions import field_name, item_fields

__all__ = [
    "ConflictForm",
    "PageForm",
    "ResumeForm",
    "ShownForm",
    "StartForm",
    "SubmitForm",
    "field_name",
    "page_field_names",
    "page_form_class",
]

LABEL_MAX_LENGTH = 120


class PageForm(BaseForm):
    """Base of the generated page forms: hidden navigation state plus the CSRF token."""

    #: Set by the view: enforce required items (on Next / Submit, not on Back / Save).
    enforce_required = False
    revision = HiddenField()
    #: The revision and page values the form was loaded with, signed (see :mod:`.conflicts`).
    base = HiddenField()
    layout = HiddenField()
    task = HiddenField()
    return_to = HiddenField()


class ShownField:
    """A field of :class:`ShownForm`: the value shown, and no errors."""

    errors: tuple[str, ...] = ()

    def __init__(self, data: Any = None) -> None:
        self.data = data


class ShownToken:
    """The CSRF field of :class:`ShownForm`: the same token Flask-WTF's field carries (one per session)."""

    def __init__(self) -> None:
        self.current_token = generate_csrf()


class ShownForm:
    """A page form as a GET shows it: the saved values and the hidden fields, with no WTForms field bound.

    Binding a generated :class:`PageForm` builds every field anew on each request (about a tenth of a
    page view, issue 18) only for the template to read each value; a page shown from the saved
    answers needs just the values, which the view gives as WTForms would hold them (a radio
    group's value as text, a checkbox list's as a list of text).  A POST binds the real form.
    The template reads both through the same attributes (``form[name].data``, ``.errors``).
    """

    csrf_token: ShownToken  # absent when CSRF protection is off, as on a FlaskForm

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values
        self.revision, self.base, self.layout, self.task, self.return_to = (ShownField() for _ in range(5))
        if current_app.config.get("WTF_CSRF_ENABLED", True):
            self.csrf_token = ShownToken()

    def __getitem__(self, name: str) -> ShownField:
        return ShownField(self.values.get(name))


@lru_cache(maxsize=64)
def page_form_class(questionnaire: Questionnaire, page_id: str, lang: str) -> type[PageForm]:
    """Build (once) the form class for one page in one language."""
    page = questionnaire.page(page_id)
    assert page is not None
    fields: dict[str, Any] = {}
    for item in questionnaire.page_items(page):
        fields.update(item_fields(item, lang))
    return type(f"PageForm_{page_id.replace('-', '_')}_{lang}", (PageForm,), fields)


def page_field_names(questionnaire: Questionnaire, page: Page, only_item: str | None = None) -> list[str]:
    """Return the field names of a page (or of one of its items, in one-task-per-screen mode)."""
    items = [questionnaire.items[only_item]] if only_item else questionnaire.page_items(page)
    return [field_name(key) for item in items for key in item.answer_keys()]


class StartForm(BaseForm):
    """The start page: an optional private label for the assessment."""

    label = StringField(
        _l("A name for this assessment (optional, private)"),
        validators=[Optional(), Length(max=LABEL_MAX_LENGTH), NoUnreadableCharacters()],
        description=_l("For example: “Board review, spring 2026”. Only people with your private link see it."),
    )


class ResumeForm(BaseForm):
    """Paste a private link (or its code) to come back to an assessment."""

    link = StringField(_l("Your private link or code"), validators=[Length(max=400)])


class SubmitForm(BaseForm):
    """The review page's final submit button (CSRF only)."""


class ConflictForm(BaseForm):
    """The conflict page: both versions of each conflicting answer, signed, plus the CSRF token."""

    state = HiddenField()
