"""Fields that take only some values or one format, from the API documentation alone (found by
an outside check): an organization's industry was "a string" in the document, and "Other" was
refused as "Choose an industry from the list." with no list anywhere an API client could read;
a state, a ZIP code, a phone number, a recipient's industry and language were "a string" too,
and "North Carolina" was refused where "NC" was wanted. The document now says each."""

from tests.support.recipients import location_manager, manager_api, tag


def schemas(spec: dict) -> dict:
    return spec["components"]["schemas"]


async def test_an_organizations_industry_is_one_of_the_documented_values(system):
    async with system.http() as http:
        spec = (await http.get("/api/openapi.json")).json()
    industry = schemas(spec)["EmployerIn"]["properties"]["industry"]
    assert "Other (including not employed)" in industry["enum"], industry
    api = await manager_api(system, await location_manager(system))
    for value in (industry["enum"][0], industry["enum"][-1]):
        created = await api.post("/api/v1/employers", json={
            "name": f"Documented {tag()}", "industry": value, "street": "12 Mill Rd",
            "city": "Durham", "state": "NC", "zip_code": "27701"})
        assert created.status_code == 201, created.text
    # a recipient's industry takes keys (health_care) or names; an organization's takes both
    # now, in any case, and keeps the name (found by the same check: "Other" was refused)
    for typed, kept in (("health_care", "Health care"), ("Other", industry["enum"][-1]),
                        (f"  {industry['enum'][0].upper()} ", industry["enum"][0])):
        created = await api.post("/api/v1/employers", json={
            "name": f"Keyed {tag()}", "industry": typed, "street": "12 Mill Rd",
            "city": "Durham", "state": "NC", "zip_code": "27701"})
        assert created.status_code == 201 and created.json()["industry"] == kept, created.text


async def test_formats_are_said_where_a_plain_string_would_not_do(system):
    async with system.http() as http:
        spec = (await http.get("/api/openapi.json")).json()
    organization = schemas(spec)["OrganizationDetailsIn"]["properties"]
    assert "two-letter" in organization["state"]["description"]
    assert "27601" in organization["zip_code"]["description"]
    assert "10-digit" in organization["phone"]["description"]
    walk_in = schemas(spec)["WalkInIn"]["properties"]
    assert "health_care" in walk_in["industry"]["description"]
    assert "es" in walk_in["language"]["description"]
    assert "North Carolina" in schemas(spec)["EmployerIn"]["properties"]["state"]["description"]
