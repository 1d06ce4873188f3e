"""Exports for the state registry: a recipient's doses as FHIR R4 resources that validate, and
an administration as a VXU^V04 that parses back with hl7apy carrying CVX code, lot, date and
site. Only state staff may read them."""

import uuid

from fhir.resources.R4B.bundle import Bundle

from api.domain.interop import parse_vxu
from models.enums import Role
from tests.support.accounts import make_user
from tests.support.care import give, stock, vaccinating_site, walk_in
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
    assert message.vxu_v04_order.rxr.rxr_2.to_er7().startswith("LD^")

    for client in (site.manager, site.provider):
        assert (await client.get(f"/api/v1/registry/administrations/{dose['id']}/vxu")
                ).status_code == 403
    assert (await state.get("/api/v1/registry/administrations/2000000000/vxu")).status_code == 404
