"""Declarative shapes of the bilingual data files (msgspec) and errors that name the entry at fault.

A loader declares the shape of its file as frozen :class:`msgspec.Struct` classes and calls
:func:`convert`: types, required keys, unknown keys, enums, patterns and bilingual text
(:class:`BilingualText`) are checked by msgspec; only the cross-reference checks (ids that
must exist, uniqueness, contiguous bands …) stay hand-written in the loader.

A :class:`msgspec.ValidationError` becomes the loader's own error (``QuestionnaireError`` …)
with msgspec's JSON path turned into the entry's name: ``$.items[3].text`` is reported as
``item q4: text: …`` (see :data:`EntryNames`).  Pure Python: never Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from typing import Annotated, TypeVar

import msgspec
from msgspec import inspect

from benchmark.core.text import LANGUAGES, Text

S = TypeVar("S")

#: A string with something other than spaces.
NonBlank = Annotated[str, msgspec.Meta(pattern=r"\S")]

#: How a list entry is named in a message: the list's key → (noun, the entry's key that holds its id),
#: e.g. ``{"items": ("item", "id")}`` names ``$.items[3]`` ``item q4``.
EntryNames = Mapping[str, tuple[str, str]]


class Schema(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Base of the data-file schemas: immutable, and an unknown key (a likely typo) is refused."""


class BilingualText(Schema, frozen=True):
    """``{en: …, fr: …}``, both with something other than spaces (see :meth:`text`)."""

    en: str = ""
    fr: str = ""

    def __post_init__(self) -> None:
        for lang in LANGUAGES:
            if not getattr(self, lang).strip():
                raise ValueError(f"the {lang.upper()} text is missing")

    def text(self) -> Text:
        """The :class:`Text`, surrounding spaces removed."""
        return Text(en=self.en.strip(), fr=self.fr.strip())


def optional_text(value: BilingualText | None) -> Text | None:
    """None for an absent text, else its :class:`Text`."""
    return None if value is None else value.text()


def convert(raw: object, schema: type[S], error: type[Exception], root: str, names: EntryNames = {}) -> S:  # noqa: B006
    """``raw`` (parsed YAML or JSON) as ``schema``.

    :param root: what the error calls ``raw`` itself (``questionnaire``, ``item q6`` …).
    :param names: how list entries are named (see :data:`EntryNames`).
    :raises error: naming the entry at fault, e.g. ``item q6: option no: label: the FR text is missing``.
    """
    try:
        return msgspec.convert(raw, type=schema)
    except msgspec.ValidationError as problem:
        raise error(explain(str(problem), raw, schema, root, names)) from None


def unique(ids: Iterable[str], kind: str, error: type[Exception]) -> set[str]:
    """The set of ``ids``, refusing a duplicate (``item q6: duplicate id``)."""
    seen: set[str] = set()
    for entry_id in ids:
        if entry_id in seen:
            raise error(f"{kind} {entry_id}: duplicate id")
        seen.add(entry_id)
    return seen


# --------------------------------------------------------------------------- messages

_AT = re.compile(r"^(?P<message>.*?)(?: - at (?P<key>`key` in )?`\$(?P<path>[^`]*)`)?$", re.DOTALL)
_STEP = re.compile(r"\.(?P<field>\w+)|\[(?P<index>\d+)\]|\[\.\.\.\]")
_EXPECTED = re.compile(r"^Expected `(?P<want>[^`]+)`(?P<rest>.*?)(?:, got `(?P<got>[^`]+)`)?$", re.DOTALL)
_WORDS = {
    "str": "a string",
    "int": "an integer",
    "float": "a number",
    "bool": "true or false",
    "null": "null",
    "object": "a mapping",
    "array": "a list",
}


def explain(message: str, raw: object, schema: type, root: str, names: EntryNames) -> str:
    """Turn msgspec's ``Expected `bool`, got `str` - at `$.items[5].required``` into ``item q23: required …``."""
    match = _AT.match(message)
    assert match is not None  # the pattern matches any text
    detail, path = match["message"], match["path"] or ""
    where: list[str] = []
    subject: str | None = None
    node: object = raw
    steps = list(_STEP.finditer(path))
    for step in steps:
        if step["field"]:
            if subject is not None:
                where.append(subject)
            subject = step["field"]
            node = node.get(subject) if isinstance(node, Mapping) else None
        elif step["index"]:
            index = int(step["index"])
            node = node[index] if isinstance(node, list) and index < len(node) else None
            noun, id_key = names.get(subject or "", ("", ""))
            entry_id = node.get(id_key) if isinstance(node, Mapping) else None
            if noun and isinstance(entry_id, str | int) and not isinstance(entry_id, bool):
                subject = f"{noun} {entry_id}"
            else:
                subject = f"{noun} #{index + 1}" if noun else f"{subject or 'entry'}[{index}]"
        else:
            subject, node = f"{subject}[…]", None
    if match["key"]:
        where.append(subject or root)
        return ": ".join([*where, f"a key {_value_problem(detail, None)}"])
    return ": ".join([*where, _describe(detail, subject, node, _choices(schema, steps))])


def _describe(detail: str, subject: str | None, node: object, choices: tuple[object, ...] | None) -> str:
    """The message about ``subject`` (None: the file itself) whose value is ``node``."""
    if detail.startswith("Object contains unknown field "):
        return f"{subject or 'top level'}: unknown field(s) {detail.rpartition(' ')[2].strip('`')}"
    if detail.startswith("Object missing required field "):
        return f"{subject or 'top level'}: {detail.rpartition(' ')[2].strip('`')} is required"
    if detail.startswith("Invalid enum value") and choices is not None:
        allowed = ", ".join(str(choice) for choice in choices)
        return f"{subject} must be one of {allowed}, got {node!r}"
    if detail.startswith("Expected "):
        return f"{subject or 'the file'} {_value_problem(detail, node)}"
    return f"{subject}: {detail}" if subject else detail  # a message of a schema's __post_init__


def _value_problem(detail: str, node: object) -> str:
    """``must be an integer >= 1, got 0`` from ``Expected `int` >= 1``."""
    match = _EXPECTED.match(detail)
    if match is None:
        return detail
    want = " or ".join(_WORDS.get(word, word) for word in match["want"].split(" | "))
    rest, got = match["rest"], match["got"]
    if rest.startswith(" matching regex "):
        pattern = ast.literal_eval(rest.removeprefix(" matching regex "))
        problem = "must not be blank" if pattern == r"\S" else f"must match {pattern}"
    else:
        problem = f"must be {want}{rest}"
    if isinstance(node, Mapping | list):
        problem += f", got {_WORDS['object' if isinstance(node, Mapping) else 'array']}"
    elif node is not None or got == "null":
        problem += f", got {node!r}"
    elif got is not None:
        problem += f", got {_WORDS.get(got, got)}"
    if match["want"] == "str" and got in ("int", "float", "bool"):
        problem += " (quote it in YAML)"
    return problem


def _choices(schema: type, steps: list[re.Match[str]]) -> tuple[object, ...] | None:
    """The values of the enum (``Literal``) at the end of ``steps`` in ``schema``, if it is one."""
    info: inspect.Type | None = inspect.type_info(schema)
    for step in steps:
        info = _unwrap(info)
        if step["field"] and isinstance(info, inspect.StructType):
            info = next((f.type for f in info.fields if f.encode_name == step["field"]), None)
        elif isinstance(info, inspect.ListType | inspect.VarTupleType):
            info = info.item_type
        elif isinstance(info, inspect.DictType):
            info = info.value_type
        else:
            return None
    info = _unwrap(info)
    return info.values if isinstance(info, inspect.LiteralType) else None


def _unwrap(info: inspect.Type | None) -> inspect.Type | None:
    """The type inside ``X | None``."""
    if isinstance(info, inspect.UnionType):
        others = [t for t in info.types if not isinstance(t, inspect.NoneType)]
        return others[0] if len(others) == 1 else info
    return info
