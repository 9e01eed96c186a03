"""Forms of the workshop pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from benchmark.web.forms import BaseForm, MultiCheckboxField, NoUnreadableCharacters


class WorkshopForm(BaseForm):
    """Create a workshop: title, date, language, sections, and an optional earlier workshop."""

    title = StringField(
        _l("Workshop title"),
        validators=[DataRequired(_l("Please give the workshop a title.")), Length(max=120), NoUnreadableCharacters()],
    )
    held_on = DateField(_l("Date (optional)"), validators=[Optional()])
    language = RadioField(
        _l("Language of the workshop"),
        choices=[SelectChoice("en", "English"), SelectChoice("fr", "Français")],
        default="en",
    )
    pages = MultiCheckboxField(
        _l("Sections participants answer"), validators=[DataRequired(_l("Choose at least one section."))]
    )
    previous_id = SelectField(_l("Part of a series: the earlier workshop (optional)"), coerce=int, default=0)


class JoinForm(BaseForm):
    """Join a workshop with its code."""

    code = StringField(
        _l("Workshop code"), validators=[DataRequired(_l("Please type the workshop code.")), Length(max=20)]
    )
    earlier_link = StringField(
        _l("Your private link from an earlier assessment (optional)"),
        validators=[Optional(), Length(max=400)],
        description=_l(
            "Paste it if your organization answered before, for example at the first workshop of a series: "
            "your answers are filled in and your change can be shown."
        ),
    )
    share = BooleanField(_l("The facilitator may see our organization's individual results"), default=False)
    #: On a shared device, the button pressed on the choice page: "continue" or "new" (anything else asks again).
    choice = StringField()


class StatusForm(BaseForm):
    """Open or close a workshop (CSRF only)."""
