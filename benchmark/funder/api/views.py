"""The JSON API, version 1. Public: questionnaire, baselines, suppressed aggregates. Token (scope uptake): uptake."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from flask import Response, jsonify, request
from flask_babel import force_locale

from benchmark.core.questionnaire.versions import ids_of
from benchmark.extensions import db
from benchmark.funder.api import bp
from benchmark.funder.api.openapi import openapi_document
from benchmark.funder.sector import services as sector
from benchmark.funder.sector.tables import aggregates_json
from benchmark.store import api_tokens as tokens
from benchmark.store.content import content
from benchmark.store.models import ImportedBaseline
from benchmark.store.scores import dimensions
from benchmark.web.errors import api_error
from benchmark.web.limits import limiter

LANGS = ("en", "fr")
PUBLISHED_2017 = "published-2017"
API_LIMIT = "120 per minute"

limiter.limit(API_LIMIT)(bp)


def _error(status: int, code: str, message: str) -> Response:
    """:func:`benchmark.web.errors.api_error`, typed."""
    response: Response = api_error(status, code, message)
    return response


def one_of(names: Iterable[str]) -> str:
    """``a, b or c``."""
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def query(*allowed: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Refuse unknown query parameters and a language outside en/fr, with a stable error code."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            unknown = sorted(set(request.args) - set(allowed))
            if unknown:
                return _error(400, "unknown_parameter", f"unknown query parameter: {unknown[0][:40]}")
            if "lang" in allowed and request.args.get("lang", "en") not in LANGS:
                return _error(400, "invalid_parameter", "lang must be en or fr")
            return view(*args, **kwargs)

        return checked

    return decorate


REFUSALS = {
    tokens.INVALID: (401, "a valid bearer token is required"),
    tokens.EXPIRED: (401, "this token has expired: ask an administrator for a new one"),
    tokens.INSUFFICIENT_SCOPE: (403, "this token does not grant the scope this endpoint needs"),
}


def token_required(scope: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Require ``Authorization: Bearer <token>`` with a token that is valid and grants ``scope``.

    401 ``invalid_token`` (none, unknown, revoked, or its creator's account deactivated) or
    ``token_expired``; 403 ``insufficient_scope``.
    """

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            header = request.headers.get("Authorization", "")
            scheme, _, value = header.partition(" ")
            refusal = tokens.INVALID if scheme.lower() != "bearer" else tokens.check(value.strip(), scope)
            if refusal is not None:
                status, message = REFUSALS[refusal]
                response = api_error(status, refusal, message)
                # RFC 6750: no error attribute when no credentials were sent; token_expired is an invalid_token.
                challenge = f'Bearer realm="api", scope="{scope}"'
                if header:
                    error = "insufficient_scope" if status == 403 else "invalid_token"
                    challenge += f', error="{error}"'
                response.headers["WWW-Authenticate"] = challenge
                return response
            return view(*args, **kwargs)

        return checked

    return decorate


@bp.route("/")
@query()
def index() -> Response:
    """Where everything is."""
    return jsonify(
        {
            "version": "v1",
            "openapi": "/api/v1/openapi.json",
            "endpoints": ["/api/v1/questionnaire", "/api/v1/baselines", "/api/v1/aggregates", "/api/v1/uptake"],
        }
    )


@bp.route("/openapi.json")
@query()
def openapi() -> Response:
    """The OpenAPI 3.1 document of this API."""
    return jsonify(openapi_document())


@bp.route("/questionnaire")
@query("lang", "version")
def questionnaire() -> Response:
    """The questionnaire (any recorded ``?version=``) with its items, options, provenance and crosswalk."""
    data = content()
    lang = request.args.get("lang", "en")
    asked = request.args.get("version", data.questionnaire.version)
    version = data.versions.get(asked)
    if version is None:
        return _error(400, "invalid_parameter", f"version must be {one_of(data.versions.ids())}")
    if version.id != data.questionnaire.version:
        return jsonify(earlier_version(version.id, lang))
    items = []
    for item in data.questionnaire.iter_items():
        items.append(
            {
                "id": item.id,
                "id_2017": data.versions.item_2017(item.id),
                "type": item.type,
                "tier": item.tier,
                "section": item.section,
                "text": item.text.get(lang),
                "text_status_fr": item.text_status_fr,
                "n_2017": item.n_2017,
                "required": item.required,
                "option_list_status": item.option_list_status,
                "options": [
                    {"id": o.id, "label": o.label.get(lang), "status": o.status, "exclusive": o.exclusive}
                    for o in item.options
                ],
                "rows": [{"id": r.id, "label": r.label.get(lang), "status": r.status} for r in item.rows],
            }
        )
    return jsonify(
        {
            "version": version.id,
            "fingerprint": version.fingerprint,
            "versions": data.versions.ids(),
            "rubric_version": data.rubric.version,
            "language": lang,
            "items": items,
        }
    )


def earlier_version(version_id: str, lang: str) -> dict[str, Any]:
    """An earlier version: its recorded structure, and where the crosswalk takes each item and option now."""
    data = content()
    versions, now = data.versions, data.questionnaire.version
    version = versions.get(version_id)
    assert version is not None
    items = []
    for item_id, entry in version.structure.items():
        current = versions.map_item(version_id, now, item_id)
        options = ids_of(entry, "options")
        items.append(
            {
                "id": item_id,
                "type": entry["type"],
                "current_id": current,
                "options": [
                    {"id": o, "current": list(versions.map_option(version_id, now, item_id, o) or []) or None}
                    for o in options
                ],
                "rows": ids_of(entry, "rows"),
            }
        )
    return {
        "version": version.id,
        "fingerprint": version.fingerprint,
        "versions": versions.ids(),
        "current_version": now,
        "language": lang,
        "note": "an earlier version: ids and structure only; current_id and current say where the crosswalk maps them",
        "items": items,
    }


@bp.route("/baselines")
@query()
def baselines() -> Response:
    """The baselines available for comparison, with provenance."""

    published = content().baseline
    listing = [
        {
            "name": PUBLISHED_2017,
            "kind": published.kind,
            "year": published.year,
            "source": published.derived_from,
            "figures": published.numeric_count(),
        }
    ]
    imported = db.session.scalars(db.select(ImportedBaseline).where(ImportedBaseline.published.is_(True)))
    for baseline in imported:
        listing.append(
            {
                "name": f"{baseline.name}@{baseline.version}",
                "kind": baseline.kind,
                "year": baseline.year,
                "source": baseline.source,
                "figures": sum(len(v.get("options", {})) for v in baseline.figures.values()),
            }
        )
    return jsonify({"baselines": listing})


@bp.route("/baselines/<name>")
@query()
def baseline(name: str) -> Response:
    """Every figure of one baseline, with its n, source and status."""
    if name != PUBLISHED_2017:
        return _imported_baseline(name)
    published = content().baseline
    figures = [
        {"item": f.item_id, "option": f.option_id, "pct": f.pct, "n": f.n, "status": f.status, "source": f.source}
        for f in published.all_figures()
    ]
    aggregates = [
        {"item": a.item_id, "id": a.id, "pct": a.pct, "n": a.n, "status": a.status, "source": a.source}
        for item in published.items.values()
        for a in item.aggregates
    ]
    return jsonify({"name": PUBLISHED_2017, "kind": published.kind, "figures": figures, "aggregates": aggregates})


def _imported_baseline(name: str) -> Response:

    base, _, version = name.partition("@")
    # isdecimal, not isdigit ("²" is a digit int() refuses); a version above INTEGER range or a NUL
    # (PostgreSQL text cannot hold one) would fail in the database: none names a baseline.
    if len(name) > 100 or "\x00" in name or not version.isdecimal() or int(version) >= 2**31:
        return _error(404, "unknown_baseline", "no such baseline")
    found = db.session.scalar(
        db.select(ImportedBaseline).where(
            ImportedBaseline.name == base,
            ImportedBaseline.version == int(version),
            ImportedBaseline.published.is_(True),
        )
    )
    if found is None:
        return _error(404, "unknown_baseline", "no such baseline")
    figures = [
        {
            "item": item,
            "option": option,
            "pct": value.get("pct"),
            "n": data.get("n"),
            "status": "imported",
            "source": found.source,
        }
        for item, data in found.figures.items()
        for option, value in data.get("options", {}).items()
    ]
    return jsonify({"name": name, "kind": found.kind, "figures": figures, "aggregates": []})


@bp.route("/aggregates")
@query("lang", "component", "by")
def aggregates() -> Response:
    """Suppressed aggregates: component levels by quarter and by group, and today against 2017."""
    lang = request.args.get("lang", "en")
    component = request.args.get("component", dimensions()[0])
    by = request.args.get("by", sector.default_breakdown())
    if component not in dimensions() or by not in sector.breakdowns():
        return _error(
            400,
            "invalid_parameter",
            f"component must be {one_of(dimensions())}; by must be {one_of(sector.breakdowns())}",
        )

    with force_locale(lang):
        body = aggregates_json(lang, component, by)
    body["tables"] = [t for t in body["tables"] if not t["id"].startswith("uptake")]
    return jsonify(body)


@bp.route("/uptake")
@query("lang", "by")
@token_required(tokens.UPTAKE)
def uptake() -> Response:
    """Uptake by month and by group (a token with the ``uptake`` scope)."""
    lang = request.args.get("lang", "en")
    by = request.args.get("by", sector.default_breakdown())
    if by not in sector.breakdowns():
        return _error(400, "invalid_parameter", f"by must be {one_of(sector.breakdowns())}")

    with force_locale(lang):
        body = aggregates_json(lang, dimensions()[0], by)
    body["tables"] = [t for t in body["tables"] if t["id"].startswith("uptake")]
    body.pop("items_2017", None)
    return jsonify(body)
