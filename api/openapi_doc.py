"""The served OpenAPI document as the API answers: every refusal's body (api/errors.py sends
one shape, not FastAPI's default), and which operations need a bearer token (api/access.py)."""

import re

from fastapi import FastAPI

from api.access import ROUTES, key

ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR = {
    "title": "Error", "type": "object", "required": ["detail", "code", "errors"],
    "description": "The body of every refusal (4xx) and failure (5xx) of the API.",
    "properties": {
        "detail": {"type": "string",
                   "description": "What went wrong and what to do, in words to show a person"},
        "code": {"type": "string", "description": (
            "The kind of answer, for programs: invalid (422), not_authenticated (401), "
            "forbidden and password_change_required (403), not_found (404), conflict (409), "
            "gone (410: a used, replaced or expired link), too_large (413), throttled (429, "
            "with Retry-After), unavailable (503: try again), internal (500)")},
        "errors": {"type": "object", "additionalProperties": {"type": "string"},
                   "description": (
                       "Each field refused, by its name (a body field, or a query or path "
                       "parameter; `body` for the body as a whole), with what to correct; "
                       "empty when no one field is to blame")}}}
BEARER = {"type": "http", "scheme": "bearer", "description": (
    "A token from POST /api/v1/auth/token (or a registration that answers with one), sent as "
    "`Authorization: Bearer <token>`")}
REFUSALS = {
    "401": "Not signed in, or the token expired or was revoked",
    "403": "Not for your role, or your temporary password must be changed first",
    "404": "Not found among the records you can open (another's is answered alike)",
    "410": "The link in the address was used, replaced by a newer one, or expired",
    "422": "Refused: `errors` names each field to correct"}


def _refusal(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}


def _document(path: str, method: str, operation: dict) -> None:
    responses = operation.setdefault("responses", {})
    if "422" in responses:
        responses["422"] = _refusal(REFUSALS["422"])
    if not path.startswith("/api/"):
        return
    access = ROUTES.get(key(method.upper(), path))
    if access is not None and access.roles is not None:
        operation["security"] = [{"bearer": []}]
        responses.setdefault("401", _refusal(REFUSALS["401"]))
        responses.setdefault("403", _refusal(REFUSALS["403"]))
    if re.search(r"\{\w+_id\}", path):
        responses.setdefault("404", _refusal(REFUSALS["404"]))
    if "{token}" in path:
        responses.setdefault("410", _refusal(REFUSALS["410"]))


def install(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        spec = generate()
        for path, item in spec["paths"].items():
            for method, operation in item.items():
                _document(path, method, operation)
        components = spec.setdefault("components", {})
        schemas = components.setdefault("schemas", {})
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        schemas["Error"] = ERROR
        components["securitySchemes"] = {"bearer": BEARER}
        return spec

    app.openapi = openapi  # type: ignore[method-assign]
