"""The API's human documentation page (``/<lang_code>/api``), built from the live OpenAPI document."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import current_app, render_template

from benchmark.funder.api import docs_bp
from benchmark.funder.api.openapi import openapi_document
from benchmark.store import api_tokens as tokens

#: The example of a path parameter (``/baselines/{name}``): the default baseline.
PATH_EXAMPLES = {"name": "published-2017"}


def routes(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Each route of the document: its parameters (where, required, allowed values, default) and an example URL.

    The example sets every query parameter to a value the document allows (the second one listed when
    there are several, so that it differs from the default) and every path parameter to a real name.
    """
    result = []
    for path, operations in document["paths"].items():
        operation = operations["get"]
        parameters, query, url = [], {}, path
        for parameter in operation.get("parameters", []):
            schema = parameter.get("schema", {})
            values = [str(v) for v in schema.get("enum", [])]
            parameters.append(
                {
                    "name": parameter["name"],
                    "in": parameter["in"],
                    "required": bool(parameter.get("required")),
                    "values": values,
                    "default": schema.get("default"),
                    "type": schema.get("type", "string"),
                }
            )
            if parameter["in"] == "path":
                url = url.replace("{" + parameter["name"] + "}", PATH_EXAMPLES.get(parameter["name"], "x"))
            elif values:
                query[parameter["name"]] = values[1] if len(values) > 1 else values[0]
        example = f"/api/v1{url}" + (f"?{urlencode(query)}" if query else "")
        result.append(
            {
                "path": path,
                "summary": operation.get("summary", ""),
                "token": bool(operation.get("security")),
                "parameters": parameters,
                "example": example,
            }
        )
    return result


@docs_bp.route("/api")
def page() -> str:
    """Document the JSON API (routes, parameters and an example of each, from the live OpenAPI document)."""
    document = openapi_document()
    return render_template(
        "pages/api.html",
        document=document,
        routes=routes(document),
        k=current_app.config["SECTOR_MIN_CELL"],
        default_days=tokens.DEFAULT_DAYS,
    )
