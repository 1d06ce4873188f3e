"""Section B's steps from the API documentation alone (found by an outside check): the body of
`PUT /api/v1/locations/{id}/section-b/{step}` was documented as "an object", so a client could
not know one field of the five steps (the slot names, the provider types, the settings, the
populations), nor a storage unit's types. The document now gives each step's fields, with
their values, and the unit types."""

from tests.support.enrollment import STEP_BODIES

STEP = "/api/v1/locations/{location_id}/section-b/{step}"
UNITS = "/api/v1/locations/{location_id}/storage-units"


async def test_each_step_body_is_documented_with_its_fields(system):
    async with system.http() as http:
        spec = (await http.get("/api/openapi.json")).json()
    operation = spec["paths"][STEP]["put"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    by_step = {option["x-step"]: option for option in schema["oneOf"]}
    steps = next(p for p in operation["parameters"] if p["name"] == "step")
    step_names = spec["components"]["schemas"][steps["schema"]["$ref"].rsplit("/", 1)[1]]
    assert set(by_step) == set(step_names["enum"]) == set(STEP_BODIES)
    for step, body in STEP_BODIES.items():  # the bodies the suite sends, which the API takes
        documented = by_step[step]
        assert set(body) <= set(documented["properties"]), (step, set(body) - set(
            documented["properties"]))
        assert set(documented.get("required", [])) <= set(body), step
        assert f"`{step}`" in operation["description"]
    provider = by_step["provider"]["properties"]
    assert "medical_practice" in provider["provider_type"]["enum"]
    assert "outpatient" in provider["settings"]["items"]["enum"]
    assert "mon_am_from" in by_step["availability"]["properties"]


async def test_a_storage_units_types_are_documented(system):
    async with system.http() as http:
        spec = (await http.get("/api/openapi.json")).json()
    body = spec["paths"][UNITS]["post"]["requestBody"]["content"]["multipart/form-data"]
    name = body["schema"]["$ref"].rsplit("/", 1)[1]
    unit_type = spec["components"]["schemas"][name]["properties"]["unit_type"]
    assert unit_type.get("enum") == ["refrigerator", "freezer", "ultra_cold_freezer",
                                     "refrigerator_freezer"], unit_type
