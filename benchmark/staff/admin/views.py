"""Admin pages: create and revoke API tokens, publish or withdraw imported baselines."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from werkzeug.wrappers import Response
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, Length

from benchmark.staff.admin import bp
from benchmark.store import api_tokens as tokens
from benchmark.store import baselines
from benchmark.web.auth import role_required, signed_in_user
from benchmark.web.forms import BaseForm, MultiCheckboxField, NoUnreadableCharacters

#: What each scope lets a token read (one line per scope of :data:`benchmark.store.api_tokens.SCOPES`).
SCOPE_LABELS = {tokens.UPTAKE: _l("Uptake: assessments started and submitted, by month and by group")}


class TokenForm(BaseForm):
    """Name a new API token, choose what it may read and how long it lasts."""

    name = StringField(
        _l("Who or what will use the token"), validators=[DataRequired(), Length(max=80), NoUnreadableCharacters()]
    )
    scopes = MultiCheckboxField(
        _l("What the token may read"), validators=[DataRequired(_l("Choose at least one thing the token may read."))]
    )
    days = RadioField(_l("The token expires after"), coerce=int, default=tokens.DEFAULT_DAYS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scopes.choices = [(scope, SCOPE_LABELS[scope]) for scope in tokens.SCOPES]
        self.days.choices = [(days, ngettext("%(num)d day", "%(num)d days", days)) for days in tokens.LIFETIMES]
        if not self.is_submitted():
            self.scopes.data = list(tokens.SCOPES)


class ActionForm(BaseForm):
    """A CSRF-protected button."""


@bp.route("/", methods=["GET", "POST"])
@role_required("admin")
def index() -> str | tuple[str, int]:
    """API tokens and baselines; a new token is shown once."""
    form = TokenForm()
    new_token = None
    status = 200
    if form.is_submitted():
        if form.validate():
            _token, new_token = tokens.create_token(
                form.name.data, signed_in_user().id, scopes=form.scopes.data, days=form.days.data
            )
            form = TokenForm(formdata=None)
            form.scopes.data = list(tokens.SCOPES)
        else:
            status = 400
    return render_template(
        "admin/index.html",
        form=form,
        new_token=new_token,
        tokens=tokens.all_tokens(),
        baselines=baselines.all_baselines(),
        action=ActionForm(),
        scope_labels=SCOPE_LABELS,
    ), status


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@role_required("admin")
def revoke_token(token_id: int) -> Response:
    """Revoke an API token at once."""
    token = tokens.get_token(token_id)
    if token is None or not ActionForm().validate():
        abort(404 if token is None else 400)
    tokens.revoke(token)
    return redirect(url_for(".index"))


@bp.route("/baselines/<int:baseline_id>/toggle", methods=["POST"])
@role_required("admin")
def toggle_baseline(baseline_id: int) -> Response:
    """Offer an imported baseline for comparison, or withdraw it."""
    baseline = baselines.get_baseline(baseline_id)
    if baseline is None or not ActionForm().validate():
        abort(404 if baseline is None else 400)
    baselines.toggle_published(baseline)
    return redirect(url_for(".index"))
