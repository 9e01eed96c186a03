"""Account pages (thin: the services validate, write and commit)."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask import redirect as _redirect
from werkzeug.wrappers import Response

from benchmark.staff.accounts import bp, services
from benchmark.staff.accounts.forms import (
    ROLE_HINTS,
    ROLE_LABELS,
    ChangePasswordForm,
    CreateUserForm,
    SetPasswordForm,
    SignInForm,
)
from benchmark.store.models import User
from benchmark.web.auth import current_user, end_session, login_required, role_required, safe_next, start_session
from benchmark.web.limits import SIGN_IN_LIMIT, limit_attempts
from benchmark.web.links import public_url

Page = str | Response | tuple[str, int]


def redirect(location: str) -> Response:
    """A 303 redirect (after a POST, the browser follows with a GET)."""
    return _redirect(location, code=303)


@bp.route("/")
@login_required
def home() -> str:
    """The signed-in person's account: who they are, change password, sign out."""
    return render_template("accounts/home.html", user=current_user(), role_labels=ROLE_LABELS)


@bp.route("/sign-in", methods=["GET", "POST"])
@limit_attempts(SIGN_IN_LIMIT)
def sign_in() -> Page:
    """Sign in on a new session, then go to ``next`` (a path on this site) or the account page."""
    form = SignInForm()
    target = safe_next(form.next.data if request.method == "POST" else request.args.get("next"))
    if request.method == "GET":
        if current_user() is not None:
            return redirect(target or url_for(".home"))
        form.next.data = target or ""
        return render_template("accounts/sign_in.html", form=form, failed=False)
    failed = False
    if form.validate():
        user = services.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            start_session(user)
            return redirect(target or url_for(".home"))
        failed = True
    form.next.data = target or ""
    return render_template("accounts/sign_in.html", form=form, failed=failed), 400


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> Response:
    """Sign out: every session of the account ends (the cookie cannot be revoked one by one)."""
    user = current_user()
    if user is not None:
        services.sign_out_everywhere(user)
    end_session()
    return redirect(url_for(".sign_in", signed_out=1))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> Page:
    """Change one's password; other sessions end, this one continues on a new session."""
    user = current_user()
    assert user is not None
    form = ChangePasswordForm()
    form.account_email = user.email
    if request.method == "POST":
        if form.validate():
            try:
                services.change_password(user, form.current_password.data or "", form.password.data or "")
            except services.AccountError as error:
                _field_errors(form, error.field).append(error.message)
            else:
                start_session(user)
                return redirect(url_for(".home", changed=1))
        return render_template("accounts/password.html", form=form, user=user), 400
    return render_template("accounts/password.html", form=form, user=user)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str) -> Page:
    """Set a password through a one-time link (opening the link does not use it up)."""
    link = services.find_reset(token)
    if link is None:
        return render_template("accounts/reset_invalid.html"), 404
    email = link.user.email
    form = SetPasswordForm()
    form.account_email = email
    if request.method == "POST":
        if form.validate():
            try:
                services.use_reset(token, form.password.data or "")
            except services.AccountError as error:
                if error.field == "token":
                    return render_template("accounts/reset_invalid.html"), 404
                form.password.errors.append(error.message)
            else:
                return render_template("accounts/reset_done.html")
        return render_template("accounts/reset.html", form=form, email=email), 400
    return render_template("accounts/reset.html", form=form, email=email)


@bp.route("/users", methods=["GET", "POST"])
@role_required("admin")
def users() -> Page:
    """List accounts and create one (the new person gets a set-password link)."""
    form = CreateUserForm()
    if request.method == "POST":
        if form.validate():
            try:
                user = services.create_user(form.email.data or "", form.role.data or "")
            except services.AccountError as error:
                _field_errors(form, error.field).append(error.message)
            else:
                token = services.issue_reset(user, services.invitation_lifetime())
                return _users_page(CreateUserForm(formdata=None), link_for=user, token=token, created=True)
        return _users_page(form), 400
    return _users_page(form)


@bp.route("/users/<int:user_id>/link", methods=["POST"])
@role_required("admin")
def new_link(user_id: int) -> Page:
    """Give an account a new one-time set-password link (shown once)."""
    user = _user_or_404(user_id)
    if not user.is_active:
        abort(409)
    token = services.issue_reset(user)
    return _users_page(CreateUserForm(formdata=None), link_for=user, token=token)


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@role_required("admin")
def deactivate(user_id: int) -> Response:
    """Deactivate an account: its sessions and links stop working at once."""
    user = _user_or_404(user_id)
    me = current_user()
    if me is not None and user.id == me.id:
        abort(409)  # an administrator cannot lock themselves (and maybe everyone) out
    if user.is_active:
        services.deactivate(user)
    return redirect(url_for(".users", deactivated=user.id))


def _user_or_404(user_id: int) -> User:
    return services.get_user(user_id) or abort(404)


def _field_errors(form: SignInForm | SetPasswordForm | CreateUserForm, name: str | None) -> list[object]:
    """The error list of field ``name`` (the first field when the service named none)."""
    field = form[name] if name and name in form else next(f for f in form if f.name != "csrf_token")
    if not isinstance(field.errors, list):
        field.errors = list(field.errors)
    return field.errors


def _users_page(
    form: CreateUserForm, link_for: User | None = None, token: str | None = None, created: bool = False
) -> str:
    link = public_url(".reset", token=token) if token else None
    emailed = services.send_link(link_for, link) if link and link_for and services.mail_enabled() else None
    deactivated = request.args.get("deactivated", type=int)
    return render_template(
        "accounts/users.html",
        form=form,
        users=services.list_users(),
        me=current_user(),
        role_labels=ROLE_LABELS,
        role_hints=ROLE_HINTS,
        link=link,
        link_for=link_for,
        created=created,
        emailed=emailed,
        deactivated=services.get_user(deactivated) if deactivated else None,
    )
