"""Forms are generated from the item definitions: one field kind per item type."""

from __future__ import annotations

import pytest
from flask import Flask, get_template_attribute
from wtforms import RadioField

from benchmark.app import create_app
from benchmark.core import item_types
from benchmark.organisations.assessment.forms import field_name, page_form_class
from benchmark.web import questions
from benchmark.web.forms import MultiCheckboxField


def test_a_field_is_generated_for_every_item_type(app: Flask) -> None:
    q = app.extensions["content"].questionnaire
    expected = {"single": RadioField, "scale_0_10": RadioField, "multi": MultiCheckboxField, "matrix": RadioField}
    seen: set[str] = set()
    with app.test_request_context("/en/"):
        for page in q.pages:
            for lang in ("en", "fr"):
                form = page_form_class(q, page.id, lang)(formdata=None)
                for item in q.page_items(page):
                    for key in item.answer_keys():
                        field = form[field_name(key)]
                        assert isinstance(field, expected[item.type]), key
                        if item.type == "scale_0_10":
                            assert [c[0] for c in field.iter_choices()] == [str(n) for n in range(11)]
                        elif item.type != "multi" or item.options:
                            assert {c[0] for c in field.iter_choices()} == {o.id for o in item.options}
                    seen.add(item.type)
    assert seen == set(expected)


def test_form_labels_follow_the_language(app: Flask) -> None:
    q = app.extensions["content"].questionnaire
    with app.test_request_context("/fr/"):
        french = page_form_class(q, "strategy-infrastructure", "fr")(formdata=None)
        english = page_form_class(q, "strategy-infrastructure", "en")(formdata=None)
    assert french["q6"].label.text == q.items["q6"].text.fr
    assert english["q6"].label.text == q.items["q6"].text.en


def test_every_item_type_has_a_web_widget_with_its_macros(app: Flask) -> None:
    """Each registered item type has form fields, a page macro and a paper macro that exist."""
    assert questions.WIDGETS.missing() == []
    with app.app_context():
        for name in item_types.names():
            widget = questions.WIDGETS[name]
            assert callable(get_template_attribute(questions.PAGE_MACROS, widget.macro))
            assert callable(get_template_attribute(questions.PAPER_MACROS, widget.paper_macro))


def test_the_app_refuses_to_start_when_an_item_type_has_no_widget() -> None:
    """A new item type in the core without its web widget stops create_app with its name."""

    @item_types.register
    class Ranking(item_types.ItemKind):
        name = "ranking_probe"

    try:
        with pytest.raises(LookupError, match="ranking_probe"):
            create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    finally:
        item_types.unregister("ranking_probe")
