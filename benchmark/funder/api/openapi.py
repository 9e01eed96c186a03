"""The OpenAPI 3.1 document of /api/v1 (a test validates every live response against it)."""

from __future__ import annotations

from typing import Any

from benchmark.core import item_types
from benchmark.funder.sector import services as sector
from benchmark.store import api_tokens as tokens
from benchmark.store.content import content

NULLABLE_INT = {"type": ["integer", "null"]}
NULLABLE_NUMBER = {"type": ["number", "null"]}
LANG = {
    "name": "lang",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "enum": ["en", "fr"], "default": "en"},
}


def component_parameter() -> dict[str, Any]:
    """``?component=``: a dimension of the rubric."""
    dimensions = list(content().rubric.dimension_ids())
    schema = {"type": "string", "enum": dimensions, "default": dimensions[0]}
    return {"name": "component", "in": "query", "required": False, "schema": schema}


def by_parameter() -> dict[str, Any]:
    """``?by=``: a breakdown of the questionnaire (``fact: {breakdown: …}``)."""
    schema = {"type": "string", "enum": list(sector.breakdowns()), "default": sector.default_breakdown()}
    return {"name": "by", "in": "query", "required": False, "schema": schema}


def version_parameter() -> dict[str, Any]:
    """``?version=``: a recorded questionnaire version (questionnaire_versions.yaml); the current one by default."""
    versions = content().versions
    schema = {"type": "string", "enum": versions.ids(), "default": versions.current.id}
    return {"name": "version", "in": "query", "required": False, "schema": schema}


ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        }
    },
}

TABLE = {
    "type": "object",
    "required": ["id", "title", "rows", "columns", "cells"],
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "rows": {"type": "array", "items": {"type": "string"}},
        "columns": {"type": "array", "items": {"type": "string"}},
        "cells": {"type": "array", "items": {"type": "array", "items": NULLABLE_INT}},
        "column_totals": {"type": ["array", "null"], "items": NULLABLE_INT},
        "row_totals": {"type": ["array", "null"], "items": NULLABLE_INT},
        "grand_total": NULLABLE_INT,
    },
    "description": "Counts of organizations; null = hidden (fewer than k, or complementary suppression).",
}

ITEM_2017 = {
    "type": "object",
    "required": ["item", "option", "today_pct", "today_n", "pct_2017", "n_2017", "status_2017"],
    "properties": {
        "item": {"type": "string"},
        "option": {"type": "string"},
        "question_2017": {"type": "string"},
        "question": {"type": "string"},
        "option_label": {"type": "string"},
        "today_pct": NULLABLE_NUMBER,
        "today_n": NULLABLE_INT,
        "pct_2017": {"type": "number"},
        "n_2017": NULLABLE_INT,
        "status_2017": {"type": "string", "enum": ["stated", "reading"]},
        "formatted_2017": {"type": "string"},
    },
}

AGGREGATES = {
    "type": "object",
    "required": ["questionnaire_version", "rubric_version", "k", "tables"],
    "properties": {
        "questionnaire_version": {"type": "string"},
        "rubric_version": {"type": "string"},
        "k": {"type": "integer", "minimum": 1},
        "release_id": {
            "type": ["integer", "null"],
            "description": "The release of the counts these figures come from (null before the first release).",
        },
        "released_at": {
            "type": ["string", "null"],
            "format": "date-time",
            "description": "When that release was cut (UTC): figures change only when a new release is cut.",
        },
        "language": {"type": "string", "enum": ["en", "fr"]},
        "tables": {"type": "array", "items": {"$ref": "#/components/schemas/Table"}},
        "items_2017": {"type": "array", "items": {"$ref": "#/components/schemas/Item2017"}},
    },
}

FIGURE = {
    "type": "object",
    "required": ["item", "option", "pct", "n", "status", "source"],
    "properties": {
        "item": {"type": "string"},
        "option": {"type": "string"},
        "pct": {"type": "number", "minimum": 0, "maximum": 100},
        "n": NULLABLE_INT,
        "status": {"type": "string"},
        "source": {"type": "string"},
    },
}


TOKEN_DESCRIPTION = (
    "An API token created by an administrator (or `flask api-tokens create`), sent as "
    "`Authorization: Bearer sdcb_…`. A token grants scopes (the scope each endpoint needs is listed in its "
    f"security requirement: {', '.join(tokens.SCOPES)}) and expires (by default {tokens.DEFAULT_DAYS} days "
    f"after its creation, at most {tokens.MAX_DAYS}). It is refused once revoked, once expired, and once the "
    "account of the administrator who created it is deactivated; a token created on the command line has no "
    "creator and stays valid until it expires or is revoked."
)


def _ok(schema_ref: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": schema_ref}}}}


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(s): _ok("#/components/schemas/Error", "An error with a stable code") for s in statuses}


TOKEN_ERRORS = {
    "401": _ok(
        "#/components/schemas/Error",
        "No valid token: `invalid_token` (missing, malformed, unknown, revoked, or its creator's account "
        "deactivated) or `token_expired`",
    ),
    "403": _ok("#/components/schemas/Error", "`insufficient_scope`: the token does not grant this endpoint's scope"),
}


def openapi_document() -> dict[str, Any]:
    """Return the OpenAPI 3.1 document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Settlement Digital Capacity Benchmark API",
            "version": "1.0.0",
            "description": (
                "Questionnaire, baselines with provenance, and aggregates protected by small-cell and "
                "complementary suppression. / Questionnaire, données de référence avec leur provenance et "
                "agrégats protégés par la suppression des petites cellules et la suppression complémentaire."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": TOKEN_DESCRIPTION,
                }
            },
            "schemas": {
                "Error": ERROR,
                "Table": TABLE,
                "Item2017": ITEM_2017,
                "Aggregates": AGGREGATES,
                "Figure": FIGURE,
                "Index": {
                    "type": "object",
                    "required": ["version", "endpoints"],
                    "properties": {
                        "version": {"type": "string"},
                        "openapi": {"type": "string"},
                        "endpoints": {"type": "array", "items": {"type": "string"}},
                    },
                },
                "Questionnaire": {
                    "type": "object",
                    "required": ["version", "fingerprint", "versions", "items"],
                    "properties": {
                        "version": {"type": "string"},
                        "fingerprint": {"type": "string", "pattern": "^[0-9a-f]{16}$"},
                        "versions": {"type": "array", "items": {"type": "string"}},
                        "current_version": {"type": "string"},
                        "note": {"type": "string"},
                        "rubric_version": {"type": "string"},
                        "language": {"type": "string"},
                        "items": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["id", "type", "options"],
                                "properties": {
                                    "id": {"type": "string"},
                                    "id_2017": {"type": ["string", "null"]},
                                    "current_id": {"type": ["string", "null"]},
                                    "type": {"type": "string", "enum": sorted(item_types.names())},
                                    "tier": {"type": "string"},
                                    "section": {"type": "string"},
                                    "text": {"type": "string"},
                                    "text_status_fr": {"type": "string"},
                                    "n_2017": NULLABLE_INT,
                                    "required": {"type": "boolean"},
                                    "option_list_status": {"type": ["string", "null"]},
                                    "options": {"type": "array", "items": {"type": "object"}},
                                    "rows": {"type": "array", "items": {"type": ["object", "string"]}},
                                },
                            },
                        },
                    },
                },
                "BaselineList": {
                    "type": "object",
                    "required": ["baselines"],
                    "properties": {
                        "baselines": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["name", "kind"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "kind": {"type": "string"},
                                    "year": NULLABLE_INT,
                                    "source": {"type": "string"},
                                    "figures": {"type": "integer"},
                                },
                            },
                        }
                    },
                },
                "Baseline": {
                    "type": "object",
                    "required": ["name", "kind", "figures"],
                    "properties": {
                        "name": {"type": "string"},
                        "kind": {"type": "string"},
                        "figures": {"type": "array", "items": {"$ref": "#/components/schemas/Figure"}},
                        "aggregates": {"type": "array", "items": {"type": "object"}},
                    },
                },
            },
        },
        "paths": {
            "/": {
                "get": {
                    "summary": "Index",
                    "operationId": "index",
                    "responses": {"200": _ok("#/components/schemas/Index", "Links"), **_errors(400, 429)},
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "operationId": "openapi",
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        **_errors(400, 429),
                    },
                }
            },
            "/questionnaire": {
                "get": {
                    "summary": "The questionnaire",
                    "operationId": "questionnaire",
                    "parameters": [LANG, version_parameter()],
                    "responses": {
                        "200": _ok("#/components/schemas/Questionnaire", "The questionnaire"),
                        **_errors(400, 429),
                    },
                }
            },
            "/baselines": {
                "get": {
                    "summary": "Available baselines",
                    "operationId": "baselines",
                    "responses": {"200": _ok("#/components/schemas/BaselineList", "Baselines"), **_errors(400, 429)},
                }
            },
            "/baselines/{name}": {
                "get": {
                    "summary": "One baseline's figures with provenance",
                    "operationId": "baseline",
                    "parameters": [
                        {"name": "name", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 100}}
                    ],
                    "responses": {"200": _ok("#/components/schemas/Baseline", "Figures"), **_errors(400, 404, 429)},
                }
            },
            "/aggregates": {
                "get": {
                    "summary": "Suppressed aggregates",
                    "operationId": "aggregates",
                    "parameters": [LANG, component_parameter(), by_parameter()],
                    "responses": {"200": _ok("#/components/schemas/Aggregates", "Aggregates"), **_errors(400, 429)},
                }
            },
            "/uptake": {
                "get": {
                    "summary": "Uptake by month and group (token)",
                    "operationId": "uptake",
                    "security": [{"bearer": [tokens.UPTAKE]}],
                    "parameters": [LANG, by_parameter()],
                    "responses": {
                        "200": _ok("#/components/schemas/Aggregates", "Uptake tables"),
                        **_errors(400, 429),
                        **TOKEN_ERRORS,
                    },
                }
            },
        },
    }
