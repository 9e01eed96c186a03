"""Forms are generated from the item definitions: one field kind per item type."""

from __future__ import annotations

from flask import Flask
from wtforms import RadioField

from benchmark.organisations.assessment.forms import MultiCheckboxField, field_name, page_form_class


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
