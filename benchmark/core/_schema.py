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
from types import NoneType, UnionType
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

import msgspec

from benchmark.core.text import LANGUAGES, Text

S = TypeVar("S")

#: A string with something other than spaces.
NonBlank = Annotated[str, msgspec.Meta(pattern=r"\S")]

#: How an entry of a collection is named in a message: the collection's key → (noun, the entry's
#: key that holds its id).  ``{"items": ("item", "id")}`` names ``$.items[3]`` ``item q4``; in a
#: mapping the key is the id (``{"figures": ("figure", "")}``: ``figure yes``); ``"qualitative[]"``
#: is the key of the lists held by the mapping ``qualitative``.  Unnamed: ``steps[1]``.
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


def convert(raw: object, schema: type[S], error: type[Exception], root: str, names: EntryNames) -> S:
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
    """Turn msgspec's ``Expected `bool`, got `str` - at `$.items[5].required``` into ``item q23: required …``.

    The path is walked in ``raw`` (to name each entry and show the bad value) and in ``schema``
    (to find which value of a mapping is at fault, and the choices of an enum).
    """
    match = _AT.match(message)
    assert match is not None  # the pattern matches any text
    detail = match["message"]
    where: list[str] = []
    subject: str | None = None
    node: object = raw
    kind: Any = schema  # the type at the current place of the path
    key = ""  # the place of the current collection in ``names`` (``items``, ``qualitative[]`` …)
    for step in _STEP.finditer(match["path"] or ""):
        kind = _child(kind, step["field"])
        if step["field"]:
            if subject is not None:
                where.append(subject)
            subject = key = step["field"]
            node = node.get(subject) if isinstance(node, Mapping) else None
            continue
        noun, id_key = names.get(key, ("", ""))
        if step["index"]:
            index = int(step["index"])
            node = node[index] if isinstance(node, list) and index < len(node) else None
            entry_id = node.get(id_key) if isinstance(node, Mapping) else None
            valid = isinstance(entry_id, str | int) and not isinstance(entry_id, bool)
            name = (f"{noun} {entry_id}" if valid else f"{noun} #{index + 1}") if noun else f"[{index}]"
        else:  # ``[...]``: a value of a mapping, found by checking each value against the schema
            entry_key, node = _culprit(node, kind, values=True)
            name = f"{noun} {entry_key}" if noun else f"[{entry_key!r}]"
        if not noun:
            subject = f"{subject or root}{name}"
        elif subject == key:  # ``items`` becomes ``item q6``
            subject = name
        else:
            where.append(subject or root)
            subject = name
        key += "[]"
    if match["key"]:
        where.append(subject or root)
        culprit, _ = _culprit(node, (get_args(_bare(kind)) or (Any,))[0], values=False)
        return ": ".join([*where, f"key {_value_problem(detail, culprit)}"])
    kind = _bare(kind)
    choices = get_args(kind) if get_origin(kind) is Literal else None
    return ": ".join([*where, _describe(detail, subject or root, node, choices)])


def _describe(detail: str, subject: str, node: object, choices: tuple[object, ...] | None) -> str:
    """The message about ``subject`` whose value is ``node``."""
    if detail.startswith("Object contains unknown field "):
        return f"{subject}: unknown field(s) {detail.rpartition(' ')[2].strip('`')}"
    if detail.startswith("Object missing required field "):
        return f"{subject}: {detail.rpartition(' ')[2].strip('`')} is required"
    if detail.startswith("Invalid enum value") and choices is not None:
        allowed = ", ".join(str(choice) for choice in choices)
        return f"{subject} must be one of {allowed}, got {node!r}"
    if detail.startswith("Expected "):
        return f"{subject} {_value_problem(detail, node)}"
    return f"{subject}: {detail}"  # a message of a schema's __post_init__


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
        problem += " (quote it)"
    return problem


def _bare(kind: Any) -> Any:
    """``kind`` without ``Annotated`` constraints and without ``| None``."""
    while True:
        if get_origin(kind) is Annotated:
            kind = get_args(kind)[0]
        elif (
            get_origin(kind) in (Union, UnionType)
            and len(others := [a for a in get_args(kind) if a is not NoneType]) == 1
        ):
            kind = others[0]
        else:
            return kind


def _child(kind: Any, field: str | None) -> Any:
    """The type of ``field`` of a struct ``kind``, or of an entry of a list or mapping ``kind`` (None)."""
    kind = _bare(kind)
    if field is not None:
        if isinstance(kind, type) and issubclass(kind, msgspec.Struct):
            return next((f.type for f in msgspec.structs.fields(kind) if f.encode_name == field), Any)
        return Any
    args = get_args(kind)
    if get_origin(kind) in (list, tuple) and args:
        return args[0]
    return args[1] if get_origin(kind) is dict and args else Any


def _culprit(node: object, kind: Any, *, values: bool) -> tuple[object, object]:
    """The first (key, value) of the mapping ``node`` whose value (or key) is not a ``kind``."""
    if isinstance(node, Mapping):
        for entry_key, value in node.items():
            try:
                msgspec.convert(value if values else entry_key, type=kind)
            except msgspec.ValidationError:
                return entry_key, value
    return "…", None
