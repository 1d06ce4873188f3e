"""A demo clinic for a newcomer's first look (development only): `make demo` drives one
organization's enrollment through the running system's own API, as the people involved would
(the administrator's Section A, the coordinator's registration and Section B, both officers
signing from their emailed links, a reviewer approving), so every record and every process is
the one real use would leave. The clinic ends enrolled with a Healthcare Provider and vaccine
in stock; its second site waits in the review queue."""

import logging
import re
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import httpx
from PIL import Image

from core.seed import DEMO_PASSWORD
from notifications.mailbox import list_mail

log = logging.getLogger("cvms.demo")

ADMIN = "admin@demo.example.org"
REVIEWER = "reviewer@state.demo.example.org"
COORDINATOR = "coordinator@demo.example.org"
PROVIDER = "provider@demo.example.org"
PROVIDER_USERNAME = "pat.provider"
MOBILE_COORDINATOR = "mobile@demo.example.org"
OFFICERS = {"ceo": "ceo@demo.example.org", "cmo": "cmo@demo.example.org"}
CLINIC, MOBILE = "Demo Family Clinic", "Demo Mobile Unit"
WAIT_SECONDS = 90  # for an email, or a location's status, on a slow machine

ORGANIZATION = {"legal_name": "Demo Health Partners", "org_type": "clinic",
                "street": "12 Oak Avenue", "city": "Durham", "state": "NC", "zip_code": "27701",
                "phone": "9195550199", "email": "office@demo.example.org",
                "redistribution_participant": True}
SECTION_B = {
    "location": {"shipping_street": "12 Oak Avenue", "shipping_city": "Durham",
                 "shipping_state": "NC", "shipping_zip": "27701",
                 "admin_address_differs": False, "other_org_orders": False},
    "coordinators": {"primary_phone": "919-555-0199", "backup_first_name": "Morgan",
                     "backup_last_name": "Backup", "backup_email": "backup@demo.example.org",
                     "backup_phone": "(919) 555-0198"},
    "availability": {"mon_am_from": "08:30", "mon_am_to": "12:00", "thu_pm_from": "13:00",
                     "thu_pm_to": "17:30"},
    "provider": {"provider_type": "medical_practice", "settings": ["outpatient"],
                 "age_0_18": 300, "age_19_64": 2500, "age_65_up_unknown": True,
                 "patients_per_week": 250, "peak_flu_doses": 900},
    "population": {"populations": ["general", "older_adults"], "iis_number": "NCIR-40001",
                   "refrigerated_vials": 30, "frozen_vials": 0, "ultra_cold_vials": 0},
}


class DemoError(RuntimeError):
    """A step of the demo was refused: the system's answer says why."""


def _ok(response: httpx.Response, *codes: int) -> dict:
    if response.status_code not in (codes or (200, 201)):
        raise DemoError(f"{response.request.method} {response.request.url.path}: "
                        f"{response.status_code} {response.text[:300]}")
    return response.json() if response.content else {}


def _until(what: str, found: Callable[[], object | None]) -> object:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        time.sleep(0.3)
    raise DemoError(f"waited {WAIT_SECONDS} s for {what}")


class Mailbox:
    """The dev mail catcher's Maildir: the links people would click."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.used: set[str] = set()

    def links(self, to: str, marker: str) -> list[str]:
        """Every link not yet followed of the form `…{marker}{token}` in mail to `to` (not the
        documents beside it, such as `…/sign/{token}/agreement.pdf`)."""
        shape = re.compile(rf"https?://\S+{re.escape(marker)}([A-Za-z0-9_-]+)(?![\w/-])")
        found = []
        for mail in list_mail(self.directory, limit=1000):
            if to in mail.to:
                found += [token for token in shape.findall(mail.text) if token not in self.used]
        return found

    def token(self, to: str, marker: str) -> str:
        token = _until(f"the email to {to} with a {marker} link",
                       lambda: (self.links(to, marker) or [None])[0])
        self.used.add(token)
        return token


def _photo(color: str) -> bytes:
    out = BytesIO()
    Image.new("RGB", (640, 480), color).save(out, "JPEG")
    return out.getvalue()


class Demo:
    def __init__(self, base_url: str, mailbox_dir: Path) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=60)
        self.mail = Mailbox(mailbox_dir)
        self.clients = [self.http]

    def bearer(self, answer: dict) -> httpx.Client:
        """A client holding the access token of a login or a registration's answer."""
        client = httpx.Client(base_url=self.http.base_url, timeout=60,
                              headers={"Authorization": f"Bearer {answer['access_token']}"})
        self.clients.append(client)
        return client

    def close(self) -> None:
        for client in self.clients:
            client.close()

    def signed_in(self, login: str) -> httpx.Client:
        return self.bearer(_ok(self.http.post(
            "/api/v1/auth/token", json={"email": login, "password": DEMO_PASSWORD})))

    def already_there(self, admin: httpx.Client) -> bool:
        """The demo administrator has an organization (started on an earlier `make demo`)."""
        return admin.get("/api/v1/organizations/mine").status_code == 200

    def section_a(self, admin: httpx.Client) -> tuple[int, dict[str, int]]:
        org = _ok(admin.post("/api/v1/organizations", json=ORGANIZATION))
        locations = {}
        for name, email in ((CLINIC, COORDINATOR), (MOBILE, MOBILE_COORDINATOR)):
            first = "Casey" if email == COORDINATOR else "Jordan"
            locations[email] = _ok(admin.post(
                f"/api/v1/organizations/{org['id']}/locations",
                json={"name": name, "street": "12 Oak Avenue", "city": "Durham", "state": "NC",
                      "zip_code": "27701", "coordinator_first_name": first,
                      "coordinator_last_name": "Coordinator", "coordinator_email": email}))["id"]
        for role, email in OFFICERS.items():
            _ok(admin.put(f"/api/v1/organizations/{org['id']}/officers/{role}", json={
                "name": f"Demo {role.upper()}", "title": role.upper(), "email": email}))
        _ok(admin.post(f"/api/v1/organizations/{org['id']}/submit"))
        return org["id"], locations

    def section_b(self, email: str, location_id: int, name: str) -> httpx.Client:
        token = self.mail.token(email, "/invite/")
        coordinator = self.bearer(_ok(self.http.post(
            f"/api/v1/invitations/{token}/register",
            json={"password": DEMO_PASSWORD, "password_confirm": DEMO_PASSWORD})))
        base = f"/api/v1/locations/{location_id}"
        for step, body in SECTION_B.items():
            _ok(coordinator.put(f"{base}/section-b/{step}", json=body))
        _ok(coordinator.post(f"{base}/storage-units",
                             data={"brand": "Helmer", "model": "HPR120",
                                   "unit_type": "refrigerator"},
                             files={"inside_photo": ("inside.jpg", _photo("white"), "image/jpeg"),
                                    "outside_photo": ("outside.jpg", _photo("silver"),
                                                      "image/jpeg")}))
        _ok(coordinator.post(f"{base}/providers", json={
            "first_name": "Pat", "middle_initial": "R", "last_name": "Provider",
            "license_type": "MD", "license_number": f"MD-{40000 + location_id}"}))
        for document in ("provider_agreement", "storage_attestation"):
            _ok(coordinator.post(f"{base}/section-b/signatures/{document}", json={
                "method": "typed", "typed_name": f"{name} Coordinator", "consent": True}))
        _ok(coordinator.post(f"{base}/section-b/submit"))
        return coordinator

    def officers_sign(self, reviewer: httpx.Client, location_ids: list[int]) -> None:
        """Both officers follow each signing link they are sent until both sites are in the
        review queue."""
        def queued() -> bool:
            for role, email in OFFICERS.items():
                for token in self.mail.links(email, "/sign/"):
                    self.mail.used.add(token)
                    shown = _ok(self.http.get(f"/api/v1/signing/{token}"))
                    _ok(self.http.post(f"/api/v1/signing/{token}", json={
                        "signer_role": role, "document": shown["document"],
                        "method": "typed", "typed_name": f"Demo {role.upper()}",
                        "consent": True}))
            waiting = {row["location_id"] for row in _ok(reviewer.get("/api/v1/review/queue"))["items"]}
            return set(location_ids) <= waiting
        _until("both officers' signatures", queued)

    def approve(self, reviewer: httpx.Client, admin: httpx.Client, location_id: int) -> None:
        _ok(reviewer.post(f"/api/v1/review/locations/{location_id}/decision",
                          json={"decision": "approve", "reason": None}))

        def approved() -> bool:
            mine = _ok(admin.get("/api/v1/organizations/mine"))
            return any(location["id"] == location_id and location["status"] == "approved"
                       for location in mine["locations"])
        _until("the approval", approved)

    def staff_and_stock(self, manager: httpx.Client, location_id: int) -> None:
        _ok(manager.post("/api/v1/portal/users", json={
            "first_name": "Pat", "last_name": "Provider", "email": PROVIDER,
            "location_id": location_id, "profile": "provider", "username": PROVIDER_USERNAME}))
        token = self.mail.token(PROVIDER, "/account/invitation/")
        _ok(self.http.post(f"/api/v1/portal/invitations/{token}", json={
            "password": DEMO_PASSWORD, "password_confirm": DEMO_PASSWORD}), 204)
        product = _ok(manager.get("/api/v1/products"))[0]
        _ok(manager.post(f"/api/v1/locations/{location_id}/inventory/receipts", json={
            "product_id": product["id"], "lot_number": "DEMO-001", "doses": 100,
            "request_key": "demo-first-shipment",
            "expiration_date": time.strftime("%Y-%m-%d", time.gmtime(time.time() + 180 * 86400))}))

    def run(self) -> bool:
        """The demo clinic, unless the demo administrator has an organization already."""
        admin = self.signed_in(ADMIN)
        if self.already_there(admin):
            log.info("demo clinic already there")
            return False
        log.info("enrolling the demo clinic through the API (a few seconds)")
        _org, locations = self.section_a(admin)
        coordinator = self.section_b(COORDINATOR, locations[COORDINATOR], "Casey")
        self.section_b(MOBILE_COORDINATOR, locations[MOBILE_COORDINATOR], "Jordan")
        reviewer = self.signed_in(REVIEWER)
        self.officers_sign(reviewer, list(locations.values()))
        self.approve(reviewer, admin, locations[COORDINATOR])
        self.staff_and_stock(coordinator, locations[COORDINATOR])
        log.info("demo clinic enrolled: %s approved, %s waiting for review", CLINIC, MOBILE)
        return True


def enroll_demo_clinic(base_url: str, mailbox_dir: Path) -> bool:
    demo = Demo(base_url, mailbox_dir)
    try:
        return demo.run()
    finally:
        demo.close()  # the run command goes on running: no connection left open
