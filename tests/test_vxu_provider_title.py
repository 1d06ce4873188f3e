"""Found by an outside check: an administering provider typed with their title ("Dr. Rivera",
"Dr. Ann Smith") reached the state registry's VXU with "Dr." as their given name (RXA-10
"^Rivera^Dr."), and "Dr. Ann Smith" did not match the location's practicing provider Ann
Smith, so her license was left out. The title is XCN-6, the prefix, and not a name."""

import uuid
from datetime import UTC, date, datetime

import pytest

from api.domain.hl7_text import text_of
from api.domain.interop import Dose, Person, parse_vxu, vxu_message
from models.enrollment import PracticingProvider
from models.enrollment_enums import LicenseType
from models.enums import Role
from tests.support.accounts import make_user
from tests.support.care import give, stock, vaccinating_site, walk_in
from tests.support.web import api_client

PERSON = Person(41, "Ana", "García", date(1980, 5, 17))


@pytest.mark.parametrize(("typed", "family", "given", "prefix"), [
    ("Dr. Rivera", "Rivera", "", "Dr."),
    ("Dr Jane Q. Public, MD", "Public", "Jane Q.", "Dr"),
    ("Doctor Ana Lucía Rivera", "Rivera", "Ana Lucía", "Doctor"),
    ("Drew Barry", "Barry", "Drew", ""),
    ("Dr.", "Dr.", "", ""),
])
def test_a_title_is_the_prefix_not_the_given_name(typed, family, given, prefix):
    dose = Dose(7, "208", "Pfizer-BioNTech COVID-19 Vaccine", "Pfizer, Inc.", "EK5730",
                date(2026, 11, 20), 1, "LD", "IM", typed, "Wake Clinic", "NC0042")
    xcn = parse_vxu(vxu_message(PERSON, dose, control_id="CVMS-7",
                                sent_at=datetime(2026, 11, 20, tzinfo=UTC))).vxu_v04_order.rxa.rxa_10
    assert (text_of(xcn.xcn_2), text_of(xcn.xcn_3), text_of(xcn.xcn_6)) == (family, given, prefix)


async def test_a_provider_typed_with_a_title_keeps_their_license_in_rxa_10(system):
    site = await vaccinating_site(system)
    lot = await stock(system, site, "208", f"RT-{uuid.uuid4().hex[:5].upper()}")
    async with system.sessions() as session:
        session.add(PracticingProvider(location_id=site.location_id, first_name="Ann",
                                       middle_initial="R", last_name="Smith",
                                       license_type=LicenseType.MD, license_number="MD-5521"))
        await session.commit()
    dose = (await give(site, (await walk_in(site))["id"], lot)).json()
    edited = await site.provider.put(f"/api/v1/administrations/{dose['id']}", json={
        "dose_number": 1, "administered_on": dose["administered_on"], "site": "LD",
        "route": "IM", "provider_name": "Dr. Ann Smith"})
    assert edited.status_code == 200, edited.text
    state = await api_client(system, (await make_user(system, Role.REVIEWER)).email)
    vxu = await state.get(f"/api/v1/registry/administrations/{dose['id']}/vxu")
    xcn = parse_vxu(vxu.text).vxu_v04_order.rxa.rxa_10
    assert [text_of(xcn.xcn_1), text_of(xcn.xcn_2), text_of(xcn.xcn_3), xcn.xcn_13.to_er7()
            ] == ["MD-5521", "Smith", "Ann", "MD"]
