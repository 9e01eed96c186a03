"""Statements built once and run on the driver's own cursor: the one read of a kept page (issue 18).

A kept page (the results page, the live view's poll) is served after one read that says whether
what it shows has changed.  Through SQLAlchemy that read costs far more than the database's own
work: an execution context, parameter and result processing, row objects.  A
:class:`PlainStatement` is compiled once per dialect (SQLAlchemy writes the SQL, so SQLite and
PostgreSQL each get their own) and runs on a pooled DB-API connection, returning the driver's
plain tuples.  :meth:`PlainStatement.typed` turns such tuples into rows with SQLAlchemy's own
result conversions when a caller needs Python types (datetimes on SQLite, booleans), so a page can
be rendered from the very rows its version was read from.

The engine's ``before_cursor_execute`` and ``after_cursor_execute`` listeners still see every
statement (with no SQLAlchemy connection: ``conn`` and ``context`` are None), so statement counts
and timings (``perf/bench_data.py``, the tests' statement recorders) count these reads too.

Parameters go to the driver as given: only types with no bind conversion (integers, strings) are
accepted, and a statement whose parameters would need one is refused when it is compiled.
"""

from __future__ import annotations

import threading
from collections import namedtuple
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect, Engine

from benchmark.extensions import db


@dataclass(frozen=True)
class _Compiled:
    """One statement as one dialect runs it."""

    sql: str
    #: Positional parameter names in order (qmark/numeric drivers), or None for named ones.
    order: tuple[str, ...] | None
    #: Every parameter's value when none is given (the statement's literals).
    defaults: dict[str, Any]
    #: SQLAlchemy's result conversion of each column (None: the driver's value as it is).
    processors: tuple[Callable[[Any], Any] | None, ...]
    row: type[tuple[Any, ...]]


class PlainStatement:
    """A SELECT (or UNION) built once, run on the DB-API cursor of a pooled connection."""

    def __init__(self, statement: sa.Select[Any] | sa.CompoundSelect[Any]) -> None:
        self.statement = statement
        self._compiled: dict[Dialect, _Compiled] = {}
        self._lock = threading.Lock()

    def rows(self, **params: Any) -> list[tuple[Any, ...]]:
        """The statement's rows as the driver returns them (plain tuples, no type conversion)."""
        engine = db.engine
        compiled = self._compiled_for(engine)
        values = {**compiled.defaults, **params}
        arguments: Sequence[Any] | dict[str, Any] = (
            values if compiled.order is None else tuple(values[name] for name in compiled.order)
        )
        dispatch = engine.dispatch
        sql = compiled.sql
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            try:
                if dispatch.before_cursor_execute:  # as Connection._execute_context calls them
                    for listener in dispatch.before_cursor_execute:
                        sql, arguments = listener(None, cursor, sql, arguments, None, False)
                cursor.execute(sql, arguments)
                rows = list(cursor.fetchall())
                if dispatch.after_cursor_execute:
                    for listener in dispatch.after_cursor_execute:
                        listener(None, cursor, sql, arguments, None, False)
                return rows
            finally:
                cursor.close()
        finally:
            connection.close()  # back to the pool, which ends the read's transaction

    def typed(self, rows: Sequence[tuple[Any, ...]]) -> list[Any]:
        """``rows`` (from :meth:`rows`) converted as SQLAlchemy converts them, with the columns' names as attributes."""
        compiled = self._compiled_for(db.engine)
        pairs = [zip(compiled.processors, row, strict=True) for row in rows]
        return [compiled.row(*(value if use is None else use(value) for use, value in pair)) for pair in pairs]

    def _compiled_for(self, engine: Engine) -> _Compiled:
        compiled = self._compiled.get(engine.dialect)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.setdefault(engine.dialect, _compile(self.statement, engine.dialect))
        return compiled


def _compile(statement: sa.Select[Any] | sa.CompoundSelect[Any], dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)
    for bind in compiled.binds.values():
        if bind.type.dialect_impl(dialect).bind_processor(dialect) is not None:
            raise TypeError(f"parameter {bind.key!r} needs a conversion; a plain statement passes values as given")
    given = {bind.key: None for bind in compiled.binds.values() if bind.required}
    defaults = compiled.construct_params(given)
    columns = list(statement.selected_columns)
    processors = tuple(column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns)
    names = [column.key or f"column_{index}" for index, column in enumerate(columns)]
    order = tuple(compiled.positiontup) if compiled.positional and compiled.positiontup is not None else None
    row = namedtuple("PlainRow", names, rename=True)  # type: ignore[misc]  # a row type per statement, made at run time
    return _Compiled(compiled.string, order, dict(defaults), processors, row)
