"""The CSV table reader shared by both import formats, and the problem list it fills.

:meth:`Table.read` decodes and splits a file, recording undecodable cells; the format
parsers add their own problems with :meth:`Table.problem` and read good cells with
:meth:`Table.records`.  Pure Python: never Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

#: Default size limit of an imported file (5 MB).
DEFAULT_MAX_BYTES = 5 * 1024 * 1024

_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class ImportProblem:
    """One problem in an imported file.

    :ivar row: 1-based row (the header is row 1), None for a whole-file problem.
    :ivar column: the column's name (``#3`` for a column without a name), None when the problem is not in one cell.
    :ivar code: a stable machine-readable code (``share_range``, ``unknown_option`` …).
    :ivar message: an English explanation.
    """

    row: int | None
    column: str | None
    code: str
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        prefix = ", ".join(where) or "file"
        return f"{prefix}: {self.message} [{self.code}]"


def clean(value: str, limit: int = 40) -> str:
    """Return a cell value safe to echo in a message (undecodable bytes as \\xNN, shortened)."""
    text = value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    text = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _has_bad_bytes(value: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in value)


@dataclass
class Table:
    """A CSV file split into a header and non-blank rows, with every problem found so far.

    :ivar rows: ``(row number, cells)`` of the non-blank rows after the header.
    :ivar bad_cells: ``(row number, column index)`` of the cells that are not valid UTF-8.
    """

    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    bad_cells: set[tuple[int, int]] = field(default_factory=set)
    problems: list[ImportProblem] = field(default_factory=list)

    @classmethod
    def read(cls, data: bytes, max_bytes: int) -> Table | list[ImportProblem]:
        """Decode and split the file; return whole-file problems instead when it cannot be read at all."""
        if len(data) > max_bytes:
            return [ImportProblem(None, None, "too_large", f"the file is {len(data)} bytes; the limit is {max_bytes}")]
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return [ImportProblem(None, None, "encoding", "the file is UTF-16 or UTF-32; save it as UTF-8")]
        if data.startswith(_BOM):
            data = data[len(_BOM) :]
        if not data.strip():
            return [ImportProblem(None, None, "empty", "the file is empty")]
        text = data.decode("utf-8", "surrogateescape")
        problems: list[ImportProblem] = []
        records: list[list[str]] = []
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        while True:
            try:
                record = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                message = f"the file cannot be read as CSV here: {error}"
                problems.append(ImportProblem(len(records) + 1, None, "csv_syntax", message))
                break
            records.append([cell.strip() for cell in record])
        table = cls(header=records[0] if records else [], problems=problems)
        for number, record in enumerate(records, start=1):
            for index, cell in enumerate(record):
                if _has_bad_bytes(cell):
                    table.bad_cells.add((number, index))
                    message = f"the value '{clean(cell)}' is not valid UTF-8 (save the file as UTF-8)"
                    table.problem(number, table.column_name(index), "encoding", message)
            if number > 1 and any(record):
                table.rows.append((number, record))
        return table

    def problem(self, row: int | None, column: str | None, code: str, message: str) -> None:
        """Record one problem."""
        self.problems.append(ImportProblem(row, column, code, message))

    def is_bad(self, row: int, index: int) -> bool:
        """True when the cell at ``row`` and column ``index`` is not valid UTF-8 (already reported)."""
        return (row, index) in self.bad_cells

    def column_name(self, index: int) -> str:
        """The name of column ``index`` as shown in a message (``#3`` when it has none)."""
        header = self.header
        if index < len(header) and header[index] and not _has_bad_bytes(header[index]):
            return header[index]
        if index < len(header) and header[index]:
            return clean(header[index])
        return f"#{index + 1}"

    def check_header(self) -> set[str]:
        """Report duplicate and nameless columns; return the set of (clean) column names."""
        seen: set[str] = set()
        for index, name in enumerate(self.header):
            if self.is_bad(1, index):
                continue
            if not name:
                self.problem(1, f"#{index + 1}", "unknown_column", "a column has no name")
            elif name in seen:
                self.problem(1, name, "duplicate_column", f"column {name!r} appears twice")
            seen.add(name)
        return seen

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """Yield ``(row number, {column: value})`` for the good cells of every row of the right length.

        A row with too many or too few values is reported (``field_count``) and skipped.
        """
        for number, record in self.rows:
            if len(record) != len(self.header):
                message = f"the row has {len(record)} values but the header has {len(self.header)} columns"
                self.problem(number, None, "field_count", message)
                continue
            cells = {
                self.header[index]: value
                for index, value in enumerate(record)
                if not self.is_bad(number, index) and self.header[index]
            }
            yield number, cells

    def sorted_problems(self) -> list[ImportProblem]:
        """Return the problems in file order (whole-file first, then by row; stable within a row)."""
        return sorted(self.problems, key=lambda problem: -1 if problem.row is None else problem.row)
