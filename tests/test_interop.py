"""Doses for other systems (issue 15): FHIR R4 resources validate, a VXU^V04 parses back with
hl7apy carrying CVX code, lot, date and site, and a SMART Health Card's QR code decodes to a JWS
that verifies against the issuer's public key and carries the doses."""

import dataclasses
import io
from datetime import UTC, date, datetime

import pytest
import zxingcpp
from fhir.resources.R4B.bundle import Bundle
from jwcrypto.common import JWException
from PIL import Image

from api.domain import health_card
from api.domain.hl7_text import text_of
from api.domain.interop import (
    Dose,
    Person,
    Provider,
    fhir_immunizations,
    health_card_bundle,
    parse_vxu,
    vxu_message,
)
from api.domain.proof import Proof, signed_cards
from api.pages import templates
from core import i18n
from core.settings import Settings
from models.inventory import Product

PERSON = Person(41, "Ana María", "García-López", date(1980, 5, 17), "1 Main St", "Raleigh",
                "NC", "27601", "9195551234")
DOSES = [Dose(7, "208", "Pfizer-BioNTech COVID-19 Vaccine", "Pfizer, Inc.", "EK5730",
              date(2026, 11, 20), 1, "LD", "IM", "Pat Provider", "Wake Clinic", "NC0042",
              amount_ml="0.3"),
         Dose(9, "208", "Pfizer-BioNTech COVID-19 Vaccine", "Pfizer, Inc.", "FA7484",
              date(2026, 12, 11), 2, "RD", "IM", "Pat Provider", "Wake Clinic", "NC0042")]


@pytest.fixture
def settings(tmp_path):
    return Settings(data_dir=tmp_path, public_base_url="https://cvms.example.gov")


BASE = "https://cvms.example.gov"
ROUTE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration"


def test_fhir_immunizations_validate_and_carry_each_dose():
    bundle = fhir_immunizations(PERSON, DOSES, base=BASE)
    again = Bundle.model_validate_json(bundle.model_dump_json())  # validates on the way back in
    resources = [entry.resource for entry in again.entry]
    assert resources[0].get_resource_type() == "Patient"
    assert resources[0].birthDate == PERSON.birth_date
    immunizations = resources[1:]
    assert [i.lotNumber for i in immunizations] == ["EK5730", "FA7484"]
    assert {i.vaccineCode.coding[0].code for i in immunizations} == {"208"}
    assert [i.protocolApplied[0].doseNumberPositiveInt for i in immunizations] == [1, 2]
    assert immunizations[0].site.coding[0].code == "LD"
    assert all(i.patient.reference == again.entry[0].fullUrl for i in immunizations)


def test_fhir_routes_are_codes_of_the_v3_route_of_administration_system():
    """Found by the outside check: a subcutaneous or intradermal dose went to the registry as
    v3-RouteOfAdministration "SC" or "ID", codes that system does not have (its own are SQ and
    IDINJ), so a registry validating the code refused or lost the route."""
    doses = [dataclasses.replace(DOSES[0], id=n, route=route)
             for n, route in enumerate(("IM", "SC", "ID"), start=1)]
    immunizations = [e.resource for e in fhir_immunizations(PERSON, doses, base=BASE).entry[1:]]
    assert [(i.route.coding[0].system, i.route.coding[0].code, i.route.coding[0].display)
            for i in immunizations] == [
        (ROUTE_SYSTEM, "IM", "Injection, intramuscular"),
        (ROUTE_SYSTEM, "SQ", "Injection, subcutaneous"),
        (ROUTE_SYSTEM, "IDINJ", "Injection, intradermal")]


def test_fhir_bundle_entries_are_named_by_uuid_and_referenced_by_that_name():
    """FHIR R4 resolves a relative reference only against a RESTful base: the entries are
    urn:uuid names (the same at every export of a record) that the Immunizations reference;
    the Patient carries the program's identifier, a removed dose its reason, the site its PIN."""
    removed = dataclasses.replace(DOSES[1], removed=True, removal_reason="Wrong person")
    bundle = Bundle.model_validate_json(
        fhir_immunizations(PERSON, [DOSES[0], removed], base=BASE).model_dump_json())
    urls = [entry.fullUrl for entry in bundle.entry]
    assert all(url.startswith("urn:uuid:") for url in urls) and len(set(urls)) == 3
    assert urls == [e.fullUrl for e in fhir_immunizations(PERSON, [DOSES[0], removed],
                                                          base=BASE).entry]
    patient, given, withdrawn = (entry.resource for entry in bundle.entry)
    assert [i.patient.reference for i in (given, withdrawn)] == [urls[0], urls[0]]
    (identifier,) = patient.identifier
    assert (identifier.system, identifier.value) == (f"{BASE}/fhir/sid/recipient", "41")
    assert (withdrawn.status, withdrawn.statusReason.text) == ("entered-in-error",
                                                                "Wrong person")
    assert given.statusReason is None
    site = given.performer[1].actor
    assert (site.identifier.system, site.identifier.value) == (
        f"{BASE}/fhir/sid/provider-pin", "NC0042")


def test_vxu_parses_back_with_cvx_lot_date_and_site():
    text = vxu_message(PERSON, DOSES[0], control_id="CVMS-7",
                       sent_at=datetime(2026, 11, 20, 15, 4, tzinfo=UTC))
    message = parse_vxu(text)
    assert message.msh.msh_9.to_er7() == "VXU^V04^VXU_V04"
    assert message.msh.msh_12.to_er7() == "2.5.1"
    assert message.pid.pid_5.to_er7().startswith("García-López^Ana María")
    rxa = message.vxu_v04_order.rxa
    assert rxa.rxa_5.to_er7() == "208^Pfizer-BioNTech COVID-19 Vaccine^CVX"
    assert rxa.rxa_3.to_er7() == "20261120"
    assert rxa.rxa_15.to_er7() == "EK5730"
    assert rxa.rxa_17.to_er7().startswith("PFR^")
    assert message.vxu_v04_order.rxr.rxr_2.to_er7() == "LD^Left deltoid^HL70163"
    message.validate()


HOSTILE = "O'Brien-Núñez | ^ & ~ \\ \\T\\ d'Arc\r\nSegunda línea"


def test_vxu_escapes_every_value_taken_from_the_records():
    """HL7's separators | ^ & ~ \\ in any value (Janssen's manufacturer is "Johnson &
    Johnson"), an escape sequence typed as text, and CR/LF (which end a segment) give a valid
    message whose fields read back exactly as recorded."""
    person = Person(42, HOSTILE, HOSTILE, date(1980, 5, 17), "12 Calle Peña | Apt ^3 & ~\\ B",
                    "Durham & Co", "NC", "27701", "9195551234")
    dose = Dose(8, "212", "Janssen ~ COVID-19 ^ Vaccine",
                "Janssen Products, LP (Johnson & Johnson)", "JJ&01|\\", date(2026, 11, 20), 1,
                "LD", "IM", "Smith & Jones", "Wake Clinic", "NCA650001")
    sent = datetime(2026, 11, 20, 15, 4, tzinfo=UTC)
    text = vxu_message(person, dose, control_id="CVMS-8", sent_at=sent)
    assert [line[:3] for line in text.split("\r")] == ["MSH", "PID", "ORC", "RXA", "RXR", "OBX",
                                                       "OBX"]
    message = parse_vxu(text)
    message.validate()
    pid, rxa = message.pid, message.vxu_v04_order.rxa
    assert [text_of(pid.pid_5.xpn_1), text_of(pid.pid_5.xpn_2)] == [HOSTILE, HOSTILE]
    assert [text_of(pid.pid_11.xad_1), text_of(pid.pid_11.xad_3), text_of(pid.pid_11.xad_5)
            ] == ["12 Calle Peña | Apt ^3 & ~\\ B", "Durham & Co", "27701"]
    assert text_of(rxa.rxa_5.ce_2) == "Janssen ~ COVID-19 ^ Vaccine"
    assert (text_of(rxa.rxa_17.ce_1), text_of(rxa.rxa_17.ce_2)) == (
        "JSN", "Janssen Products, LP (Johnson & Johnson)")
    assert text_of(rxa.rxa_15) == "JJ&01|\\"
    assert (text_of(rxa.rxa_10.xcn_3), text_of(rxa.rxa_10.xcn_2)) == ("Smith &", "Jones")
    entered = parse_vxu(vxu_message(person, dataclasses.replace(
        dose, entered_by=Provider("Núñez | ^", "Rita & Co")), control_id="CVMS-8", sent_at=sent))
    entered.validate()
    orc = entered.vxu_v04_order.orc  # ORC-10, entered by: the account that recorded the dose
    assert (text_of(orc.orc_10.xcn_2), text_of(orc.orc_10.xcn_3)) == ("Núñez | ^", "Rita & Co")
    assert rxa.rxa_11.to_er7() == "^^^NCA650001"


def test_vxu_names_the_provider_as_an_xcn_and_fits_long_text():
    """RXA-10: family and given names, the license number and its type (table 0203) when the
    provider is known; a value longer than an HL7 string holds once escaped is cut short, the
    message still valid."""
    known = dataclasses.replace(DOSES[0], provider=Provider("García", "José", "M", "L-77&1",
                                                            "MD"))
    long_street = dataclasses.replace(PERSON, street="&" * 200)
    message = parse_vxu(vxu_message(long_street, known, control_id="CVMS-7",
                                    sent_at=datetime(2026, 11, 20, tzinfo=UTC)))
    message.validate()
    xcn = message.vxu_v04_order.rxa.rxa_10
    assert [text_of(xcn.xcn_1), text_of(xcn.xcn_2), text_of(xcn.xcn_3), text_of(xcn.xcn_4),
            xcn.xcn_9.to_er7(), xcn.xcn_13.to_er7()] == ["L-77&1", "García", "José", "M",
                                                         "NC", "MD"]
    assert text_of(message.pid.pid_11.xad_1) == "&" * 66
    typed = dataclasses.replace(DOSES[0], performer="Rivera, Ana Lucía")
    xcn = parse_vxu(vxu_message(PERSON, typed, control_id="CVMS-7",
                                sent_at=datetime(2026, 11, 20, tzinfo=UTC))).vxu_v04_order.rxa.rxa_10
    assert (text_of(xcn.xcn_2), text_of(xcn.xcn_3), xcn.xcn_1.to_er7()) == (
        "Rivera", "Ana Lucía", "")


def test_vxu_declares_utf8_and_the_amount_given():
    """The accented name travels as UTF-8, declared in MSH-18 (HL7 table 0211); the dose's
    amount is the product's volume in mL, or 999 (the CDC guide's "unknown") without one."""
    sent = datetime(2026, 11, 20, 15, 4, tzinfo=UTC)
    message = parse_vxu(vxu_message(PERSON, DOSES[0], control_id="CVMS-7", sent_at=sent))
    assert message.msh.msh_18.to_er7() == "UNICODE UTF-8"
    rxa = message.vxu_v04_order.rxa
    assert (rxa.rxa_6.to_er7(), rxa.rxa_7.to_er7()) == ("0.3", "mL^milliliters^UCUM")
    unknown = parse_vxu(vxu_message(PERSON, DOSES[1], control_id="CVMS-9", sent_at=sent))
    assert (unknown.vxu_v04_order.rxa.rxa_6.to_er7(), unknown.vxu_v04_order.rxa.rxa_7.to_er7()
            ) == ("999", "")


def test_each_product_knows_its_dose_volume_from_its_label():
    def volume(cvx, dose_number, series=2):
        return Product(cvx_code=cvx, doses_in_series=series).dose_ml(dose_number)

    assert [volume(cvx, 1) for cvx in ("207", "208", "211", "217", "218", "219")] == [
        "0.5", "0.3", "0.5", "0.3", "0.2", "0.2"]
    assert volume("212", 1, series=1) == "0.5" and volume("208", 3) == "0.3"
    assert volume("207", 3) is None, "a Moderna booster was half a dose: not known"
    assert volume("999", 1) is None


def test_health_card_qr_decodes_to_a_jws_that_verifies_and_carries_the_doses(settings):
    token = health_card.sign(settings, health_card_bundle(PERSON, DOSES),
                             datetime(2026, 12, 11, tzinfo=UTC))
    header = token.split(".")[0]
    assert header and token.count(".") == 2
    image = Image.open(io.BytesIO(health_card.qr_png(token)))
    (code,) = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert code.text.startswith("shc:/") and code.text[5:].isdigit()
    assert health_card.qr_code(token).version <= 22, "fits the spec's largest QR version"
    decoded = health_card.from_numeric(code.text)
    assert decoded == token

    credential = health_card.verify(decoded, health_card.public_jwks(settings))
    assert credential["iss"] == "https://cvms.example.gov"
    subject = credential["vc"]["credentialSubject"]
    Bundle.model_validate(subject["fhirBundle"])
    entries = [entry["resource"] for entry in subject["fhirBundle"]["entry"]]
    assert entries[0]["name"][0]["family"] == "García-López"
    assert [e["lotNumber"] for e in entries[1:]] == ["EK5730", "FA7484"]
    assert [e["occurrenceDateTime"] for e in entries[1:]] == ["2026-11-20", "2026-12-11"]
    assert all(e["patient"]["reference"] == "resource:0" for e in entries[1:])


def test_doses_that_do_not_fit_one_qr_code_go_on_several_cards_that_each_fit(settings):
    """Found by the outside check: six doses given at sites with longer names made one JWS of
    over 1,195 characters, a QR code past version 22 that the SMART Health Cards spec keeps
    cards under (phones' verifier apps fail on denser codes). The doses now go on as many
    cards as they need, in order, each one fitting, each one whole (the patient and its doses)."""
    sites = ["Atrium Health Wake Forest Baptist Medical Center Pharmacy, Winston-Salem",
             "Mecklenburg County Public Health Department Vaccination Clinic, Charlotte",
             "UNC Health Rex Hospital Outpatient Immunization Services, Raleigh",
             "Cone Health Greensboro Community Vaccine Center at Four Seasons",
             "ECU Health Medical Center Employee Occupational Health, Greenville",
             "Novant Health Forsyth Medical Center Drive-Through Site, Kernersville"]
    doses = [dataclasses.replace(DOSES[0], id=n, dose_number=n, location_name=site,
                                 lot_number=f"{'EKFAGHJW'[n]}{n * 7919 % 10000:04d}QZ{n * 37}")
             for n, site in enumerate(sites, start=1)]
    issued = datetime(2026, 12, 11, tzinfo=UTC)
    person = dataclasses.replace(PERSON, first_name="María Guadalupe",
                                 last_name="Hernández-Castellanos de la Fuente")
    assert len(health_card.sign(settings, health_card_bundle(person, doses), issued)) > 1195
    tokens = signed_cards(settings, person, doses, issued)
    assert len(tokens) > 1 and all(len(token) <= health_card.MAX_QR_JWS for token in tokens)
    assert all(health_card.qr_code(token).version <= 22 for token in tokens)
    carried = []
    for token in tokens:
        bundle = health_card.verify(token, health_card.public_jwks(settings))[
            "vc"]["credentialSubject"]["fhirBundle"]
        Bundle.model_validate(bundle)
        assert bundle["entry"][0]["resource"]["resourceType"] == "Patient"
        carried += [entry["resource"]["lotNumber"] for entry in bundle["entry"][1:]]
    assert carried == [dose.lot_number for dose in doses]
    assert len(signed_cards(settings, PERSON, DOSES, issued)) == 1, "two doses: one card"
    # each code named apart for a screen reader, in the person's language
    proof = Proof(person, doses, tokens)
    for language, alt in (("en", "QR code 2 of {} of your SMART Health Card"),
                          ("es", "Código QR 2 de {} de su SMART Health Card")):
        with i18n.language(language) as lang:
            printed = templates.env.get_template("proof/pdf.html").render(
                proof=proof, lang=lang, printed_at=issued, static="")
        assert f'alt="{alt.format(len(tokens))}"' in printed


def test_a_card_signed_by_another_key_or_altered_does_not_verify(settings, tmp_path_factory):
    token = health_card.sign(settings, health_card_bundle(PERSON, DOSES[:1]),
                             datetime(2026, 12, 11, tzinfo=UTC))
    other = Settings(data_dir=tmp_path_factory.mktemp("other"))
    with pytest.raises(JWException):
        health_card.verify(token, health_card.public_jwks(other))
    head, payload, signature = token.split(".")
    altered = f"{head}.{payload[:-4]}AAAA.{signature}"
    with pytest.raises(Exception):  # noqa: B017 - a broken payload or signature, either refuses
        health_card.verify(altered, health_card.public_jwks(settings))


def test_the_issuer_key_is_kept_across_restarts(settings):
    first = health_card.public_jwks(settings)["keys"][0]
    again = health_card.public_jwks(Settings(data_dir=settings.data_dir))["keys"][0]
    assert first == again and first["kid"] and "d" not in first


async def test_the_issuer_keys_are_served_for_verifiers(system):
    async with system.http() as http:
        response = await http.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    (key,) = response.json()["keys"]
    assert key == health_card.public_jwks(system.settings)["keys"][0]
    assert key["crv"] == "P-256" and key["alg"] == "ES256" and "d" not in key


def test_vxu_reports_the_dose_funding_and_eligibility_the_cdc_guide_asks_for():
    """Found by the outside check: the VXU had no OBX segment. The CDC guide asks, for an
    administered dose, for its funding program eligibility (64994-7, captured at the dose,
    VXC40) and its funding source (30963-3): every dose here is the program's publicly bought
    vaccine (VXC50), and an adult (19 or older on the day) is never VFC eligible (V01). A child's
    eligibility (Medicaid, insurance) is not recorded, so it is not claimed: only the funding
    source is sent. The message validates with hl7apy."""
    sent = datetime(2026, 11, 20, 15, 4, tzinfo=UTC)
    message = parse_vxu(vxu_message(PERSON, DOSES[0], control_id="CVMS-7", sent_at=sent))
    message.validate()
    observed = [(o.obx.obx_1.to_er7(), o.obx.obx_2.to_er7(), o.obx.obx_3.to_er7(),
                 o.obx.obx_4.to_er7(), o.obx.obx_5.to_er7(), o.obx.obx_11.to_er7(),
                 o.obx.obx_14.to_er7(), o.obx.obx_17.to_er7())
                for o in message.vxu_v04_order.vxu_v04_observation]
    assert observed == [
        ("1", "CE", "64994-7^Vaccine funding program eligibility category^LN", "1",
         "V01^Not VFC eligible^HL70064", "F", "20261120",
         "VXC40^Eligibility captured at the immunization level^CDCPHINVS"),
        ("2", "CE", "30963-3^Vaccine funding source^LN", "2", "VXC50^Public^CDCPHINVS", "F",
         "20261120", "")]
    child = dataclasses.replace(PERSON, birth_date=date(2008, 11, 21))  # 17 on the day
    message = parse_vxu(vxu_message(child, DOSES[0], control_id="CVMS-7", sent_at=sent))
    message.validate()
    assert [o.obx.obx_3.to_er7() for o in message.vxu_v04_order.vxu_v04_observation] == [
        "30963-3^Vaccine funding source^LN"]
    assert message.vxu_v04_order.vxu_v04_observation[0].obx.obx_1.to_er7() == "1"
    of_age = dataclasses.replace(PERSON, birth_date=date(2007, 11, 20))  # 19 that day
    message = parse_vxu(vxu_message(of_age, DOSES[0], control_id="CVMS-7", sent_at=sent))
    assert message.vxu_v04_order.vxu_v04_observation[0].obx.obx_5.to_er7().startswith("V01^")
