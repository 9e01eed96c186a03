"""Forms of the action plan: a step (picked or written), and a cost line of the funding statement.

Choices (next steps, recommendations, components) are filled in by the view from the data files.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from benchmark.store.models import MAX_AMOUNT
from benchmark.web.forms import BaseForm, NoUnreadableCharacters

#: "1200", "1 200", "1,200", "$1,200", "1 200 $": whole dollars with optional grouping.
GROUPED = re.compile(r"\d{1,3}(,\d{3})+")


def status_labels() -> dict[str, Any]:
    """The step states with their labels, in display order."""
    return {"todo": _l("To do"), "in_progress": _l("In progress"), "done": _l("Done")}


def category_labels() -> dict[str, Any]:
    """The cost categories with their labels, in display order."""
    return {
        "training": _l("Training"),
        "hardware": _l("Hardware"),
        "software": _l("Software and subscriptions"),
        "it_support": _l("IT support"),
        "staff_time": _l("Staff time"),
    }


class StepForm(BaseForm):
    """One step of the plan: a next step of a recommendation, or the organisation's own words."""

    choice = SelectField(_l("A next step from your recommendations"), default="")
    custom_text = TextAreaField(
        _l("Or write your own step"), validators=[Optional(), Length(max=500), NoUnreadableCharacters()]
    )
    recommendation_id = SelectField(_l("Recommendation of the 2017 report it answers (optional)"), default="")
    dimension = SelectField(_l("Component (optional)"), default="")
    owner = StringField(
        _l("Owner (a role or a name)"),
        validators=[DataRequired(_l("Please say who owns this step.")), Length(max=120), NoUnreadableCharacters()],
    )
    due_on = DateField(
        _l("Due date"), validators=[InputRequired(_l("Please give a due date, for example 2026-09-30."))]
    )
    status = RadioField(_l("Status"), default="todo")
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=1000), NoUnreadableCharacters()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = [SelectChoice(value, str(label)) for value, label in status_labels().items()]

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields' own checks, and one more: a step needs a picked next step or words of its own."""
        valid = bool(super().validate(extra_validators))
        if not self.choice.data and not (self.custom_text.data or "").strip() and not self.custom_text.errors:
            self.custom_text.errors.append(_l("Pick a next step from your recommendations or write your own."))
            valid = False
        return valid


class DollarsField(IntegerField):  # type: ignore[misc]  # WTForms is untyped
    """Whole dollars, accepting "$", spaces and thousands separators ("1,200", "1 200 $")."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        text = re.sub(r"[\s\u00a0\u202f$]", "", valuelist[0])
        if GROUPED.fullmatch(text):
            text = text.replace(",", "")
        if not text:
            self.data = None
            return
        if not text.isascii() or not text.isdigit():
            self.data = None
            raise ValueError(_l("Enter the amount in whole dollars, for example 1,200."))
        self.data = int(text)


class FundingForm(BaseForm):
    """A cost line of the funding-needs statement."""

    dimension = SelectField(_l("Component"), validators=[DataRequired(_l("Please choose a component."))])
    category = SelectField(_l("Cost category"))
    amount = DollarsField(
        _l("Amount (whole dollars)"),
        validators=[
            InputRequired(_l("Please enter an amount in dollars.")),
            NumberRange(min=0, max=MAX_AMOUNT, message=_l("Enter an amount from 0 to 10,000,000 dollars.")),
        ],
    )
    description = StringField(
        _l("What it pays for (optional)"), validators=[Optional(), Length(max=300), NoUnreadableCharacters()]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = [SelectChoice(value, str(label)) for value, label in category_labels().items()]
