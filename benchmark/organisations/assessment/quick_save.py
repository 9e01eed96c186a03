"""A draft save whose every posted answer is valid, read without binding the WTForms form (issue 18).

Binding a generated :class:`~.forms.PageForm` (every field built, processed and validated) was a
fifth of a save.  Most saves post only valid values, and for those the outcome is known without
WTForms: this module reads the page's fields as the form class *declares* them (each field's class,
choices and validators, read once per form class) and accepts a post only when WTForms would accept
it too, with the same data.  Anything else — a CSRF token WTForms would refuse, an unknown option,
an exclusive option combined with others, a required answer missing on Next, a tampered task, a
validator this module does not know — returns None, and the view binds the real form, which
decides, keeps every typed value and renders the errors.  ``tests/web/test_quick_save.py`` posts
valid and invalid values through both and compares the outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from flask import current_app, g, request
from wtforms import RadioField

from benchmark.core.questionnaire import Item, Page, Questionnaire, check_multi_selection
from benchmark.organisations.assessment.forms import page_form_class
from benchmark.web.csrf_token import csrf_token_valid
from benchmark.web.forms import MultiCheckboxField
from benchmark.web.questions import ExclusiveOptions, RequiredWhenMovingOn, SkippedWhenBlank, answer_key


class Screen(Protocol):
    """What this module needs of the page view (:class:`.views.PageView`)."""

    page: Page
    q: Questionnaire
    lang: str
    task: str | None
    field_names: list[str]


@dataclass(frozen=True)
class Rule:
    """One field as its form class declares it: several values or one, its choices, required, exclusive options."""

    name: str
    multiple: bool
    choices: frozenset[str]
    required: bool
    exclusive: Item | None


def changes(screen: Screen, enforce_required: bool) -> dict[str, Any] | None:
    """The answers to write, by answer key, when WTForms would accept the post as it is; else None."""
    if screen.task == "" or request.files or not request.form or not _csrf_accepted():
        return None
    rules = _rules(screen.q, screen.page.id, screen.lang)
    form = request.form
    found: dict[str, Any] = {}
    for name in screen.field_names:
        rule = rules.get(name)
        if rule is None:
            return None
        raw = form.getlist(name)
        if not raw:
            if rule.required and enforce_required:
                return None
            data: Any = [] if rule.multiple else None
        elif rule.multiple:
            if not rule.choices.issuperset(raw):
                return None
            if rule.exclusive is not None and check_multi_selection(rule.exclusive, raw) == "exclusive":
                return None
            data = raw
        elif raw[0] in rule.choices:
            data = raw[0]
        else:
            return None
        key = answer_key(name)
        found[key] = screen.q.item_for_key(key)[0].kind.normalise(data)
    return found


def _csrf_accepted() -> bool:
    """Flask-WTF's check of the form's CSRF field, with the form's settings (True when protection is off)."""
    config = current_app.config
    if not config.get("WTF_CSRF_ENABLED", True) or g.get("csrf_valid", False):
        return True
    return csrf_token_valid(request.form.get(config.get("WTF_CSRF_FIELD_NAME", "csrf_token")))


@lru_cache(maxsize=64)
def _rules(questionnaire: Questionnaire, page_id: str, lang: str) -> dict[str, Rule]:
    """The answer fields of a page's form class that this module can check, by name (a field it cannot is left out)."""
    form_class = page_form_class(questionnaire, page_id, lang)
    rules: dict[str, Rule] = {}
    for name in dir(form_class):
        unbound = getattr(form_class, name)
        if getattr(unbound, "_formfield", False) and len(unbound.args) <= 1:
            rule = _rule(name, unbound.field_class, unbound.kwargs)
            if rule is not None:
                rules[name] = rule
    return rules


#: The validators this module checks as WTForms would (a field with another one is left to WTForms).
KNOWN_VALIDATORS: tuple[type, ...] = (SkippedWhenBlank, RequiredWhenMovingOn, ExclusiveOptions)


def _rule(name: str, field_class: Any, kwargs: dict[str, Any]) -> Rule | None:
    if field_class not in (RadioField, MultiCheckboxField) or set(kwargs) - {"label", "choices", "validators"}:
        return None
    validators = kwargs.get("validators") or []
    if any(type(validator) not in KNOWN_VALIDATORS for validator in validators):
        return None
    exclusive = [validator.item for validator in validators if isinstance(validator, ExclusiveOptions)]
    return Rule(
        name=name,
        multiple=field_class is MultiCheckboxField,
        choices=frozenset(str(choice.value) for choice in kwargs.get("choices") or ()),
        required=any(isinstance(validator, RequiredWhenMovingOn) for validator in validators),
        exclusive=exclusive[0] if exclusive else None,
    )
