"""Forms of the workshop pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

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
        choices=[
            SelectChoice("en", "English"),
            SelectChoice("fr", "Français"),
            SelectChoice("bi", _l("English and French: each participant chooses")),
        ],
        default="en",
    )
    pages = MultiCheckboxField(
        _l("Sections participants answer"), validators=[DataRequired(_l("Choose at least one section."))]
    )
    previous_id = SelectField(_l("Part of a series: the earlier workshop (optional)"), coerce=int, default=0)


#: The longest name or pseudonym a participant may give (the column holds 60 characters).
NAME_LENGTH = 60


class NameWhenSharing:
    """A name or pseudonym is needed when the participant lets the facilitator see its results."""

    def __call__(self, form: BaseForm, field: StringField) -> None:
        field.data = (field.data or "").strip()
        if form.share.data and not field.data:
            raise ValidationError(
                _l(
                    "Please give a name or pseudonym for the facilitator, "
                    "or untick the box to share group figures only."
                )
            )


def name_field() -> StringField:
    """The name or pseudonym a consenting participant gives (the facilitator alone sees it)."""
    return StringField(
        _l("Name or pseudonym of your organization"),
        validators=[
            NameWhenSharing(),
            Length(max=NAME_LENGTH, message=_l("Please keep the name to %(max)d characters or fewer.")),
            NoUnreadableCharacters(),
        ],
        description=_l(
            "Needed only to share your individual results. Only the facilitator sees it, to tell your results "
            "apart; never the room or the projector."
        ),
    )


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
    name = name_field()
    #: On a shared device, the button pressed on the choice page: "continue" or "new" (anything else asks again).
    choice = StringField()


class StatusForm(BaseForm):
    """Open or close a workshop (CSRF only)."""


class NamedConsentForm(BaseForm):
    """Give consent to be seen (with a name or pseudonym), or withdraw it."""

    share = BooleanField(_l("The facilitator may see our organization's individual results"))
    name = name_field()
