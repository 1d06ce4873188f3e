"""Found by an outside check: an administering provider typed with their credentials after a
comma, as clinicians sign ("Jane Q. Public, MD", "Mary-Kate O'Neil, RN"), reached the state
registry's VXU with the whole name as the family name and the credential as the given name
(RXA-10 "^Jane Q. Public^MD"), and "Ann Smith, NP" no longer matched the location's
practicing provider Ann Smith, so her license was left out. Credentials after the name are
not a name: "Family, Given" keeps its reading, the rest is read as "Given Family"."""

import uuid
from datetime import UTC, date, datetime

import pytest

from api.domain.hl7_text import text_of
from api.domain.interop import Dose, Person, parse_vxu, provider_named, vxu_message
from models.enrollment import PracticingProvider
from models.enrollment_enums import LicenseType
from models.enums import Role
from tests.support.accounts import make_user
from tests.support.care import give, stock, vaccinating_site, walk_in
from tests.support.web import api_client

PERSON = Person(41, "Ana", "García", date(1980, 5, 17))


def rxa_10(typed: str):
    """RXA-10 (the administering provider) of a VXU for a dose whose provider was typed so."""
    dose = Dose(7, "208", "Pfizer-BioNTech COVID-19 Vaccine", "Pfizer, Inc.", "EK5730",
                date(2026, 11, 20), 1, "LD", "IM", typed, "Wake Clinic", "NC0042")
    return parse_vxu(vxu_message(PERSON, dose, control_id="CVMS-7",
                                 sent_at=datetime(2026, 11, 20, tzinfo=UTC))).vxu_v04_order.rxa.rxa_10


async def rxa_10_of_a_dose_typed(system, license_type: LicenseType, license_number: str,
                                 typed: str) -> list[str]:
    """A location's practicing provider Ann R. Smith (this license), a dose whose provider is
    then corrected to `typed`, and the state's VXU of it: RXA-10's license, family and given
    name, and license type."""
    site = await vaccinating_site(system)
    lot = await stock(system, site, "208", f"RX-{uuid.uuid4().hex[:5].upper()}")
    async with system.sessions() as session:
        session.add(PracticingProvider(location_id=site.location_id, first_name="Ann",
                                       middle_initial="R", last_name="Smith",
                                       license_type=license_type, license_number=license_number))
        await session.commit()
    dose = (await give(site, (await walk_in(site))["id"], lot)).json()
    edited = await site.provider.put(f"/api/v1/administrations/{dose['id']}", json={
        "dose_number": 1, "administered_on": dose["administered_on"], "site": "LD",
        "route": "IM", "provider_name": typed})
    assert edited.status_code == 200, edited.text
    state = await api_client(system, (await make_user(system, Role.REVIEWER)).email)
    vxu = await state.get(f"/api/v1/registry/administrations/{dose['id']}/vxu")
    xcn = parse_vxu(vxu.text).vxu_v04_order.rxa.rxa_10
    return [text_of(xcn.xcn_1), text_of(xcn.xcn_2), text_of(xcn.xcn_3), xcn.xcn_13.to_er7()]


@pytest.mark.parametrize(("typed", "family", "given"), [
    ("Jane Q. Public, MD", "Public", "Jane Q."),
    ("Mary-Kate O'Neil, RN", "O'Neil", "Mary-Kate"),
    ("Pat Provider, PA-C", "Provider", "Pat"),
    ("Lee Chan, PharmD, RPh", "Chan", "Lee"),
    ("Ruth Bader, M.D.", "Bader", "Ruth"),
    ("Smith, Ann", "Smith", "Ann"),  # family, given: as before
    ("Smith, Ann, NP", "Smith", "Ann"),
    ("Rivera, Ana Lucía", "Rivera", "Ana Lucía"),
    ("Vang, Pa", "Vang", "Pa"),  # a given name, not a physician assistant
    ("Pat Provider", "Provider", "Pat"),
])
def test_credentials_after_a_comma_are_not_the_name(typed, family, given):
    named = provider_named(typed)
    assert (named.family, named.given) == (family, given)
    xcn = rxa_10(typed)
    assert (text_of(xcn.xcn_2), text_of(xcn.xcn_3)) == (family, given)


async def test_a_provider_typed_with_credentials_keeps_their_license_in_rxa_10(system):
    assert await rxa_10_of_a_dose_typed(system, LicenseType.NP, "NP-4472", "Ann Smith, NP") == [
        "NP-4472", "Smith", "Ann", "NP"]
