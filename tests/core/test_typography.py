"""The language checker's rules: each fails on a bad example and passes on a good one; fixes are safe and idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmark.core.glossary import GlossaryError, load_glossary
from benchmark.core.language_check import (
    bilingual_texts,
    catalogue_problems,
    fix_data,
    fix_po,
    from_pdftotext,
    split_languages,
)
from benchmark.core.typography import NBSP, NNBSP, check, fix

#: (rule, language, bad text, good text)
RULES = [
    ("fr.colon", "fr", "Chiffre publié: 40,7\u202f%", f"Chiffre publié{NBSP}: 40,7{NNBSP}%"),
    ("fr.colon", "fr", "leur travail : 86\u202f%", f"leur travail{NNBSP}: 86{NNBSP}%"),
    ("fr.percent", "fr", "leur travail\u00a0: 86 %", f"leur travail{NBSP}: 86{NNBSP}%"),
    ("fr.percent", "fr", "86\u00a0% des fournisseurs", f"86{NNBSP}% des fournisseurs"),
    ("fr.thousands", "fr", "10 000 organisations", f"10{NNBSP}000 organisations"),
    ("fr.thousands", "fr", "12345 organisations", f"12{NNBSP}345 organisations"),
    ("fr.tight", "fr", "Pourquoi ?", "Pourquoi?"),
    ("fr.tight", "fr", "le questionnaire ; la grille", "le questionnaire; la grille"),
    ("fr.guillemets", "fr", "« Je ne sais pas »", f"«{NBSP}Je ne sais pas{NBSP}»"),
    ("fr.apostrophe", "fr", "l'atelier", "l\u2019atelier"),
    ("fr.decimal", "fr", f"40.7{NNBSP}%", f"40,7{NNBSP}%"),
    ("plural", "fr", "pour 0 type(s)", "pour 0 type"),
    ("parentheses", "fr", f"(en 2017{NBSP}: 41,8{NNBSP}% (n = 239))", f"En 2017, 41,8{NNBSP}% (n = 239)"),
    ("en.percent", "en", "40.7 % of providers", "40.7% of providers"),
    ("en.thousands", "en", "10 000 organizations", "10,000 organizations"),
    ("en.thousands", "en", "for example 1200.", "for example 1,200."),
    ("plural", "en", "0 kind(s) of communication", "0 kinds of communication"),
    ("parentheses", "en", "events (90.7% (n = 248))", "events: 90.7% (n = 248)"),
]


@pytest.mark.parametrize(("rule", "lang", "bad", "good"), RULES)
def test_each_rule_fails_on_a_bad_example_and_passes_on_a_good_one(rule: str, lang: str, bad: str, good: str) -> None:
    assert rule in {problem.rule for problem in check(bad, lang)}, check(bad, lang)
    assert [problem for problem in check(good, lang) if problem.rule == rule] == []


@pytest.mark.parametrize(
    "text",
    [
        "Voir https://example.org/a:b?x=1 ici",  # a URL
        "à 10:30",  # a time
        "%(component)s\u00a0: %(before)s",  # placeholders
        "Écrivez à nom@example.org",
        "En 2017, le rapport",  # a year is never grouped
        "{fig:q5.announce_events} des fournisseurs",  # a data-file placeholder
    ],
)
def test_what_is_not_prose_is_not_checked(text: str) -> None:
    assert check(text, "fr") == []


def test_years_stay_whole_in_english() -> None:
    assert check("In 2017, 261 providers answered", "en") == []


def test_fixes_are_mechanical_and_idempotent() -> None:
    bad = "Chiffre publié: 40,7 % et « Je ne sais pas » ; l'atelier %(name)s : 10 000"
    fixed = fix(bad, "fr")
    assert fixed == (
        f"Chiffre publié{NBSP}: 40,7{NNBSP}% et «{NBSP}Je ne sais pas{NBSP}»; "
        f"l\u2019atelier %(name)s{NBSP}: 10{NNBSP}000"
    )
    assert fix(fixed, "fr") == fixed
    assert check(fixed, "fr") == []
    assert fix("40.7 % (n = 248)", "en") == "40.7% (n = 248)"
    assert fix("https://example.org/a:b", "fr") == "https://example.org/a:b"


def test_fix_po_changes_msgstr_lines_only_and_never_the_header(tmp_path: Path) -> None:
    po = tmp_path / "messages.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Answer: %(x)s"\nmsgstr "Réponse : %(x)s"\n\n'
        'msgid "Don\'t"\nmsgstr ""\n"Ne l\'ouvrez pas"\n',
        encoding="utf-8",
    )
    assert fix_po(po, "fr") == 2
    text = po.read_text(encoding="utf-8")
    assert '"Content-Type: text/plain; charset=utf-8\\n"' in text
    assert f'msgstr "Réponse{NBSP}: %(x)s"' in text
    assert 'msgid "Don\'t"' in text and '"Ne l\u2019ouvrez pas"' in text
    assert fix_po(po, "fr") == 0


def test_fix_data_changes_en_and_fr_values_only(tmp_path: Path) -> None:
    data = tmp_path / "data.yaml"
    data.write_text(
        'a: {en: "40.7 % here", fr: "l\'atelier : oui"}\nraw_text: "l\'original : 40 %"\n', encoding="utf-8"
    )
    assert fix_data(data) == 2
    assert data.read_text(encoding="utf-8") == (
        f'a: {{en: "40.7% here", fr: "l\u2019atelier{NBSP}: oui"}}\nraw_text: "l\'original : 40 %"\n'
    )


def test_bilingual_texts_skip_verbatim_quotes() -> None:
    data = {"items": [{"id": "q1", "label": {"en": "A", "fr": "B"}, "raw_text": {"en": "x", "fr": "y"}}]}
    assert list(bilingual_texts(data)) == [("items[q1].label", "en", "A"), ("items[q1].label", "fr", "B")]


def test_untranslated_and_glossary_in_the_catalogue(tmp_path: Path) -> None:
    pot, po = tmp_path / "messages.pot", tmp_path / "messages.po"
    pot.write_text('msgid "Open the live view now"\nmsgstr ""\n\nmsgid "Missing here"\nmsgstr ""\n', encoding="utf-8")
    po.write_text(
        'msgid "Open the live view now"\nmsgstr "Open the live view now"\n\nmsgid "Join"\nmsgstr "Rejoindre"\n',
        encoding="utf-8",
    )
    problems = catalogue_problems(pot, po, load_glossary())
    assert sorted(problem.rule for problem in problems) == ["glossary", "untranslated", "untranslated"]


def test_pdf_text_keeps_what_can_be_checked() -> None:
    assert check(from_pdftotext("Chiffre publié : 40,7 % et 10 000"), "fr") == []
    assert {p.rule for p in check(from_pdftotext("Chiffre publié: 40,7% ?"), "fr")} == {
        "fr.colon",
        "fr.percent",
        "fr.tight",
    }


def test_split_languages_sorts_lines_and_leaves_out_what_it_cannot_tell() -> None:
    texts = split_languages("Your answers are private\nVos réponses sont privées\n40.7%\nI don't know / Je ne sais pas")
    assert "Your answers are private" in texts["en"] and "Vos réponses sont privées" in texts["fr"]
    assert "40.7%" not in texts["en"] + texts["fr"]


def test_the_glossary_refuses_a_bad_pattern_and_a_duplicate(tmp_path: Path) -> None:
    term = (
        '  - {{id: {id}, term: {{en: "a", fr: "b"}}, definition: {{en: "c", fr: "d"}}, source: "s",'
        ' forbidden: {{fr: [{{pattern: "{pattern}", reason: "r"}}]}}}}\n'
    )
    path = tmp_path / "glossary.yaml"
    path.write_text('meta: {provenance: "p"}\nterms:\n' + term.format(id="x", pattern="(unclosed"), encoding="utf-8")
    with pytest.raises(GlossaryError, match="term x: forbidden fr"):
        load_glossary(path)
    path.write_text(
        'meta: {provenance: "p"}\nterms:\n' + term.format(id="x", pattern="a") + term.format(id="x", pattern="b"),
        encoding="utf-8",
    )
    with pytest.raises(GlossaryError, match="duplicate"):
        load_glossary(path)


def test_the_shipped_glossary_forbids_the_variants_the_issue_names() -> None:
    glossary = load_glossary()
    assert {term.id for term in glossary.terms} >= {
        "component",
        "level",
        "peer_group",
        "recommendation",
        "next_step",
        "action_plan",
        "workshop",
        "cohort",
        "facilitator",
        "participant",
    }
    for bad in (
        "Rejoindre un atelier",
        "Rejoignez l’atelier",
        "les deux dimensions",
        "Infrastructures",
        "auto-évaluation",
    ):
        assert glossary.problems(bad, "fr"), bad
    for good in ("Se joindre à l’atelier", "les deux composantes", "Infrastructure", "la personne animatrice"):
        assert glossary.problems(good, "fr") == [], good
