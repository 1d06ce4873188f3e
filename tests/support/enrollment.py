"""Driving an enrollment through the real API, as the people involved would."""

import asyncio
import re
from dataclasses import dataclass
from io import BytesIO

import httpx
from PIL import Image

from models.enrollment import Location
from tests.support.accounts import register_org_admin
from tests.support.system import System
from tests.support.web import PASSWORD, api_client, browser, unique_email

STEP_BODIES = {
    "location": {"shipping_street": "100 Main St", "shipping_city": "Raleigh",
                 "shipping_state": "NC", "shipping_zip": "27601", "admin_address_differs": False,
                 "other_org_orders": False},
    "coordinators": {"primary_phone": "919-555-0100", "backup_first_name": "Sam",
                     "backup_last_name": "Backup", "backup_email": "backup@example.org",
                     "backup_phone": "(919) 555-0101"},
    "availability": {"mon_am_from": "08:00", "mon_am_to": "11:30", "wed_pm_from": "13:00",
                     "wed_pm_to": "17:00"},
    "provider": {"provider_type": "pharmacy", "settings": ["pharmacy", "outpatient"],
                 "age_0_18": 100, "age_19_64": 2000, "age_65_up_unknown": True,
                 "patients_per_week": 300, "peak_flu_doses": 1200},
    "population": {"populations": ["general", "older_adults"], "iis_number": "NCIR-12345",
                   "refrigerated_vials": 40, "frozen_vials": 10, "ultra_cold_vials": 0},
}


def photo(color: str = "steelblue", size: tuple[int, int] = (640, 480)) -> bytes:
    """A real JPEG carrying EXIF metadata (which the system must strip)."""
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0131] = "SecretSoftware 1.0"  # Software
    out = BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def location_body(name: str, email: str) -> dict:
    return {"name": name, "street": "100 Main St", "city": "Raleigh", "state": "NC",
            "zip_code": "27601", "coordinator_first_name": name.split()[0],
            "coordinator_last_name": "Coordinator", "coordinator_email": email}


ORG_DETAILS = {"legal_name": "Wake Health Partners", "org_type": "clinic",
               "street": "1 Health Way", "city": "Raleigh", "state": "NC", "zip_code": "27601",
               "phone": "9195550000", "email": "office@wakehealth.example",
               "redistribution_participant": False}


@dataclass
class Enrollment:
    admin_email: str
    admin: httpx.AsyncClient
    org_id: int
    locations: dict[str, int]  # coordinator email -> location id
    ceo_email: str
    cmo_email: str


async def start_enrollment(system: System, names: list[str], *,
                           redistribution: bool = False, submit: bool = True) -> Enrollment:
    """An administrator registers and fills Section A with these locations."""
    admin_email = await register_org_admin(system)
    admin = await api_client(system, admin_email)
    details = {**ORG_DETAILS, "redistribution_participant": redistribution}
    org = (await admin.post("/api/v1/organizations", json=details)).json()
    locations = {}
    for name in names:
        email = unique_email("coord")
        created = await admin.post(f"/api/v1/organizations/{org['id']}/locations",
                                   json=location_body(name, email))
        assert created.status_code == 201, created.text
        locations[email] = created.json()["id"]
    ceo, cmo = unique_email("ceo"), unique_email("cmo")
    for role, email in (("ceo", ceo), ("cmo", cmo)):
        body = {"name": f"{role.upper()} Person", "title": role.upper(), "email": email}
        assert (await admin.put(f"/api/v1/organizations/{org['id']}/officers/{role}",
                                json=body)).status_code == 200
    if submit:
        submitted = await admin.post(f"/api/v1/organizations/{org['id']}/submit")
        assert submitted.status_code == 200, submitted.text
    return Enrollment(admin_email, admin, org["id"], locations, ceo, cmo)


async def coordinator_in_browser(system: System, location_name: str):
    """A new organization's one location, its coordinator registered and logged in on the
    pages: (the person's browser session, the location's id)."""
    enrollment = await start_enrollment(system, [location_name])
    (email, location_id), = enrollment.locations.items()
    await register_coordinator(system, email)
    person = browser(system)
    await person.login(email)
    return person, location_id


async def correct_coordinator(admin, location_id: int, first_name: str, last_name: str,
                              email: str) -> httpx.Response:
    """The administrator's browser (logged in) corrects a location's coordinator after
    Section A, as their dashboard's form does."""
    return await admin.submit(f"/organization/locations/{location_id}/coordinator", {
        "coordinator_first_name": first_name, "coordinator_last_name": last_name,
        "coordinator_email": email})


async def register_coordinator(system: System, email: str) -> httpx.AsyncClient:
    """Follow the invitation email's link and register; returns the API client it signed in."""
    mail = await system.smtp.one(to=email, subject="Primary Vaccine Coordinator")
    token = mail.link("/invite/").rsplit("/", 1)[1]
    async with system.http() as http:
        registered = await http.post(f"/api/v1/invitations/{token}/register",
                                     json={"password": PASSWORD, "password_confirm": PASSWORD})
    assert registered.status_code == 201, registered.text
    assert registered.json()["user"]["email"] == email.lower()
    key = registered.json()["access_token"]
    return system.http(headers={"Authorization": f"Bearer {key}"})


async def add_storage_unit(coordinator: httpx.AsyncClient, location_id: int,
                           inside: bytes | None = None, outside: bytes | None = None,
                           brand: str = "Helmer", model: str = "HPR105") -> httpx.Response:
    files = {}
    if inside is not None:
        files["inside_photo"] = ("inside.jpg", inside, "image/jpeg")
    if outside is not None:
        files["outside_photo"] = ("outside.jpg", outside, "image/jpeg")
    return await coordinator.post(
        f"/api/v1/locations/{location_id}/storage-units",
        data={"brand": brand, "model": model, "unit_type": "refrigerator"}, files=files)


PROVIDER_NAMES = ("Pat", "Lee", "Sam", "Kim", "Ray", "Ana", "Bo", "Cy", "Di", "Ed")


async def fill_section_b(coordinator: httpx.AsyncClient, location_id: int,
                         providers: int = 1) -> None:
    base = f"/api/v1/locations/{location_id}"
    for step, body in STEP_BODIES.items():
        response = await coordinator.put(f"{base}/section-b/{step}", json=body)
        assert response.status_code == 200, response.text
    unit = await add_storage_unit(coordinator, location_id, photo(), photo("white"))
    assert unit.status_code == 201, unit.text
    for n in range(providers):
        created = await coordinator.post(f"{base}/providers", json={
            "first_name": PROVIDER_NAMES[n], "middle_initial": "Q", "last_name": "Provider",
            "license_type": "MD", "license_number": f"MD-{1000 + n}"})
        assert created.status_code == 201, created.text
    if not providers:
        planned = await coordinator.put(f"{base}/section-b/bulk-upload", json={"planned": True})
        assert planned.status_code == 200


async def sign_and_submit(coordinator: httpx.AsyncClient, location_id: int) -> httpx.Response:
    base = f"/api/v1/locations/{location_id}/section-b"
    for document in ("provider_agreement", "storage_attestation"):
        signed = await coordinator.post(f"{base}/signatures/{document}", json={
            "method": "typed", "typed_name": "Casey Coordinator", "consent": True})
        assert signed.status_code == 201, signed.text
    return await coordinator.post(f"{base}/submit")


async def complete_location(system: System, email: str, location_id: int,
                            providers: int = 1) -> httpx.AsyncClient:
    coordinator = await register_coordinator(system, email)
    await fill_section_b(coordinator, location_id, providers)
    submitted = await sign_and_submit(coordinator, location_id)
    assert submitted.status_code == 200, submitted.text
    return coordinator


async def projected(system: System, location_id: int,
                    ready=lambda loc: loc.next_reminder_at) -> Location:
    """The location's row once its workflow projected what `ready` looks for."""
    for _ in range(200):
        async with system.sessions() as session:
            location = await session.get(Location, location_id)
        if ready(location):
            return location
        await asyncio.sleep(0.05)
    raise AssertionError(f"location {location_id}: nothing projected ({location})")


def indicator_says(html: str) -> dict[int, str]:
    """What a wizard's step indicator tells a screen reader of each step: "completed", "not
    completed", or nothing for the page's own."""
    return {int(n): state for n, state in re.findall(
        r'Step (\d+) <span class="usa-sr-only">([a-z ]*)</span>', html)}


def refused_step(answer: httpx.Response) -> bool:
    """A Section B step's Next refused, as a browser (following redirects) sees it: a 303 to
    the step's own page, which shows what to correct (Post/Redirect/Get: Back or a reload
    never sends the form again)."""
    return ([r.status_code for r in answer.history] == [303] and answer.status_code == 200
            and answer.url.params.get("check") == "1")
