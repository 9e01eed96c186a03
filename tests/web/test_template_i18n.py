"""Literal strings translated when a template is compiled give exactly the pages of the plain gettext path."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask, render_template
from flask_babel import force_locale
from jinja2 import ChainableUndefined

from benchmark.web import template_i18n
from benchmark.web.i18n import LANGUAGES
from tests.factories import PROJECT_ROOT, first_answers, make_app, reset, seed_submission, start_assessment

TEMPLATES = sorted(
    str(path.relative_to(PROJECT_ROOT / "templates"))
    for path in (PROJECT_ROOT / "templates").rglob("*")
    if path.suffix in {".html", ".txt", ".xml", ".svg"}
)


def render_all(app: Flask, lang: str) -> dict[str, str]:
    """Every template rendered with no context (undefined values are empty), or the error it raised."""
    app.jinja_env.undefined = ChainableUndefined
    shown = {}
    with app.test_request_context(f"/{lang}/"), force_locale(lang):
        app.preprocess_request()
        for name in TEMPLATES:
            try:
                shown[name] = render_template(name)
            except Exception as error:  # noqa: BLE001 - a template that needs context fails the same way in both
                shown[name] = f"{type(error).__name__}"
    return shown


@pytest.fixture(scope="module")
def plain_and_translated(database_url: str, _schema: None) -> dict[str, Any]:
    plain = make_app(database_url, TRANSLATE_TEMPLATES_AT_LOAD=False)
    translated = make_app(database_url)
    return {"plain": plain, "translated": translated}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_template_renders_as_with_plain_gettext(plain_and_translated: dict[str, Any], lang: str) -> None:
    plain = render_all(plain_and_translated["plain"], lang)
    translated = render_all(plain_and_translated["translated"], lang)
    rendered = [name for name, text in plain.items() if not re.fullmatch(r"\w+", text)]
    assert len(rendered) >= 25, "too few templates render without context to compare"  # 27 of 60 today
    assert translated == plain


def test_literals_are_replaced_per_language(plain_and_translated: dict[str, Any]) -> None:
    """Compiled for French, the code holds the translation instead of the literal; one template per language."""
    app = plain_and_translated["translated"]
    plain_code, french_code = _code_plain_and_french(app, "macros/questions.html")  # no locale: calls kept
    assert "'Error:'" in plain_code and "Erreur" not in plain_code
    assert "'Error:'" not in french_code and "Erreur\\xa0:" in french_code, [
        line for line in french_code.splitlines() if "Err" in line
    ]
    english = _compiled(app, "en")
    french = _compiled(app, "fr")
    assert english is not french
    assert english is _compiled(app, "en") and french is _compiled(app, "fr")


def _code_plain_and_french(app: Flask, name: str) -> tuple[str, str]:
    """The Python code Jinja compiles for template ``name``: with no locale, and for French."""
    env = app.jinja_env
    source = env.loader.get_source(env, name)[0]
    with app.test_request_context("/fr/"), force_locale("fr"):
        app.preprocess_request()
        marker = template_i18n._compiling.set("fr")
        try:
            french_code = env.compile(source, name, raw=True)
        finally:
            template_i18n._compiling.reset(marker)
    return env.compile(source, name, raw=True), french_code


def _compiled(app: Flask, lang: str) -> Any:
    with app.test_request_context(f"/{lang}/"), force_locale(lang):
        return app.jinja_env.get_template("macros/questions.html")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pages_are_the_same_as_with_plain_gettext(database_url: str, _schema: None, lang: str) -> None:
    plain = make_app(database_url, TRANSLATE_TEMPLATES_AT_LOAD=False)
    translated = make_app(database_url)
    try:
        token = seed_submission(translated, first_answers(translated))
        draft = start_assessment(translated.test_client(), lang)
        urls = [
            f"/{lang}/",
            f"/{lang}/assessment/",
            f"/{lang}/how-scores-work",
            f"/{lang}/privacy",
            f"/{lang}/results/{token}",
            f"/{lang}/assessment/{draft}/importance",
            f"/{lang}/account/sign-in",
            f"/{lang}/no-such-page",
        ]
        for url in urls:
            expected = plain.test_client().get(url)
            shown = translated.test_client().get(url)
            assert shown.status_code == expected.status_code, url
            assert shown.get_data(as_text=True) == expected.get_data(as_text=True), url
    finally:
        reset(translated)


def test_strings_with_arguments_are_translated_at_load_and_formatted_at_run_time(
    plain_and_translated: dict[str, Any],
) -> None:
    """``_("Made on %(date)s", date=…)`` compiled for French calls the formatter with the French text: no lookup."""
    app = plain_and_translated["translated"]
    plain_code, french_code = _code_plain_and_french(app, "results/_share.html")
    env = app.jinja_env
    assert "'Made on %(date)s'" in plain_code and template_i18n.PREFORMATTED not in plain_code
    assert "'Made on %(date)s'" not in french_code and "'Créé le %(date)s'" in french_code
    assert template_i18n.PREFORMATTED in french_code
    with app.test_request_context("/fr/"):
        app.preprocess_request()
        template = env.from_string("{{ _translated_at_load('a <b> %(x)s %%', x='<i>') }}")
        assert template.render() == "a <b> &lt;i&gt; %"  # the catalogue's text trusted, the argument escaped
