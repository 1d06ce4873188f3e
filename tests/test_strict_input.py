"""Strict input (issue 10): a misspelt or unknown field, a wrong type or a wrong shape is a 4xx
that names the field — never a 500, never silently ignored — and nothing is stored."""

from sqlmodel import select

from models.enrollment import Location, Organization, SectionB, StorageUnit
from tests.support.enrollment import (
    ORG_DETAILS,
    STEP_BODIES,
    add_storage_unit,
    location_body,
    photo,
    register_coordinator,
    start_enrollment,
)
from tests.support.web import unique_email


def refused(response, field: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert field in body["errors"], body
    assert field in body["detail"]


async def test_section_a_body_with_a_misspelt_field_is_refused_and_nothing_stored(system):
    enrollment = await start_enrollment(system, ["Strict Clinic"], submit=False)
    admin, org_id = enrollment.admin, enrollment.org_id
    base = f"/api/v1/organizations/{org_id}"

    typo = {**ORG_DETAILS, "legal_name": "Renamed Health", "redistributon_participant": True}
    refused(await admin.put(f"{base}/details", json=typo), "redistributon_participant")
    body = location_body("Typo Clinic", unique_email("coord"))
    refused(await admin.post(f"{base}/locations", json={**body, "zipcode": "27601"}), "zipcode")
    wrong_type = {**ORG_DETAILS, "redistribution_participant": "perhaps"}
    refused(await admin.put(f"{base}/details", json=wrong_type), "redistribution_participant")
    refused(await admin.post("/api/v1/organizations", json={**ORG_DETAILS, "extra": 1}), "extra")

    async with system.sessions() as session:
        org = await session.get(Organization, org_id)
        assert org.legal_name == ORG_DETAILS["legal_name"] and not org.redistribution_participant
        names = (await session.exec(select(Location.name).where(
            Location.organization_id == org_id))).all()
        assert names == ["Strict Clinic"]


async def test_section_b_body_with_a_misspelt_field_is_refused_and_nothing_stored(system):
    enrollment = await start_enrollment(system, ["Strict B Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await register_coordinator(system, email)
    base = f"/api/v1/locations/{location_id}"

    misspelt = {**STEP_BODIES["provider"], "patients_per_weak": 300}
    refused(await coordinator.put(f"{base}/section-b/provider", json=misspelt),
            "patients_per_weak")
    wrong = {**STEP_BODIES["provider"], "age_0_18": "a hundred"}
    refused(await coordinator.put(f"{base}/section-b/provider", json=wrong), "age_0_18")
    not_an_object = await coordinator.put(f"{base}/section-b/provider", json=[1, 2])
    assert not_an_object.status_code == 422 and not_an_object.json()["errors"]
    provider = {"first_name": "Pat", "last_name": "Provider", "license_type": "MD",
                "license_number": "MD-1", "licence_number": "MD-1"}
    refused(await coordinator.post(f"{base}/providers", json=provider), "licence_number")

    extra = await coordinator.post(
        f"{base}/storage-units", data={"brand": "Helmer", "model": "HPR105",
                                       "unit_type": "refrigerator", "colour": "white"},
        files={"inside_photo": ("in.jpg", photo(), "image/jpeg"),
               "outside_photo": ("out.jpg", photo("white"), "image/jpeg")})
    refused(extra, "colour")
    assert (await add_storage_unit(coordinator, location_id, photo(), photo("white"))
            ).status_code == 201, "the same unit without the unknown field is accepted"

    async with system.sessions() as session:
        section_b = (await session.exec(select(SectionB).where(
            SectionB.location_id == location_id))).first()
        assert section_b is None or "provider" not in section_b.steps
        units = (await session.exec(select(StorageUnit).where(
            StorageUnit.location_id == location_id))).all()
        assert len(units) == 1


async def test_unknown_and_oversize_fields_name_the_problem(system):
    """(Bodies over the size limit: tests/test_bounded_requests.py.)"""
    async with system.http() as http:
        login = await http.post("/api/v1/auth/token", json={
            "email": "x@example.org", "password": "whatever", "remember": True})
        refused(login, "remember")
        long = await http.post("/api/v1/auth/token", json={
            "email": "x@example.org", "password": "p" * 5000})
        refused(long, "password")


async def test_a_body_that_is_not_a_json_object_is_named_as_the_body(system):
    """Broken JSON, JSON sent as text, a list, no body: the answer says what is wrong with the
    body (a character position is not a field), and nothing is stored."""
    url = "/api/v1/helpdesk/questions"
    sent = {"json": "application/json", "text": "text/plain"}
    async with system.http() as http:
        broken = await http.post(url, content=b'{"name": "Ann",', headers={
            "content-type": sent["json"]})
        as_text = await http.post(url, content=b'{"name": "Ann"}', headers={
            "content-type": sent["text"]})
        a_list = await http.post(url, json=["Ann"])
        empty = await http.post(url, content=b"", headers={"content-type": sent["json"]})
    assert broken.status_code == 400, broken.text
    assert broken.json()["detail"].startswith("The body is not valid JSON (at character 15)")
    assert list(broken.json()["errors"]) == ["body"]
    for response in (as_text, a_list):
        assert response.status_code == 422, response.text
        assert response.json()["errors"] == {"body": "Send the fields as a JSON object "
                                                     "(Content-Type: application/json)."}
    assert empty.status_code == 422 and "has no body" in empty.json()["detail"], empty.text


async def test_json_true_for_a_number_and_a_time_on_a_day_are_refused_on_the_field(system):
    """Pydantic's lax mode took `"doses": true` for 1 dose and `"2027-03-01T00:00:00"` for a
    day (its time dropped): an API client's mistake stored as something it did not mean."""
    from tests.support.inventory import enrolled_sites, key, on_hand, product_id
    from tests.support.review import reviewer

    site = await enrolled_sites(system, ["Typed Clinic"], redistribution=False,
                                state=await reviewer(system))
    location_id, staff = site.ids[0], site.staff[site.ids[0]]
    url = f"/api/v1/locations/{location_id}/inventory/receipts"
    body = {"product_id": await product_id(system, "208"), "lot_number": "TYPED-1",
            "doses": 10, "request_key": key(), "expiration_date": "2027-03-01"}
    as_true = await staff.post(url, json={**body, "doses": True})
    refused(as_true, "doses")
    assert "not true or false" in as_true.json()["errors"]["doses"]
    with_time = await staff.post(url, json={**body, "expiration_date": "2027-03-01T00:00:00"})
    refused(with_time, "expiration_date")
    assert "without a time" in with_time.json()["errors"]["expiration_date"]
    assert (await staff.post(url, json=body)).status_code == 201, "the same body, typed right"
    assert await on_hand(staff, location_id, "TYPED-1") == 10

    enrollment = await start_enrollment(system, ["Typed B Clinic"])
    (email, location_b), = enrollment.locations.items()
    coordinator = await register_coordinator(system, email)
    as_false = {**STEP_BODIES["provider"], "age_0_18": False}
    refused(await coordinator.put(f"/api/v1/locations/{location_b}/section-b/provider",
                                  json=as_false), "age_0_18")


async def test_a_value_of_the_wrong_json_type_is_named_in_plain_words(system):
    """Found by the outside check: a list, an object or a number sent where text, a number, a
    yes/no or a day belongs was answered in the validator's words ("Input should be a valid
    string", "dates before 0000 are not supported as unix timestamps")."""
    enrollment = await start_enrollment(system, ["Typed Wrong Clinic"])
    admin, org_id = enrollment.admin, enrollment.org_id
    answer = await admin.put(f"/api/v1/organizations/{org_id}/details", json={
        **ORG_DETAILS, "legal_name": ["Typed Health"], "city": {"name": "Raleigh"},
        "redistribution_participant": [True]})
    refused(answer, "legal_name")
    errors = answer.json()["errors"]
    assert errors["legal_name"] == errors["city"] == "Send this as text.", errors
    assert errors["redistribution_participant"] == "Choose yes or no.", errors
    (email, location_id), = enrollment.locations.items()
    coordinator = await register_coordinator(system, email)
    answer = await coordinator.put(f"/api/v1/locations/{location_id}/section-b/provider", json={
        **STEP_BODIES["provider"], "patients_per_week": [300], "peak_flu_doses": {"n": 1}})
    refused(answer, "patients_per_week")
    assert answer.json()["errors"]["patients_per_week"] == "Enter a whole number.", answer.text
    assert "Input should" not in answer.text and "Input should" not in str(errors)


def test_every_wrong_type_of_a_field_is_said_in_plain_words():
    """Each kind of field the API takes, sent as a value of another type."""
    from datetime import date, datetime, time

    from pydantic import BaseModel, ValidationError

    from api.forms import error_messages

    class Part(BaseModel):
        name: str

    class Everything(BaseModel):
        text: str
        count: int
        share: float
        yes: bool
        day: date
        moment: datetime
        at: time
        part: Part

    for wrong in ([1], {"a": 1}, -2**70, 1e308, "x" * 3):
        sent = {name: wrong for name in Everything.model_fields}
        try:
            Everything.model_validate(sent)
        except ValidationError as error:
            said = error_messages(error.errors())
        assert not [m for m in said.values() if "Input should" in m or "unix" in m], (wrong, said)


async def test_a_body_that_cannot_be_read_is_named_as_the_body_in_plain_words(system):
    """Found by the outside check: JSON nested too deeply, a form whose multipart framing is
    broken and a form of over 1,000 fields were answered in the parsers' words ("There was an
    error parsing the body", "Missing boundary in multipart.", "Too many fields. Maximum number
    of fields is 1000."), naming no field, on a page as on the API."""
    url = "/api/v1/helpdesk/questions"
    multipart = "multipart/form-data"
    async with system.http() as http:
        nested = await http.post("/api/v1/auth/token", content=b"[" * 100_000 + b"]" * 100_000,
                                 headers={"content-type": "application/json"})
        unframed = await http.post(url, content=b"name=Ann", headers={"content-type": multipart})
        crowded = await http.post(url, files={f"field{n}": (None, "x") for n in range(1001)})
        page = await http.post("/help/ask", content=b"garbage", headers={
            "content-type": f"{multipart}; boundary=zz"})
    for answer in (nested, unframed, crowded):
        assert answer.status_code == 400, answer.text
        body = answer.json()
        assert list(body["errors"]) == ["body"] and body["code"] == "invalid", body
        assert "parsing" not in body["detail"] and "multipart" not in body["detail"], body
    assert "1,000" in crowded.json()["detail"], crowded.text
    assert page.status_code == 400 and "could not be read" in page.text
    assert "Invalid multipart data" not in page.text and "send it again" in page.text, page.text
