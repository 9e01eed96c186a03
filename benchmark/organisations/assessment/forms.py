"""WTForms classes generated at run time from the item definitions.

One form class per (page, language) is built from the questionnaire data and
cached: single choice → radio group, multiple choice → checkboxes, 0–10 → a
labelled radio scale, matrix → one radio group per row.  Field names are the
answer keys with ``.`` replaced by ``-`` (``q8-privacy``), so they are valid HTML
ids.  Every item may be skipped unless the data file marks it ``required``;
required answers are enforced only when moving forward (Next, Submit).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, StopValidation, ValidationError

from benchmark.core.questionnaire import Item, Option, Page, Questionnaire, check_multi_selection
from benchmark.web.forms import BaseForm, MultiCheckboxField, NoUnreadableCharacters
from benchmark.web.i18n import current_language

LABEL_MAX_LENGTH = 120


def field_name(answer_key: str) -> str:
    """Return the form field name for an answer key (``q8.privacy`` → ``q8-privacy``)."""
    return answer_key.replace(".", "-")


def answer_key(name: str) -> str:
    """Return the answer key for a form field name."""
    return name.replace("-", ".", 1)


class ExclusiveOptions:
    """Refuse a selection that combines an exclusive option ("None", "I don't know") with others."""

    def __init__(self, item: Item) -> None:
        self.item = item

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if field.data and check_multi_selection(self.item, list(field.data)) == "exclusive":
            raise ValidationError(
                _l("“%(option)s” cannot be combined with other answers.", option=self._exclusive_label(field))
            )

    def _exclusive_label(self, field: Field) -> str:
        for option in self.item.options:
            if option.exclusive and option.id in field.data:
                return option.label.get(current_language())
        return ""


class RequiredWhenMovingOn:
    """Mark an item as required; the view enforces it only on Next and Submit."""

    field_flags = {"required": True}

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if field.raw_data and any(field.raw_data):
            return
        field.errors[:] = []  # drop "Not a valid choice" for an empty radio group
        if getattr(form, "enforce_required", False):
            raise StopValidation(_l("Please answer this question."))
        raise StopValidation()


def _choices(options: tuple[Option, ...], lang: str) -> list[SelectChoice]:
    return [SelectChoice(option.id, option.label.get(lang)) for option in options]


def _validators(item: Item) -> list[Any]:
    return [RequiredWhenMovingOn()] if item.required else [Optional()]


def _item_fields(item: Item, lang: str) -> dict[str, Field]:
    label = item.text.get(lang)
    if item.type == "single":
        return {
            field_name(item.id): RadioField(label, choices=_choices(item.options, lang), validators=_validators(item))
        }
    if item.type == "scale_0_10":
        scale = [SelectChoice(str(point), str(point)) for point in range(11)]
        return {field_name(item.id): RadioField(label, choices=scale, validators=_validators(item))}
    if item.type == "multi":
        validators = [*_validators(item), ExclusiveOptions(item)]
        # Grid columns are summarised by their task name, not the long per-task sentence.
        label = item.short_label.get(lang) if item.short_label else label
        return {
            field_name(item.id): MultiCheckboxField(label, choices=_choices(item.options, lang), validators=validators)
        }
    return {
        field_name(key): RadioField(row.label.get(lang), choices=_choices(item.options, lang), validators=[Optional()])
        for key, row in zip(item.answer_keys(), item.rows, strict=True)
    }


class PageForm(BaseForm):
    """Base of the generated page forms: hidden navigation state plus the CSRF token."""

    #: Set by the view: enforce required items (on Next / Submit, not on Back / Save).
    enforce_required = False
    revision = HiddenField()
    layout = HiddenField()
    task = HiddenField()
    return_to = HiddenField()


@lru_cache(maxsize=64)
def page_form_class(questionnaire: Questionnaire, page_id: str, lang: str) -> type[PageForm]:
    """Build (once) the form class for one page in one language."""
    page = questionnaire.page(page_id)
    assert page is not None
    fields: dict[str, Any] = {}
    for item in questionnaire.page_items(page):
        fields.update(_item_fields(item, lang))
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
