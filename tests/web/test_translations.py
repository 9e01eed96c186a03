"""The French catalogue: complete, in step with the sources, placeholders intact, and used by the pages."""

from __future__ import annotations

import html
import re
import subprocess  # noqa: S404  (fixed argument list, no shell)
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

from tests.factories import PROJECT_ROOT

FRENCH_PO = PROJECT_ROOT / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")

# English UI strings that must not survive on French pages, with the French expected instead.
ENGLISH_TO_FRENCH = {
    "Skip to main content": "Passer au contenu principal",
    "Privacy notice": "Avis de confidentialité",
    "Start the self-assessment": "Commencer l’autoévaluation",
    "Home": "Accueil",
}
FRENCH_PAGES = ("/fr/", "/fr/assessment/", "/fr/privacy")


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as po_file:
        return read_po(po_file)


def messages(catalog: Catalog) -> list[Message]:
    """Every real entry (the header has an empty msgid)."""
    return [message for message in catalog if message.id]


def msgid_key(message: Message) -> str:
    """The singular msgid, whether or not the entry has plural forms."""
    return message.id if isinstance(message.id, str) else message.id[0]


def msgstr_forms(message: Message) -> list[str]:
    """The translation, as a list of one string or of every plural form."""
    if message.string is None or isinstance(message.string, str):
        return [message.string or ""]
    return list(message.string)


def msgid_forms(message: Message) -> list[str]:
    return [message.id] if isinstance(message.id, str) else list(message.id)


@pytest.fixture(scope="module")
def french() -> Catalog:
    return read_catalog(FRENCH_PO)


def test_every_french_entry_is_translated_and_not_fuzzy(french: Catalog) -> None:
    entries = messages(french)
    assert entries, "the French catalogue is empty"
    untranslated = [msgid_key(m) for m in entries if any(not form.strip() for form in msgstr_forms(m))]
    fuzzy = [msgid_key(m) for m in entries if m.fuzzy]
    assert not untranslated, f"untranslated French entries: {untranslated}"
    assert not fuzzy, f"fuzzy French entries: {fuzzy}"


def test_plural_entries_have_every_form(french: Catalog) -> None:
    for message in messages(french):
        if message.pluralizable:
            forms = msgstr_forms(message)
            assert len(forms) == french.num_plurals, (msgid_key(message), forms)


def test_french_catalogue_covers_every_source_string(tmp_path: Path, french: Catalog) -> None:
    tmp_pot = tmp_path / "messages.pot"
    subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(tmp_pot),
            ".",
        ],
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
    )
    extracted = {msgid_key(m) for m in messages(read_catalog(tmp_pot))}
    assert extracted, "extraction found no messages"
    translated = {msgid_key(m) for m in messages(french)}
    missing = sorted(extracted - translated)
    assert not missing, (
        f"{len(missing)} source strings missing from the French catalogue (run `flask translate update`): {missing}"
    )


def test_placeholders_match_between_msgid_and_msgstr(french: Catalog) -> None:
    mismatches = []
    for message in messages(french):
        expected = sorted(set().union(*(PLACEHOLDER.findall(form) for form in msgid_forms(message))))
        for form in msgstr_forms(message):
            found = sorted(set(PLACEHOLDER.findall(form)))
            if found != expected:
                mismatches.append((msgid_key(message), form, expected, found))
    assert not mismatches, f"placeholders differ: {mismatches}"


def test_placeholder_types_are_kept(french: Catalog) -> None:
    """``%(num)d`` must stay ``d`` (and ``%(x)s`` stay ``s``): a wrong type breaks formatting at run time."""
    typed = re.compile(r"%\(\w+\)[sd]")
    for message in messages(french):
        expected = set().union(*(typed.findall(form) for form in msgid_forms(message)))
        for form in msgstr_forms(message):
            assert set(typed.findall(form)) == expected, (msgid_key(message), form)


@pytest.mark.parametrize("url", FRENCH_PAGES)
def test_french_pages_show_french_ui(client: FlaskClient, url: str) -> None:
    english_page = html.unescape(client.get("/en/" + url.removeprefix("/fr/")).get_data(as_text=True))
    response = client.get(url)
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert '<html lang="fr">' in page
    assert "Repère des capacités numériques en établissement" in page
    leftovers = [english for english in ENGLISH_TO_FRENCH if re.search(rf"\b{re.escape(english)}\b", page)]
    assert not leftovers, f"English UI strings on {url}: {leftovers}"
    on_english_page = [english for english in ENGLISH_TO_FRENCH if english in english_page]
    assert on_english_page, "the English page shows none of the strings checked"
    for english in on_english_page:
        assert ENGLISH_TO_FRENCH[english] in page, (url, english, ENGLISH_TO_FRENCH[english])
