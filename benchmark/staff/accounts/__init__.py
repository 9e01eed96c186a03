"""Blueprint ``accounts``: sign-in and sign-out, passwords, and the administrators' account list.

Registered at ``/<lang_code>/account``.  Forms are protected by the app-wide
CSRFProtect, except sign-in, whose POSTs are rate-limited and CSRF-checked by
:func:`benchmark.web.limits.limit_attempts` so that refused tokens count too.
"""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from benchmark.staff.accounts import views  # noqa: E402,F401
