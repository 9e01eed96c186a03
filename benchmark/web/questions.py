"""How the web shows and reads each questionnaire item type: form fields and template macros.

The core's item-type registry (:mod:`benchmark.core.item_types`) knows what an answer is;
this module attaches to each registered type what the web needs, in one
:class:`~benchmark.core.item_types.TypeTable`:

* ``fields``: the WTForms fields of an item in one language (one per answer key);
* ``macro``: the macro of ``templates/macros/questions.html`` that renders it on a page;
* ``paper_macro``: the macro of ``templates/macros/paper.html`` that prints it on the paper form.

Every macro of one kind takes the same arguments, so templates never branch on the type.
Adding an item type is one class in the core, one :class:`ItemWidget` here and its macros;
:func:`init_app` refuses to start while a registered type has no widget.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, get_template_attribute
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import Field, RadioField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation, ValidationError

from benchmark.core.item_types import TypeTable
from benchmark.core.questionnaire import Item, Option, check_multi_selection
from benchmark.web.forms import MultiCheckboxField
from benchmark.web.i18n import current_language

PAGE_MACROS = "macros/questions.html"
PAPER_MACROS = "macros/paper.html"

FieldBuilder = Callable[[Item, str], dict[str, Field]]


@dataclass(frozen=True)
class ItemWidget:
    """What the web layer needs to ask one item type: its form fields and its two macros."""

    fields: FieldBuilder
    macro: str
    paper_macro: str


WIDGETS: TypeTable[ItemWidget] = TypeTable("web widget")


def init_app(app: Flask) -> None:
    """Refuse to start when an item type has no widget; give templates the per-type macros."""
    WIDGETS.check_complete()
    app.jinja_env.globals.update(item_macro=item_macro, paper_macro=paper_macro)


def item_fields(item: Item, lang: str) -> dict[str, Field]:
    """The form fields of one item in one language, keyed by field name."""
    return WIDGETS[item.type].fields(item, lang)


def item_macro(item: Item) -> Callable[..., Markup]:
    """The page macro of an item's type: ``(item, form, field_name, lang)``."""
    return _macro(PAGE_MACROS, WIDGETS[item.type].macro)


def paper_macro(item: Item) -> Callable[..., Markup]:
    """The paper-form macro of an item's type: ``(item)``."""
    return _macro(PAPER_MACROS, WIDGETS[item.type].paper_macro)


def _macro(template: str, name: str) -> Callable[..., Markup]:
    macro: Callable[..., Markup] = get_template_attribute(template, name)
    return macro


def field_name(answer_key: str) -> str:
    """Return the form field name for an answer key (``q8.privacy`` → ``q8-privacy``)."""
    return answer_key.replace(".", "-")


def answer_key(name: str) -> str:
    """Return the answer key for a form field name."""
    return name.replace("-", ".", 1)


# --------------------------------------------------------------------------- validators


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


class SkippedWhenBlank:
    """An item may be skipped: nothing posted, or only blank values, is no answer; anything else is checked.

    WTForms' ``Optional`` looks at the first value only and then clears every error, so a post such
    as ``["", "nope"]`` (or ``" "`` for a 0–10 scale) went through unchecked and was stored as it
    came (or failed to convert).  Here a field is skipped only when every value is blank, and its
    data is then "no answer".
    """

    field_flags = {"optional": True}

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if any(isinstance(value, str) and value.strip() for value in field.raw_data or ()):
            return
        field.errors[:] = []
        field.data = [] if isinstance(field, SelectMultipleField) else None
        raise StopValidation()


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


# --------------------------------------------------------------------------- one widget per item type


def _choices(options: tuple[Option, ...], lang: str) -> list[SelectChoice]:
    return [SelectChoice(option.id, option.label.get(lang)) for option in options]


def _validators(item: Item) -> list[Any]:
    return [RequiredWhenMovingOn()] if item.required else [SkippedWhenBlank()]


def _single_fields(item: Item, lang: str) -> dict[str, Field]:
    """A radio group of the item's options."""
    field = RadioField(item.text.get(lang), choices=_choices(item.options, lang), validators=_validators(item))
    return {field_name(item.id): field}


def _scale_fields(item: Item, lang: str) -> dict[str, Field]:
    """A labelled 0–10 radio scale."""
    scale = [SelectChoice(str(point), str(point)) for point in range(11)]
    return {field_name(item.id): RadioField(item.text.get(lang), choices=scale, validators=_validators(item))}


def _multi_fields(item: Item, lang: str) -> dict[str, Field]:
    """Checkboxes; grid columns are summarised by their task name, not the long per-task sentence."""
    label = item.short_label.get(lang) if item.short_label else item.text.get(lang)
    validators = [*_validators(item), ExclusiveOptions(item)]
    return {field_name(item.id): MultiCheckboxField(label, choices=_choices(item.options, lang), validators=validators)}


def _matrix_fields(item: Item, lang: str) -> dict[str, Field]:
    """One radio group per row, each optional."""
    return {
        field_name(key): RadioField(
            row.label.get(lang), choices=_choices(item.options, lang), validators=[SkippedWhenBlank()]
        )
        for key, row in zip(item.answer_keys(), item.rows, strict=True)
    }


WIDGETS.register("single", ItemWidget(_single_fields, macro="single_item", paper_macro="paper_single"))
WIDGETS.register("multi", ItemWidget(_multi_fields, macro="multi_item", paper_macro="paper_multi"))
WIDGETS.register("scale_0_10", ItemWidget(_scale_fields, macro="scale_block", paper_macro="paper_scale"))
WIDGETS.register("matrix", ItemWidget(_matrix_fields, macro="matrix_item", paper_macro="paper_matrix"))
