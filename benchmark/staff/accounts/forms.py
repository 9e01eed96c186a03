"""Account forms (CSRF on through FlaskForm; the templates render the fields by hand)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from benchmark.staff.accounts.services import password_problem
from benchmark.store.models import EMAIL_MAX_LENGTH
from benchmark.web.forms import BaseForm

ROLE_LABELS = {
    "facilitator": _l("Workshop facilitator"),
    "analyst": _l("IRCC analyst"),
    "admin": _l("Administrator"),
}
ROLE_HINTS = {
    "facilitator": _l("Runs workshops and sees the anonymised picture of their own cohorts."),
    "analyst": _l("Follows uptake and change in the sector."),
    "admin": _l("Manages accounts."),
}


class NewPassword:
    """The password policy (length and common-password list; no composition rules)."""

    def __call__(self, form: BaseForm, field: PasswordField) -> None:
        email = getattr(getattr(form, "email", None), "data", None) or getattr(form, "account_email", None)
        problem = password_problem(field.data or "", email)
        if problem:
            raise ValidationError(str(problem))


class SignInForm(BaseForm):
    """Email and password; ``next`` is where to go afterwards (checked by the view)."""

    email = StringField(
        _l("Email address"),
        validators=[DataRequired(_l("Enter your email address.")), Length(max=EMAIL_MAX_LENGTH)],
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=1024)])
    next = HiddenField()


class SetPasswordForm(BaseForm):
    """A new password, through a one-time link."""

    #: Set by the view so the policy can refuse a password containing the address.
    account_email: str | None = None

    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Enter a new password.")), NewPassword()],
        description=_l(
            "At least 8 characters. A few unrelated words are easy to remember and hard to guess. "
            "You can paste a password from a password manager."
        ),
    )


class ChangePasswordForm(SetPasswordForm):
    """The signed-in person's current password, then a new one."""

    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password.")), Length(max=1024)]
    )


class CreateUserForm(BaseForm):
    """An administrator creates an account; the person sets their password through a link."""

    email = StringField(
        _l("Email address"),
        validators=[DataRequired(_l("Enter an email address.")), Length(max=EMAIL_MAX_LENGTH)],
    )
    role = RadioField(
        _l("Role"),
        choices=[SelectChoice(role, label) for role, label in ROLE_LABELS.items()],
        invalid_choice_message=_l("Choose a role."),
    )
