"""Statements built once and run on the driver's own cursor: kept pages' reads and the draft save (issue 18).

A kept page (the results page, the live view's poll) is served after one read that says whether
what it shows has changed, and a draft save is three short statements.  Through SQLAlchemy each
costs far more than the database's own work: an execution context, parameter and result
processing, row objects, and for the save the ORM session's transaction.  A
:class:`PlainStatement` is compiled once per dialect (SQLAlchemy writes the SQL, so SQLite and
PostgreSQL each get their own) and runs on a pooled DB-API connection, returning the driver's
plain tuples.  :meth:`PlainStatement.typed` turns such tuples into rows with SQLAlchemy's own
result conversions when a caller needs Python types (datetimes on SQLite, booleans), so a page can
be rendered from the very rows its version was read from.  :class:`PlainTransaction` runs several
such statements as one transaction on one connection (committed at the end of its ``with``,
rolled back on an exception).  A read made with :meth:`PlainStatement.rows_then_write` keeps its
connection for the request's next :class:`PlainTransaction`, so that a draft save reads its draft
and writes on one pooled connection (one checkout, and on PostgreSQL one pre-ping); the
connection goes back to the pool when the transaction ends, or when the request's app context
ends without one (:func:`init_app`).

Parameters get SQLAlchemy's own bind conversions (a datetime written as SQLite's text, JSON
serialised), decided once when the statement is compiled.  The engine's ``before_cursor_execute``
and ``after_cursor_execute`` listeners still see every statement (with no SQLAlchemy connection:
``conn`` and ``context`` are None), so statement counts and timings (``perf/bench_data.py``, the
tests' statement recorders) count these too.  The driver's errors reach the app as SQLAlchemy
wraps them (``OperationalError`` for a database that is down or locked), so they get the same
"try again" page as any other statement's, and with the engine's ``hide_parameters`` (no answer
or address in a logged error).
"""

from __future__ import annotations

import threading
from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import sqlalchemy as sa
from flask import Flask
from flask.globals import _cv_app
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.exc import DBAPIError

from benchmark.extensions import db

#: What a plain statement may be: a SELECT, a UNION, or an INSERT, UPDATE or DELETE (with RETURNING or not).
Statement = sa.Select[Any] | sa.CompoundSelect[Any] | sa.Insert | sa.Update | sa.Delete


@dataclass(frozen=True)
class _Compiled:
    """One statement as one dialect runs it."""

    sql: str
    #: Positional parameter names in order (qmark/numeric drivers), or None for named ones.
    order: tuple[str, ...] | None
    #: Every parameter's value when none is given (the statement's literals).
    defaults: dict[str, Any]
    #: SQLAlchemy's bind conversion of each parameter that has one, by name.
    binders: tuple[tuple[str, Callable[[Any], Any]], ...]
    #: SQLAlchemy's result conversion of each column (None: the driver's value as it is).
    processors: tuple[Callable[[Any], Any] | None, ...]
    row: type[tuple[Any, ...]]

    def arguments(self, params: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        """The driver's parameters for one execution: converted as SQLAlchemy converts them, in the driver's order."""
        values = {**self.defaults, **params}
        for name, convert in self.binders:
            values[name] = convert(values[name])
        return values if self.order is None else tuple(values[name] for name in self.order)


class PlainStatement:
    """A statement built once, run on the DB-API cursor of a pooled connection."""

    def __init__(self, statement: Statement) -> None:
        self.statement = statement
        self._compiled: dict[Dialect, _Compiled] = {}
        self._lock = threading.Lock()

    def rows(self, **params: Any) -> list[tuple[Any, ...]]:
        """The statement's rows as the driver returns them (plain tuples, no type conversion), in a read of its own."""
        engine = db.engine
        connection = _connect(engine)
        try:
            return _execute(engine, connection, self.compiled_for(engine), params)
        finally:
            connection.close()  # back to the pool, which ends the read's transaction

    def rows_then_write(self, **params: Any) -> list[tuple[Any, ...]]:
        """:meth:`rows`, read on a connection kept for this request's next :class:`PlainTransaction`.

        On SQLite the driver opens no transaction for a read, so none is held until the write's; on
        PostgreSQL the read's transaction becomes the write's (READ COMMITTED: the write's
        statements still see what others committed meanwhile).
        """
        engine = db.engine
        slots = _cv_app.get().g.__dict__  # the app context's g (a read needs one: db.engine does too)
        kept = slots.get(_KEPT)
        if kept is None or kept[0] is not engine:
            if kept is not None:
                release_kept_connection()
            kept = slots[_KEPT] = (engine, _connect(engine))
        return _execute(engine, kept[1], self.compiled_for(engine), params)

    def typed(self, rows: Sequence[tuple[Any, ...]]) -> list[Any]:
        """``rows`` (from :meth:`rows`) converted as SQLAlchemy converts them, with the columns' names as attributes."""
        compiled = self.compiled_for(db.engine)
        pairs = [zip(compiled.processors, row, strict=True) for row in rows]
        return [compiled.row(*(value if use is None else use(value) for use, value in pair)) for pair in pairs]

    def compiled_for(self, engine: Engine) -> _Compiled:
        """The statement as ``engine``'s dialect runs it (compiled on first use, then kept)."""
        compiled = self._compiled.get(engine.dialect)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.setdefault(engine.dialect, _compile(self.statement, engine.dialect))
        return compiled


class PlainTransaction:
    """Plain statements run as one transaction on one pooled connection: committed when the ``with`` ends,
    rolled back when it ends with an exception."""

    def __init__(self) -> None:
        self._engine = db.engine
        kept = _take_kept()
        if kept is not None and kept[0] is not self._engine:
            kept[1].close()
            kept = None
        self._connection = _connect(self._engine) if kept is None else kept[1]
        self.dialect_name = self._engine.dialect.name

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        try:
            if kind is None:
                _wrapped(self._engine, "COMMIT", (), self._connection.commit)
            else:
                self._connection.rollback()
        finally:
            self._connection.close()

    def rows(self, statement: PlainStatement, **params: Any) -> list[tuple[Any, ...]]:
        """Run one statement in this transaction; its rows (none for a write without RETURNING)."""
        return _execute(self._engine, self._connection, statement.compiled_for(self._engine), params)

    def run_many(self, statement: PlainStatement, params: Iterable[Mapping[str, Any]]) -> None:
        """Run one write once per parameter set (the driver's ``executemany``) in this transaction."""
        compiled = statement.compiled_for(self._engine)
        _execute(self._engine, self._connection, compiled, [compiled.arguments(each) for each in params])


#: The name in the app context's ``g`` of the (engine, connection) a read kept for the request's next transaction.
_KEPT = "_plain_kept_connection"


def init_app(app: Flask) -> None:
    """Give a kept connection back to the pool when the app context ends (no transaction took it)."""
    app.teardown_appcontext(lambda _error: release_kept_connection())


def release_kept_connection() -> None:
    """Give the connection a read kept for a transaction back to the pool (the pool ends its transaction)."""
    kept = _take_kept()
    if kept is not None:
        kept[1].close()


def _take_kept() -> tuple[Engine, Any] | None:
    """The (engine, connection) kept in this app context's g, removed from it; None if none (or no app context).

    Read through the context variable, not the ``g`` proxy: this runs at the end of every request.
    """
    context = _cv_app.get(None)
    return None if context is None else context.g.__dict__.pop(_KEPT, None)


def _connect(engine: Engine) -> Any:
    return _wrapped(engine, "connect", (), engine.raw_connection)


def _execute(
    engine: Engine, connection: Any, compiled: _Compiled, params: Mapping[str, Any] | list[Any]
) -> list[tuple[Any, ...]]:
    """Execute on a new cursor of ``connection`` as ``Connection._execute_context`` would: listeners around it."""
    many = isinstance(params, list)
    arguments: Any = params if many else compiled.arguments(params)  # type: ignore[arg-type]  # a Mapping here
    dispatch = engine.dispatch
    sql = compiled.sql
    cursor = connection.cursor()
    try:
        if dispatch.before_cursor_execute:
            for listener in dispatch.before_cursor_execute:
                sql, arguments = listener(None, cursor, sql, arguments, None, many)

        def run() -> list[tuple[Any, ...]]:
            (cursor.executemany if many else cursor.execute)(sql, arguments)
            # RETURNING's rows are all read here: SQLite finishes the statement only when its rows are.
            return list(cursor.fetchall()) if cursor.description is not None else []

        rows: list[tuple[Any, ...]] = _wrapped(engine, sql, arguments, run)
        if dispatch.after_cursor_execute:
            for listener in dispatch.after_cursor_execute:
                listener(None, cursor, sql, arguments, None, many)
        return rows
    finally:
        cursor.close()


def _wrapped(engine: Engine, sql: str, arguments: Any, call: Callable[[], Any]) -> Any:
    """``call()``, with a driver's error raised as SQLAlchemy raises it (``OperationalError``, ``IntegrityError``…)."""
    dbapi_error = engine.dialect.loaded_dbapi.Error
    try:
        return call()
    except dbapi_error as error:
        raise DBAPIError.instance(
            sql, arguments, error, dbapi_error, hide_parameters=engine.hide_parameters, dialect=engine.dialect
        ) from error


def _compile(statement: Statement, dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)
    binders = []
    for bind in compiled.binds.values():
        convert = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if convert is not None:
            binders.append((bind.key, convert))
    given = {bind.key: None for bind in compiled.binds.values() if bind.required}
    defaults = compiled.construct_params(given)
    columns = _result_columns(statement)
    processors = tuple(column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns)
    names = [column.key or f"column_{index}" for index, column in enumerate(columns)]
    order = tuple(compiled.positiontup) if compiled.positional and compiled.positiontup is not None else None
    row = namedtuple("PlainRow", names or ["_"], rename=True)  # type: ignore[misc]  # a row type per statement
    return _Compiled(compiled.string, order, dict(defaults), tuple(binders), processors, row)


def _result_columns(statement: Statement) -> list[Any]:
    """The columns a statement returns: a SELECT's, or a write's RETURNING clause (none without one)."""
    if isinstance(statement, sa.Select | sa.CompoundSelect):
        return list(statement.selected_columns)
    return list(statement.exported_columns)
