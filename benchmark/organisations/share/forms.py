"""The forms of the share section of the private results page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from benchmark.store.models import SHARE_LABEL_MAX
from benchmark.web.forms import BaseForm, NoUnreadableCharacters


class ShareForm(BaseForm):
    """Make a board link: its label only (who it is for)."""

    label = StringField(
        _l("Who is this link for?"),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            DataRequired(_l("Please give the link a label, such as “Board, March meeting”.")),
            Length(
                max=SHARE_LABEL_MAX,
                message=_l("The label can have at most %(max)d characters.", max=SHARE_LABEL_MAX),
            ),
            NoUnreadableCharacters(),
        ],
    )


class RevokeForm(BaseForm):
    """The button that revokes a board link (CSRF only)."""
