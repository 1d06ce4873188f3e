"""Exports for the state registry: a recipient's doses as FHIR R4 resources that validate, and
an administration as a VXU^V04 that parses back with hl7apy carrying CVX code, lot, date and
site. Only state staff may read them."""

import uuid

from fhir.resources.R4B.bundle import Bundle
from sqlmodel import select

from api.domain.hl7_text import text_of
from api.domain.interop import parse_vxu
from api.domain.state_lists import pin
from models.accounts import User
from models.enrollment import PracticingProvider
from models.enrollment_enums import LicenseType
from models.enums import Role
from tests.support.accounts import make_user
from tests.support.care import give, letters, on_hand, person, stock, vaccinating_site, walk_in
from tests.support.web import api_client


async def test_fhir_and_vxu_for_the_state_registry(system):
    site = await vaccinating_site(system)
    lot_number = f"RG-{uuid.uuid4().hex[:5].upper()}"
    lot = await stock(system, site, "207", lot_number)
    person = await walk_in(site)
    dose = (await give(site, person["id"], lot)).json()
    state = await api_client(system, (await make_user(system, Role.REVIEWER)).email)

    fhir = await state.get(f"/api/v1/registry/recipients/{person['id']}/immunizations")
    assert fhir.status_code == 200 and fhir.headers["content-type"] == "application/fhir+json"
    bundle = Bundle.model_validate_json(fhir.content)
    patient, immunization = (entry.resource for entry in bundle.entry)
    assert patient.name[0].family == person["last_name"]
    assert immunization.get_resource_type() == "Immunization"
    assert immunization.lotNumber == lot_number
    assert immunization.vaccineCode.coding[0].code == "207"
    assert str(immunization.occurrenceDateTime) == dose["administered_on"]
    assert immunization.site.coding[0].code == "LD"

    vxu = await state.get(f"/api/v1/registry/administrations/{dose['id']}/vxu")
    assert vxu.status_code == 200 and vxu.headers["content-type"].startswith("text/plain")
    message = parse_vxu(vxu.text)
    message.validate()
    rxa = message.vxu_v04_order.rxa
    assert rxa.rxa_5.to_er7().startswith("207^")
    assert rxa.rxa_15.to_er7() == lot_number
    assert rxa.rxa_3.to_er7() == dose["administered_on"].replace("-", "")
    assert (rxa.rxa_6.to_er7(), rxa.rxa_7.to_er7()) == ("0.5", "mL^milliliters^UCUM"), \
        "Moderna's primary-series dose: 0.5 mL (100 mcg)"
    assert message.msh.msh_18.to_er7() == "UNICODE UTF-8"
    assert message.vxu_v04_order.rxr.rxr_2.to_er7().startswith("LD^")
    # ORC-10, entered by: the account that recorded the dose (the CDC guide's RE)
    async with system.sessions() as session:
        recorder = (await session.exec(select(User).where(
            User.email == site.emails[Role.PROVIDER]))).one()
    orc = message.vxu_v04_order.orc
    assert (text_of(orc.orc_10.xcn_2), text_of(orc.orc_10.xcn_3)) == (
        recorder.last_name, recorder.first_name), orc.to_er7()

    for client in (site.manager, site.provider):
        assert (await client.get(f"/api/v1/registry/administrations/{dose['id']}/vxu")
                ).status_code == 403
    assert (await state.get("/api/v1/registry/administrations/2000000000/vxu")).status_code == 404


def _rxa(vxu_text: str):
    return parse_vxu(vxu_text).vxu_v04_order.rxa


async def test_an_edited_dose_is_an_update_and_a_removed_one_is_withdrawn(system):
    """A registry that took a dose learns of its correction (RXA-21 "U") and of its removal as
    entered in error (FHIR status entered-in-error, RXA-21 "D"); the dose returns to stock."""
    site = await vaccinating_site(system)
    lot = await stock(system, site, "208", f"RW-{uuid.uuid4().hex[:5].upper()}", doses=5)
    person = await walk_in(site)
    dose = (await give(site, person["id"], lot)).json()
    state = await api_client(system, (await make_user(system, Role.REVIEWER)).email)
    vxu_url = f"/api/v1/registry/administrations/{dose['id']}/vxu"
    fhir_url = f"/api/v1/registry/recipients/{person['id']}/immunizations"

    added = parse_vxu((await state.get(vxu_url)).text)
    assert added.vxu_v04_order.rxa.rxa_21.to_er7() == "A"
    edited = await site.provider.put(f"/api/v1/administrations/{dose['id']}", json={
        "dose_number": 1, "administered_on": dose["administered_on"], "site": "RD",
        "route": "IM", "provider_name": "Dr. Rivera"})
    assert edited.status_code == 200, edited.text
    rxa = _rxa((await state.get(vxu_url)).text)
    assert (rxa.rxa_20.to_er7(), rxa.rxa_21.to_er7()) == ("CP", "U")
    assert rxa.rxa_10.to_er7() == "^Rivera^^^^Dr."  # the title: the prefix, not a name

    removed = await site.manager.post(f"/api/v1/administrations/{dose['id']}/removal",
                                      json={"reason": "Wrong person"})
    assert removed.status_code == 200, removed.text
    assert await on_hand(system, lot) == 5, "the removed dose is back in stock"
    withdrawn = await state.get(vxu_url)
    assert withdrawn.status_code == 200, withdrawn.text
    message = parse_vxu(withdrawn.text)
    message.validate()
    rxa = message.vxu_v04_order.rxa
    assert rxa.rxa_21.to_er7() == "D"
    assert message.vxu_v04_order.orc.orc_3.to_er7() == f"{dose['id']}^NCCVMS"
    control_ids = {m.msh.msh_10.to_er7() for m in (added, message)}
    assert len(control_ids) == 2 and all(len(c) <= 20 for c in control_ids), control_ids

    fhir = await state.get(fhir_url)
    assert fhir.status_code == 200
    patient, immunization = (e.resource for e in Bundle.model_validate_json(fhir.content).entry)
    assert immunization.id == f"administration-{dose['id']}"
    assert immunization.status == "entered-in-error"


# A line break no longer gets in (a one-line field); its escaping is tested in test_interop.
STREET = "12 Calle Peña | Apt ^3 & ~\\ B Rear door"


async def test_a_janssen_dose_and_free_text_with_hl7_separators_reach_the_registry(system):
    """Janssen's manufacturer is "Johnson & Johnson": its VXU was a 500, as was every VXU of a
    person whose street held | ^ & ~ \\, and a plain & split a street or a provider's name.
    Every value read back as recorded; the provider is an XCN (with the license of a practicing
    provider of the location), the site its Provider PIN (RXA-11)."""
    site = await vaccinating_site(system)
    lot = await stock(system, site, "212", f"JN-{uuid.uuid4().hex[:5].upper()}")
    details = person(letters()) | {"first_name": "José María", "street": STREET,
                                   "last_name": f"O'Brien-Núñez {letters()}",
                                   "city": "Winston-Salem & Co"}
    response = await site.provider.post(f"{site.care}/walk-ins", json=details)
    assert response.status_code == 201, response.text
    recipient = response.json()
    async with system.sessions() as session:
        session.add(PracticingProvider(location_id=site.location_id, first_name="Ann",
                                       last_name="Smith & Jones", license_type=LicenseType.NP,
                                       license_number="NP-1&2"))
        await session.commit()
    first = (await give(site, recipient["id"], lot)).json()
    state = await api_client(system, (await make_user(system, Role.REVIEWER)).email)

    vxu = await state.get(f"/api/v1/registry/administrations/{first['id']}/vxu")
    assert vxu.status_code == 200, vxu.text
    message = parse_vxu(vxu.text)
    message.validate()
    pid, rxa = message.pid, message.vxu_v04_order.rxa
    assert (text_of(pid.pid_5.xpn_1), text_of(pid.pid_5.xpn_2)) == (
        details["last_name"], "José María")
    assert (text_of(pid.pid_11.xad_1), text_of(pid.pid_11.xad_3)) == (
        STREET, "Winston-Salem & Co")
    assert text_of(rxa.rxa_17.ce_2) == "Janssen Products, LP (Johnson & Johnson)"
    assert (text_of(rxa.rxa_10.xcn_2), text_of(rxa.rxa_10.xcn_3)) == ("Provider", "Pat")
    assert rxa.rxa_11.to_er7() == f"^^^{pin(site.location_id)}"

    edited = await site.provider.put(f"/api/v1/administrations/{first['id']}", json={
        "dose_number": 1, "administered_on": first["administered_on"], "site": "LD",
        "route": "IM", "provider_name": "ann  smith & jones"})
    assert edited.status_code == 200, edited.text
    xcn = _rxa((await state.get(f"/api/v1/registry/administrations/{first['id']}/vxu")
                ).text).rxa_10
    assert [text_of(xcn.xcn_1), text_of(xcn.xcn_2), text_of(xcn.xcn_3), xcn.xcn_13.to_er7()
            ] == ["NP-1&2", "Smith & Jones", "Ann", "NP"]


async def test_the_fhir_bundle_resolves_its_references_and_tells_why_a_dose_was_removed(system):
    """urn:uuid fullUrls (the same at every export) that the Immunizations reference, the
    Patient's identifier under the program's URL, a removed dose's reason."""
    site = await vaccinating_site(system)
    lot = await stock(system, site, "207", f"RF-{uuid.uuid4().hex[:5].upper()}")
    recipient = await walk_in(site)
    dose = (await give(site, recipient["id"], lot)).json()
    removed = await site.manager.post(f"/api/v1/administrations/{dose['id']}/removal",
                                      json={"reason": "Wrong person & wrong day"})
    assert removed.status_code == 200, removed.text
    state = await api_client(system, (await make_user(system, Role.REVIEWER)).email)
    url = f"/api/v1/registry/recipients/{recipient['id']}/immunizations"

    bundle = Bundle.model_validate_json((await state.get(url)).content)
    patient, immunization = (entry.fullUrl for entry in bundle.entry)
    assert patient.startswith("urn:uuid:") and immunization.startswith("urn:uuid:")
    assert bundle.entry[1].resource.patient.reference == patient
    (identifier,) = bundle.entry[0].resource.identifier
    assert (identifier.system, identifier.value) == (
        system.settings.public_base_url + "/fhir/sid/recipient", str(recipient["id"]))
    assert bundle.entry[1].resource.statusReason.text == "Wrong person & wrong day"
    assert [e.fullUrl for e in Bundle.model_validate_json((await state.get(url)).content).entry
            ] == [patient, immunization]


async def test_a_registry_pulls_a_locations_doses_by_days_and_by_change(system):
    """Found by the outside check: the exports were one recipient or one dose at a time, by
    id, with no list to find the ids: a registry could not pull what a location gave between
    two days, nor learn of corrections and removals without asking for every id again."""
    from datetime import date, datetime, timedelta

    site = await vaccinating_site(system)
    lot = await stock(system, site, "208", f"RL-{uuid.uuid4().hex[:5].upper()}", doses=9)
    today = date.fromisoformat((await give(site, (await walk_in(site))["id"], lot)).json()[
        "administered_on"])
    earlier = (await give(site, (await walk_in(site))["id"], lot,
                          on=today - timedelta(days=3), confirmed=True)).json()
    state = await api_client(system, (await make_user(system, Role.REVIEWER)).email)
    listing = "/api/v1/registry/administrations"

    mine = (await state.get(listing, params={"location_id": site.location_id})).json()
    assert mine["total"] == 2 and [d["location_id"] for d in mine["items"]] == [
        site.location_id] * 2
    first = mine["items"][1] if mine["items"][1]["id"] == earlier["id"] else mine["items"][0]
    assert first["provider_pin"] == pin(site.location_id) and first["status"] == "recorded"
    assert (await state.get(first["vxu"])).status_code == 200
    assert (await state.get(first["fhir"])).status_code == 200

    days = (await state.get(listing, params={
        "location_id": site.location_id, "given_from": str(today - timedelta(days=5)),
        "given_to": str(today - timedelta(days=1))})).json()
    assert [d["id"] for d in days["items"]] == [earlier["id"]]

    since = datetime.now().astimezone().isoformat()
    removed = await site.manager.post(f"/api/v1/administrations/{earlier['id']}/removal",
                                      json={"reason": "Entered for the wrong person"})
    assert removed.status_code == 200, removed.text
    changed = (await state.get(listing, params={"location_id": site.location_id,
                                                "changed_since": since})).json()
    assert [(d["id"], d["status"]) for d in changed["items"]] == [
        (earlier["id"], removed.json()["status"])]

    paged = (await state.get(listing, params={"location_id": site.location_id, "limit": 1,
                                              "offset": 1})).json()
    assert (paged["total"], len(paged["items"])) == (2, 1)
    for bad, field in (({"given_from": str(today), "given_to": str(today - timedelta(days=1))},
                        "given_to"), ({"changed_since": "2026-12-01T00:00:00"}, "changed_since"),
                       ({"limit": 0}, "limit"), ({"location_id": "x"}, "location_id")):
        refused = await state.get(listing, params=bad)
        assert refused.status_code == 422 and field in refused.json()["errors"], refused.text
    for client in (site.manager, site.provider):
        assert (await client.get(listing)).status_code == 403


async def test_the_vxu_and_the_fhir_immunization_carry_the_lots_expiration_date(system):
    """Found by the outside check: a registry never learnt a dose's expiration date (the CDC
    guide's RXA-16, required when known for an administered dose; FHIR's expirationDate),
    though the lot it came from holds it."""
    from datetime import date, timedelta

    site = await vaccinating_site(system)
    expires = date.today() + timedelta(days=90)
    lot = await stock(system, site, "207", f"RX-{uuid.uuid4().hex[:5].upper()}",
                      expires=expires)
    recipient = await walk_in(site)
    dose = (await give(site, recipient["id"], lot)).json()
    state = await api_client(system, (await make_user(system, Role.REVIEWER)).email)

    message = parse_vxu((await state.get(f"/api/v1/registry/administrations/{dose['id']}/vxu")
                         ).text)
    message.validate()
    assert message.vxu_v04_order.rxa.rxa_16.to_er7() == expires.strftime("%Y%m%d")
    bundle = Bundle.model_validate_json((await state.get(
        f"/api/v1/registry/recipients/{recipient['id']}/immunizations")).content)
    assert bundle.entry[1].resource.expirationDate == expires


async def test_a_provider_typed_family_name_first_keeps_their_license_in_rxa_10(system):
    """Found by the outside check: "Smith, Ann" (the way the VXU itself reads a name: family,
    given) named the location's practicing provider Ann Smith, but RXA-10 lost her license
    number and type; it matched only "Ann Smith"."""
    site = await vaccinating_site(system)
    lot = await stock(system, site, "208", f"RP-{uuid.uuid4().hex[:5].upper()}")
    async with system.sessions() as session:
        session.add(PracticingProvider(location_id=site.location_id, first_name="Ann",
                                       middle_initial="R", last_name="Smith",
                                       license_type=LicenseType.NP, license_number="NP-4471"))
        await session.commit()
    dose = (await give(site, (await walk_in(site))["id"], lot)).json()
    edited = await site.provider.put(f"/api/v1/administrations/{dose['id']}", json={
        "dose_number": 1, "administered_on": dose["administered_on"], "site": "LD",
        "route": "IM", "provider_name": "Smith,  ann"})
    assert edited.status_code == 200, edited.text
    state = await api_client(system, (await make_user(system, Role.REVIEWER)).email)
    xcn = _rxa((await state.get(f"/api/v1/registry/administrations/{dose['id']}/vxu")
                ).text).rxa_10
    assert [text_of(xcn.xcn_1), text_of(xcn.xcn_2), text_of(xcn.xcn_3), xcn.xcn_13.to_er7()
            ] == ["NP-4471", "Smith", "Ann", "NP"]
