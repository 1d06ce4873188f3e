"""The served OpenAPI document says what the API answers (found by an outside check working
from the docs alone): every refusal's body as it is sent ({detail, code, errors}: the document
said FastAPI's {detail: [{loc, msg, type}]}, so a generated client failed to read every 422),
and how to authenticate (no security scheme was declared, so the docs had no Authorize button
and no operation said it needs a bearer token)."""

REFUSALS = ("401", "403", "404", "410", "422")


async def test_every_refusal_is_documented_as_it_is_sent(system):
    async with system.http() as http:
        spec = (await http.get("/api/openapi.json")).json()
        unauthenticated = await http.get("/api/v1/me")
        missing = await http.post("/api/v1/auth/token", json={"password": "x"})
    schemas = spec["components"]["schemas"]
    assert "HTTPValidationError" not in schemas  # FastAPI's shape, which no answer has
    error = schemas["Error"]
    assert error["required"] == ["detail", "code", "errors"]
    types = {"string": str, "object": dict}
    for answer in (unauthenticated, missing):
        body = answer.json()
        assert set(body) == set(error["properties"]), body
        for name, value in body.items():
            assert isinstance(value, types[error["properties"][name]["type"]]), (name, value)
    assert missing.json()["errors"] == {"email": "This field is required."}
    me = spec["paths"]["/api/v1/me"]["get"]
    for status in ("401", "403"):
        assert me["responses"][status]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"}, status
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if status in REFUSALS:
                    assert response["content"]["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/Error"}, (method, path, status)
            if "_id}" in path and path.startswith("/api/"):
                assert "404" in operation["responses"], (method, path)


async def test_the_docs_say_which_operations_need_a_bearer_token(system):
    async with system.http() as http:
        spec = (await http.get("/api/openapi.json")).json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes == {"bearer": {"type": "http", "scheme": "bearer", "description": schemes[
        "bearer"]["description"]}}
    paths = spec["paths"]
    assert paths["/api/v1/me"]["get"]["security"] == [{"bearer": []}]
    assert paths["/api/v1/review/queue"]["get"]["security"] == [{"bearer": []}]
    for public in (paths["/api/v1/auth/token"]["post"], paths["/api/v1/registrations"]["post"],
                   paths["/api/v1/signing/{token}"]["get"]):
        assert "security" not in public and "401" not in public["responses"]


async def test_every_answer_documents_its_shape(system):
    """An answer documented as "any JSON" tells a client generated from the document nothing
    (the help desk's assign, request-info, resolve and reopen; the templates, documented as
    JSON though they are spreadsheets; the registry's FHIR bundle)."""
    async with system.http() as http:
        spec = (await http.get("/api/openapi.json")).json()
    untyped = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                for kind, content in response.get("content", {}).items():
                    schema = content.get("schema") or {}
                    if status.startswith("2") and path.startswith("/api/") and (
                            not schema or schema.get("type") == "object" and not {
                                "properties", "additionalProperties"} & schema.keys()):
                        untyped.append((method, path, status, kind))
    assert not untyped, untyped
    resolve = spec["paths"]["/api/v1/helpdesk/cases/{case_id}/resolve"]["post"]
    assert resolve["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CaseStatusOut"}
    template = spec["paths"]["/api/v1/recipients/template.xlsx"]["get"]["responses"]["200"]
    assert list(template["content"]) == [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]
