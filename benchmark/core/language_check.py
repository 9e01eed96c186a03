"""The language checker: typography, untranslated text and glossary terms over the catalogue, the data files and pages.

Used by the tests (``tests/core/test_language_check.py``, ``tests/web/test_language_quality.py``) and by
``scripts/typography.py`` (check, or ``--fix`` for the mechanical fixes).  Everything here reads text
and files; nothing renders a page (the tests do, and pass the text in).  Pure Python.

* the catalogue: every French ``msgstr`` under the French rules, every ``msgid`` under the English
  ones, and a ``msgstr`` equal to its ``msgid`` of three words or more is "untranslated";
* the data files: every ``{en: …, fr: …}`` pair, each text under its language's rules and the glossary
  (verbatim quotes of the 2017 report, ``raw_text`` and ``source_text``, are the source's words and are
  not checked);
* a page: its visible text under its language's rules and the glossary, and on a French page any
  English sentence of the catalogue (four words or more) is "untranslated".
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from benchmark.core.glossary import Glossary
from benchmark.core.typography import NNBSP, PROTECTED, Problem, check, fix

#: Keys of the data files whose text is a verbatim quotation, not ours to restyle.
VERBATIM_KEYS = frozenset({"raw_text", "source_text"})
#: A msgstr identical to its msgid is fine for a word or two ("Administration", "Total", "PDF").
SAME_WORDS_LIMIT = 3
#: An English sentence of the catalogue found on a French page is reported from this many words.
LEAK_WORDS = 4

_PO_STRING = re.compile(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?|msgctxt)?\s*"(.*)"\s*$')
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def unescape(value: str) -> str:
    """A PO string's content without its escapes."""
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), value)


@dataclass
class Entry:
    """One entry of a PO file: its msgid(s), its msgstr(s) and the line where it starts."""

    line: int
    msgid: list[str] = field(default_factory=list)
    msgstr: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.msgid[0] if self.msgid else ""


def read_po(path: Path) -> list[Entry]:
    """The entries of a PO file (header and obsolete entries left out)."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: list[str] | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = _PO_STRING.match(line)
        if line.startswith("#~") or not match:
            target = None
            continue
        keyword, value = match.group(1), unescape(match.group(2))
        if keyword in ("msgid", "msgctxt") and (current is None or current.msgstr):
            current = Entry(number)
            entries.append(current)
        assert current is not None
        if keyword is None and target is not None:
            target[-1] += value
            continue
        target = current.msgid if keyword in ("msgid", "msgid_plural") else current.msgstr
        if keyword == "msgctxt":
            target = None
            continue
        target.append(value)
    return [entry for entry in entries if entry.key]


def catalogue_problems(pot: Path, french: Path, glossary: Glossary) -> list[Problem]:
    """Typography of every msgid (English) and French msgstr, glossary terms, and untranslated entries."""
    problems: list[Problem] = []
    english_keys = {entry.key for entry in read_po(pot)}
    for entry in read_po(french):
        where = f"{french.name}:{entry.line} {entry.key[:40]!r}"
        for text in entry.msgid:
            problems += located(check(text, "en") + glossary.problems(text, "en"), where)
        for text in entry.msgstr:
            problems += located(check(text, "fr") + glossary.problems(text, "fr"), where)
            if text == entry.key and len(words(text)) >= SAME_WORDS_LIMIT:
                problems.append(Problem("untranslated", text, where))
    for key in sorted(english_keys - {entry.key for entry in read_po(french)}):
        problems.append(Problem("untranslated", key, pot.name))
    return problems


def words(text: str) -> list[str]:
    """The words of ``text`` (placeholders and tags left out)."""
    return re.findall(r"[^\W\d_]+", PROTECTED.sub(" ", text))


def located(problems: list[Problem], where: str) -> list[Problem]:
    """The problems, each saying where its text comes from."""
    return [Problem(problem.rule, problem.excerpt, where) for problem in problems]


# --------------------------------------------------------------------------- data files


def bilingual_texts(data: object, path: str = "") -> Iterator[tuple[str, str, str]]:
    """Every ``(where, lang, text)`` of a parsed data file: the ``en`` and ``fr`` of each bilingual pair."""
    if isinstance(data, dict):
        if isinstance(data.get("en"), str) and isinstance(data.get("fr"), str):
            yield path, "en", data["en"]
            yield path, "fr", data["fr"]
        for key, value in data.items():
            if key not in VERBATIM_KEYS:
                label = str(value.get("id")) if isinstance(value, dict) and "id" in value else str(key)
                yield from bilingual_texts(value, f"{path}.{label}" if path else label)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            label = str(value["id"]) if isinstance(value, dict) and "id" in value else str(index)
            yield from bilingual_texts(value, f"{path}[{label}]")


def load_data(path: Path) -> object:
    """A YAML or JSON data file, parsed."""
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)


def data_problems(paths: list[Path], glossary: Glossary) -> list[Problem]:
    """Typography and glossary terms of every bilingual text of the data files."""
    problems: list[Problem] = []
    for path in paths:
        for where, lang, text in bilingual_texts(load_data(path)):
            problems += located(check(text, lang) + glossary.problems(text, lang), f"{path.name} {where} {lang}")
    return problems


# --------------------------------------------------------------------------- pages


def english_sentences(pot: Path) -> list[str]:
    """The catalogue's English runs of at least four words (split at placeholders and tags)."""
    runs: set[str] = set()
    for entry in read_po(pot):
        for text in entry.msgid:
            for run in PROTECTED.split(text):
                run = " ".join(run.split()).strip(" .,;:")
                if len(words(run)) >= LEAK_WORDS:
                    runs.add(run)
    return sorted(runs)


def from_pdftotext(text: str) -> str:
    """PDF text as the French rules can honestly read it.

    pdftotext writes U+00A0 and U+202F as plain spaces, so a plain space where the rules want a no-break
    one (before ":" and "%", inside « », between groups of digits) is taken as one: a missing space, a
    space before ";", "!" or "?", a straight apostrophe, a plural "(s)", nested parentheses, English
    text and glossary variants are still found; a breakable space instead of a no-break one is not
    (the catalogue and data checks, and the HTML pages, find that).
    """
    text = re.sub(r"(?<=\S) (?=[:%»])", NNBSP, text)
    text = re.sub(r"« ", f"«{NNBSP}", text)
    return re.sub(r"(?<=\d) (?=\d{3}(?!\d))", NNBSP, text)


_FR_WORDS = frozenset(
    [
        "le",
        "la",
        "les",
        "des",
        "du",
        "de",
        "et",
        "est",
        "une",
        "un",
        "pour",
        "vous",
        "votre",
        "vos",
        "aux",
        "au",
        "en",
        "sur",
        "dans",
        "qui",
        "ne",
        "pas",
        "avec",
        "par",
        "ce",
        "cette",
        "ces",
        "sont",
    ]
)
_EN_WORDS = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "is",
        "your",
        "you",
        "for",
        "in",
        "with",
        "on",
        "are",
        "this",
        "that",
        "from",
        "by",
        "be",
        "was",
        "were",
        "an",
        "or",
        "not",
    ]
)


def split_languages(text: str) -> dict[str, str]:
    """A bilingual document's text (English and French side by side or in turn, as pdftotext gives it) per language.

    Each line, and each side of " / " (the paper form's "Yes / Oui"), goes to the language most of its
    common words belong to; a line with none of them or as many of each (a number, a name, a short
    label) is left out: it cannot be told apart honestly.
    """
    texts: dict[str, list[str]] = {"en": [], "fr": []}
    for line in text.splitlines():
        for part in line.split(" / "):
            found = [word.lower() for word in re.findall(r"[^\W\d_]+", part)]
            fr, en = sum(word in _FR_WORDS for word in found), sum(word in _EN_WORDS for word in found)
            if fr != en:
                texts["fr" if fr > en else "en"].append(part)
    # One paragraph per line: a parenthesis opened on a line left out must not look nested on the next.
    return {lang: "\n\n".join(lines) for lang, lines in texts.items()}


def page_problems(text: str, lang: str, glossary: Glossary, english: list[str], where: str) -> list[Problem]:
    """Typography and glossary terms of a page's visible text; English sentences on a French page."""
    problems = check(text, lang) + glossary.problems(text, lang)
    if lang == "fr":
        flat = " ".join(text.split())
        problems += [Problem("untranslated", run) for run in english if run in flat]
    return located(problems, where)


def by_rule(problems: list[Problem]) -> dict[str, int]:
    """How many problems each rule found, sorted by rule."""
    counts: dict[str, int] = {}
    for problem in problems:
        counts[problem.rule] = counts.get(problem.rule, 0) + 1
    return dict(sorted(counts.items()))


# --------------------------------------------------------------------------- fixes


def fix_po(path: Path, lang: str) -> int:
    """Apply the mechanical fixes of ``lang`` to every msgstr line of a PO file; the number of lines changed."""
    lines = path.read_text(encoding="utf-8").split("\n")
    changed, in_msgstr, header = 0, False, False
    for index, line in enumerate(lines):
        match = _PO_STRING.match(line)
        if not match or line.startswith("#"):
            in_msgstr = False
            continue
        keyword = match.group(1)
        if keyword == "msgid":
            header = match.group(2) == "" and not (index + 1 < len(lines) and lines[index + 1].startswith('"'))
        if keyword is not None:
            in_msgstr = keyword.startswith("msgstr")
        if in_msgstr and match.group(2) and not header:
            prefix = line[: match.start(2)]
            fixed = fix(match.group(2), lang)
            if fixed != match.group(2):
                lines[index] = f'{prefix}{fixed}"'
                changed += 1
    if changed:
        path.write_text("\n".join(lines), encoding="utf-8")
    return changed


_DATA_VALUE = re.compile(r'((?:"(en|fr)"|\b(en|fr)):\s*")((?:[^"\\]|\\.)*)(")')


def fix_data(path: Path, fixer: Callable[[str, str], str] = fix) -> int:
    """Apply the mechanical fixes to every ``en: "…"`` / ``fr: "…"`` value of a data file; the values changed."""
    text = path.read_text(encoding="utf-8")
    count = 0

    def repl(match: re.Match[str]) -> str:
        nonlocal count
        lang = match.group(2) or match.group(3)
        fixed = fixer(match.group(4), lang)
        count += fixed != match.group(4)
        return f"{match.group(1)}{fixed}{match.group(5)}"

    result = _DATA_VALUE.sub(repl, text)
    if count:
        path.write_text(result, encoding="utf-8")
    return count
