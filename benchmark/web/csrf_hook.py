"""Flask-WTF's app-wide CSRF check, asked only on the methods it checks (issue 18).

``CSRFProtect``'s ``before_request`` hook looks up the view's blueprint and builds the view's
dotted name to see whether it is exempt *before* it looks at the method, so every GET pays for a
check that ends with "not a POST".  Each of those early steps only returns; the hook is therefore
wrapped so that a request whose method is not in ``WTF_CSRF_METHODS`` does not call it, and any
other request runs Flask-WTF's own hook, unchanged (POSTs are checked exactly as before;
``tests/web/test_csrf_hook.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask
from flask.globals import _cv_request

from benchmark.extensions import csrf


def init_app(app: Flask) -> None:
    """Bind CSRFProtect, then let its hook run only for the methods it checks."""
    csrf.init_app(app)
    hooks = app.before_request_funcs.setdefault(None, [])
    for index, hook in enumerate(hooks):
        # Flask-WTF's closure, not one wrapped already (wraps() copies its name and module)
        if hook.__module__ == "flask_wtf.csrf" and hook.__name__ == "csrf_protect" and not hasattr(hook, "__wrapped__"):
            hooks[index] = only_checked_methods(app, hook)


def only_checked_methods(app: Flask, hook: Callable[[], Any]) -> Callable[[], Any]:
    """``hook`` for the methods in ``WTF_CSRF_METHODS`` (read per request, as Flask-WTF reads it); None otherwise."""

    @wraps(hook)
    def csrf_protect() -> Any:
        if _cv_request.get().request.method in app.config["WTF_CSRF_METHODS"]:
            return hook()
        return None

    return csrf_protect
