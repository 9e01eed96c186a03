"""Form pieces every wing shares: the base form, a checkbox-list field, text validators, small forms.

:class:`BaseForm` reads WTForms' own messages ("Not a valid choice", …) once per process
in each language, and can tell a view that its CSRF token failed, so a page whose token
expired is shown again with what the respondent typed instead of a bare 400.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from babel import support
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, SelectMultipleField
from wtforms.i18n import messages_path
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):  # type: ignore[misc]  # WTForms is untyped
    """A list of checkboxes (the templates render them; the widget is a fallback)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NoUnreadableCharacters:
    """Refuse text that arrived as invalid UTF-8 (decoded to U+FFFD) or with control characters."""

    def __call__(self, form: FlaskForm, field: Field) -> None:
        text = field.data or ""
        if "\ufffd" in text or any(ord(char) < 32 for char in text):
            raise ValidationError(_l("This text contains characters that could not be read. Please type it again."))


@lru_cache(maxsize=8)
def _wtforms_translations(locale: str) -> Any:
    """WTForms' own messages in one language, read once per process (not once per request)."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _Translations:
    """WTForms' messages ("Not a valid choice", …) in the page's language, from the process cache."""

    def gettext(self, string: str) -> str:
        return str(_wtforms_translations(str(get_locale())).ugettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return str(_wtforms_translations(str(get_locale())).ungettext(singular, plural, n))


class BaseForm(FlaskForm):  # type: ignore[misc]  # Flask-WTF is untyped
    """A FlaskForm that can say whether its CSRF check failed (False when CSRF is off)."""

    class Meta:
        def get_translations(self, form: Any) -> Any:
            # Flask-WTF reads WTForms' catalogue from disk on every request; once is enough.
            return _Translations()

    @property
    def csrf_failed(self) -> bool:
        """True when the form's security token was missing, wrong or expired."""
        token = getattr(self, "csrf_token", None)
        return bool(token is not None and token.errors)


class DeleteForm(BaseForm):
    """The confirm button that deletes an assessment for good (CSRF only)."""


class ConsentForm(BaseForm):
    """Give or withdraw consent to individual visibility."""

    share = BooleanField(_l("The facilitator may see our organization's individual results"))
