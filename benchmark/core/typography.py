"""Typography of the two official languages: rules that find problems in a text, and safe fixes.

French follows the Translation Bureau's *Le guide du rédacteur* (Canadian usage):

* ``fr.colon``: a no-break space (U+00A0 or the narrow U+202F) before ":" (not between digits, as in 10:30);
* ``fr.percent``: a narrow no-break space (U+202F) before "%";
* ``fr.thousands``: U+202F between groups of three digits; a number of five digits or more is grouped
  (four-digit numbers may stay whole, as the guide allows, and years always do);
* ``fr.tight``: no space at all before ";", "!" and "?" (Canadian usage, unlike France);
* ``fr.guillemets``: a no-break space inside « »;
* ``fr.apostrophe``: the typographic apostrophe ’, never the straight ';
* ``fr.decimal``: a decimal comma in a percentage (40,7 %), never a point.

English follows *The Canadian Style*:

* ``en.percent``: no space before "%" (40.7%);
* ``en.thousands``: commas between groups of three digits from four digits on (1,234; 10,000), except
  years (1900–2099), which are never grouped. The Canadian Style allows a four-digit number without a
  comma; the issue asked for "1,234", so the product writes the comma in every four-digit quantity.

Both languages:

* ``plural``: no "(s)" (nor "(e)", "(es)", "(x)") plural or gender shortcuts: the catalogue's plural forms;
* ``parentheses``: no parentheses inside parentheses ("(… (…))", "((").

Placeholders (``%(name)s``, ``{name}``), HTML tags, URLs, e-mail addresses and paths are masked before
the rules run, so "https://" or ``%(count)s`` never count as text.  Pure Python.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

NBSP = "\u00a0"
NNBSP = "\u202f"
NO_BREAK = NBSP + NNBSP

#: Spans that are not prose: placeholders, tags, URLs, e-mail addresses, paths and ``{{ … }}``.
PROTECTED = re.compile(
    r"%\(\w+\)[sdfr]|\{\{.*?\}\}|\{\w+(?::[\w.]+)?\}|<[^<>]+>|\bAuthorization: Bearer\b"
    r"|\b(?:https?|mailto|ftp|tel):[^\s<>\"'»«]*[^\s<>\"'»«.,;:)]"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w)])/[a-z0-9_<>{}.-]+(?:/[a-z0-9_<>{}.?=&-]*)+"
)
#: Masked spans become one private-use character each (so the text around them keeps its shape).
_SENTINEL_BASE = 0xE000
_WORD = r"[^\W_]"  # a letter or a digit

# French rules.
_FR_COLON = re.compile(rf"(?<![{NO_BREAK}:]):(?!:)")
_FR_PERCENT = re.compile(rf"(\d|[\ue000-\uf8ff])([ {NBSP}]?)%(?![(%\w])")
_FR_TIGHT = re.compile(rf"[ {NO_BREAK}]+[;!?]")
_FR_OPEN = re.compile(rf"«(?![{NO_BREAK}])")
_FR_CLOSE = re.compile(rf"(?<![{NO_BREAK}])»")
_FR_DECIMAL = re.compile(r"\d\.\d+\s?%")
# Groups separated by an ordinary or a wide no-break space (U+202F is the right one).
_FR_GROUPS = re.compile(rf"(?<![\d,.]){_WORD}?\d{{1,3}}(?:[ {NBSP}]\d{{3}})+(?![\d,])")
_LONG = re.compile(r"(?<![\w.,/\-#:=&\ue000-\uf8ff])\d{5,}(?![\w\-/:=\ue000-\uf8ff]|[.,]\d)")

# English rules.
_EN_PERCENT = re.compile(rf"(?:\d|[\ue000-\uf8ff])[ {NO_BREAK}]%(?![(\w])")
_EN_FOUR = re.compile(r"(?<![\w.,/\-#:=&\ue000-\uf8ff])\d{4}(?![\w\-/:=\ue000-\uf8ff]|[.,]\d)")
_EN_SPACED = re.compile(rf"(?<![\d,.])\d{{1,3}}(?:[ {NO_BREAK}]\d{{3}})+(?![\d,])")

# Both.
_PLURAL = re.compile(r"\w\((?:s|e|es|x|le|ne|ice)\)", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    """One breach of a rule: the rule's id, the text around it, and where the text comes from."""

    rule: str
    excerpt: str
    where: str = ""

    def __str__(self) -> str:
        return f"{self.where}: [{self.rule}] {self.excerpt!r}" if self.where else f"[{self.rule}] {self.excerpt!r}"


def mask(text: str) -> tuple[str, list[str]]:
    """``text`` with every protected span replaced by one private-use character, and the spans."""
    spans: list[str] = []

    def keep(match: re.Match[str]) -> str:
        spans.append(match.group(0))
        return chr(_SENTINEL_BASE + len(spans) - 1)

    return PROTECTED.sub(keep, text), spans


def unmask(text: str, spans: list[str]) -> str:
    """The text with the protected spans put back."""
    return re.sub(r"[\ue000-\uf8ff]", lambda match: spans[ord(match.group(0)) - _SENTINEL_BASE], text)


def _excerpt(text: str, start: int, end: int, spans: list[str]) -> str:
    return unmask(text[max(0, start - 25) : end + 25], spans).strip()


def _found(rule: str, pattern: re.Pattern[str], text: str, spans: list[str]) -> list[Problem]:
    return [Problem(rule, _excerpt(text, m.start(), m.end(), spans)) for m in pattern.finditer(text)]


def _colon(text: str, spans: list[str]) -> list[Problem]:
    problems = []
    for match in _FR_COLON.finditer(text):
        before, after = text[match.start() - 1 : match.start()], text[match.end() : match.end() + 1]
        if match.start() == 0 or (before.isdigit() and after.isdigit()):  # a time or a ratio (10:30)
            continue
        problems.append(Problem("fr.colon", _excerpt(text, match.start(), match.end(), spans)))
    return problems


def _percent_fr(text: str, spans: list[str]) -> list[Problem]:
    return [
        Problem("fr.percent", _excerpt(text, m.start(), m.end(), spans))
        for m in _FR_PERCENT.finditer(text.replace("%%", "%"))
        if m.group(1).isdigit() or m.group(2)
    ]


def _long_numbers(rule: str, text: str, spans: list[str]) -> list[Problem]:
    return _found(rule, _LONG, text, spans)


def _four_digits(text: str, spans: list[str]) -> list[Problem]:
    return [
        Problem("en.thousands", _excerpt(text, m.start(), m.end(), spans))
        for m in _EN_FOUR.finditer(text)
        if not 1900 <= int(m.group(0)) <= 2099
    ]


def _apostrophe(text: str, spans: list[str]) -> list[Problem]:
    return [Problem("fr.apostrophe", _excerpt(text, i, i + 1, spans)) for i, char in enumerate(text) if char == "'"]


def _parentheses(text: str, spans: list[str]) -> list[Problem]:
    depth, problems = 0, []
    for index, char in enumerate(text):
        if char == "\n" and text[index + 1 : index + 2] == "\n":  # a new paragraph closes what a lost line left open
            depth = 0
        elif char == "(":
            depth += 1
            if depth == 2:
                problems.append(Problem("parentheses", _excerpt(text, index, index + 1, spans)))
        elif char == ")":
            depth = max(0, depth - 1)
    return problems


def check_fr(text: str) -> list[Problem]:
    """Every breach of a French rule in ``text``."""
    masked, spans = mask(text)
    return [
        *_colon(masked, spans),
        *_percent_fr(masked, spans),
        *_found("fr.tight", _FR_TIGHT, masked, spans),
        *_found("fr.guillemets", _FR_OPEN, masked, spans),
        *_found("fr.guillemets", _FR_CLOSE, masked, spans),
        *_apostrophe(masked, spans),
        *_found("fr.decimal", _FR_DECIMAL, masked, spans),
        *_found("fr.thousands", _FR_GROUPS, masked, spans),
        *_long_numbers("fr.thousands", masked, spans),
        *_found("plural", _PLURAL, masked, spans),
        *_parentheses(masked, spans),
    ]


def check_en(text: str) -> list[Problem]:
    """Every breach of an English rule in ``text``."""
    masked, spans = mask(text)
    return [
        *_found("en.percent", _EN_PERCENT, masked, spans),
        *_found("en.thousands", _EN_SPACED, masked, spans),
        *_long_numbers("en.thousands", masked, spans),
        *_four_digits(masked, spans),
        *_found("plural", _PLURAL, masked, spans),
        *_parentheses(masked, spans),
    ]


def check(text: str, lang: str) -> list[Problem]:
    """The breaches of ``lang``'s rules (``"en"`` or ``"fr"``)."""
    return check_fr(text) if lang == "fr" else check_en(text)


# --------------------------------------------------------------------------- fixes


def _on_prose(text: str, fixes: Iterable[Callable[[str], str]]) -> str:
    masked, spans = mask(text)
    for fix in fixes:
        masked = fix(masked)
    return unmask(masked, spans)


def _fix_colon(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        before, after = match.group(1), text[match.end() : match.end() + 1]
        if before.isdigit() and after.isdigit():
            return match.group(0)
        return f"{before}{NBSP}:"

    return re.sub(rf"([^\s{NO_BREAK}:])[ ]?:(?!:)", repl, text)


def _fix_apostrophe(text: str) -> str:
    return re.sub(r"(?<=\w)'(?=[\w\ue000-\uf8ff])", "\u2019", text)


FR_FIXES: tuple[Callable[[str], str], ...] = (
    _fix_colon,
    lambda t: re.sub(rf"(\d|[\ue000-\uf8ff])[ {NBSP}]?(%%?)(?![(\w])", rf"\1{NNBSP}\2", t),
    lambda t: re.sub(rf"[ {NO_BREAK}]+([;!?])", r"\1", t),
    lambda t: re.sub(rf"«[ {NO_BREAK}]*", f"«{NBSP}", t),
    lambda t: re.sub(rf"[ {NO_BREAK}]*»", f"{NBSP}»", t),
    _fix_apostrophe,
    lambda t: re.sub(rf"(?<![\d,.])(\d{{1,3}})[ {NBSP}](?=\d{{3}}(?![\d,]))", rf"\1{NNBSP}", t),
)

EN_FIXES: tuple[Callable[[str], str], ...] = (
    lambda t: re.sub(rf"(\d|[\ue000-\uf8ff])[ {NO_BREAK}](%%?)(?![(\w])", r"\1\2", t),
)


def fix(text: str, lang: str) -> str:
    """``text`` with the mechanical fixes of ``lang`` applied (the rest needs a person)."""
    return _on_prose(text, FR_FIXES if lang == "fr" else EN_FIXES)
