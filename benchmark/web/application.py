"""The Flask class the app is made of: Flask, with each hook's sync/async check made once (issue 18)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

#: At most this many callables remembered per app (the app has about a hundred hooks, views and handlers).
SYNC_CALLABLES = 1024


class BenchmarkFlask(Flask):
    """Flask whose ``ensure_sync`` remembers its answer per function.

    Flask calls ``ensure_sync`` on every hook and view of every request (about ten per request),
    and each call asks :func:`inspect.iscoroutinefunction` again, which unwraps the function each
    time.  The answer cannot change for a given function, so it is kept: one entry per hook, view
    and error handler, and never more than :data:`SYNC_CALLABLES` (a callable made per request
    would be decided every time, never kept).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sync_callables: dict[Callable[..., Any], Callable[..., Any]] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """``func`` as Flask would call it (wrapped when it is a coroutine function), decided once."""
        try:
            return self._sync_callables[func]
        except KeyError:
            sync = super().ensure_sync(func)
            if len(self._sync_callables) < SYNC_CALLABLES:
                self._sync_callables[func] = sync
            return sync
        except TypeError:  # an unhashable callable: decide every time, as Flask does
            return super().ensure_sync(func)
