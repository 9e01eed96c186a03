"""Stored answers checked and shown against their item definitions (per type, via :mod:`~benchmark.core.item_types`).

Pure Python: never Flask, WTForms or SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from benchmark.core.item_types import AnswerValue
from benchmark.core.questionnaire.model import Item, Questionnaire


def check_answer(item: Item, value: object) -> str | None:
    """Check one stored answer value against its item definition.

    :param item: the item (for a matrix, the value is one row's answer).
    :param value: the value as stored: an option id, a list of option ids or an int.
    :return: None when valid, otherwise an error code (``"unknown_option"``,
        ``"out_of_range"``, ``"wrong_type"``, ``"exclusive"``, ``"duplicate"``, ``"empty"``).
    """
    return item.kind.check(item, value)


def describe_answer(item: Item, value: object, lang: str) -> str | None:
    """Return a stored answer as readable text in ``lang`` (None when not answered).

    Option ids become their labels (joined with "; " for several), a scale value
    becomes ``"7 / 10"``; ids the item does not know are left out.
    """
    return item.kind.describe(item, value, lang)


def clean_answers(questionnaire: Questionnaire, answers: Mapping[str, object]) -> dict[str, AnswerValue]:
    """Return only the answers that are valid for ``questionnaire``, dropping the rest.

    Used when stored answers from an older version are re-read: anything the
    current definitions do not accept is left out rather than trusted.
    """
    cleaned: dict[str, AnswerValue] = {}
    for key, value in answers.items():
        try:
            item, _row = questionnaire.item_for_key(key)
        except KeyError:
            continue
        if check_answer(item, value) is None:
            cleaned[key] = cast(AnswerValue, value)
    return cleaned
