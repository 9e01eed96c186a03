"""The forms of the team pages (all but the leave form are a button with its CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from benchmark.web.forms import BaseForm


class ButtonForm(BaseForm):
    """A button that changes something (join, make the link, revoke it): CSRF only."""


class LeaveForm(BaseForm):
    """Leave the team, keeping one's answers apart or deleting them."""

    answers = RadioField(
        _l("What happens to your answers?"),
        choices=[
            SelectChoice("keep", _l("Keep them under my private link, apart from the team")),
            SelectChoice("delete", _l("Delete them for good")),
        ],
        validators=[InputRequired(_l("Please choose what happens to your answers."))],
    )
