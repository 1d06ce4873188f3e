"""A recipient's doses for other systems: FHIR R4 resources (validated by fhir.resources, R4B
models, which R4 Immunization and Patient match), HL7 v2.5.1 VXU^V04 messages following the CDC
immunization implementation guide (built and validated with hl7apy), and the SMART Health Card
bundle. Pure functions over plain records; the API decides who may see them."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.immunization import Immunization
from fhir.resources.R4B.patient import Patient
from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.core import Message
from hl7apy.parser import parse_message

from api.domain.hl7_text import Text

CVX = "http://hl7.org/fhir/sid/cvx"
ACT_SITE = "http://terminology.hl7.org/CodeSystem/v3-ActSite"
ROUTE = "http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration"
# Identifier systems of the program's records, after its public base URL.
RECIPIENT_SID = "/fhir/sid/recipient"
ADMINISTRATION_SID = "/fhir/sid/administration"
PIN_SID = "/fhir/sid/provider-pin"

# Where a dose went in and how: the code people pick, its words, and the HL7 v2 / FHIR codes.
SITES = {"LA": "Left arm", "RA": "Right arm", "LD": "Left deltoid", "RD": "Right deltoid",
         "LT": "Left thigh", "RT": "Right thigh"}
ROUTES = {"IM": ("C28161", "Intramuscular"), "SC": ("C38299", "Subcutaneous"),
          "ID": ("C38238", "Intradermal")}
# The same routes in FHIR's v3-RouteOfAdministration, whose codes differ from ours (SQ, IDINJ).
FHIR_ROUTES = {"IM": ("IM", "Injection, intramuscular"), "SC": ("SQ", "Injection, subcutaneous"),
               "ID": ("IDINJ", "Injection, intradermal")}
# Manufacturers (CDC MVX codes) of the products in the product table, by CVX code.
MVX = {"207": "MOD", "208": "PFR", "210": "ASZ", "211": "NVX", "212": "JSN", "217": "PFR",
       "218": "PFR", "219": "PFR", "221": "MOD", "227": "MOD", "228": "MOD"}


@dataclass(frozen=True)
class Person:
    id: int
    first_name: str
    last_name: str
    birth_date: date
    street: str = ""
    city: str = ""
    state: str = ""
    zip_code: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Provider:
    """The person who gave a dose, as HL7 (XCN) names them; the license when known."""
    family: str
    given: str = ""
    middle: str = ""
    license: str = ""
    license_type: str = ""  # HL7 table 0203: MD, DO, NP, PA, RPH
    prefix: str = ""  # a title typed before the name ("Dr."): XCN-6


# Credentials a clinician writes after their name, letters only ("Jane Smith, RN", "M.D."):
# not part of the name.
CREDENTIALS = frozenset({
    "md", "do", "np", "npc", "pa", "pac", "rn", "lpn", "lvn", "rph", "pharmd", "aprn", "fnp",
    "fnpc", "cnm", "crna", "dnp", "bsn", "msn", "cma", "emt", "emtp", "phd", "mph", "dds",
    "dmd", "cna", "mbbs", "mscn", "anp", "ccrn"})


def without_credentials(name: str) -> str:
    """The name typed, its spaces tidied and the credentials after its last commas dropped:
    those after "Given Family" or after "Family, Given" ("Vang, Pa" is a family and a given
    name)."""
    parts = [part.strip() for part in " ".join(name.split()).split(",")]
    while ((len(parts) > 2 or (len(parts) == 2 and " " in parts[0]))
           and "".join(c for c in parts[-1].casefold() if c.isalnum()) in CREDENTIALS):
        parts.pop()
    return ", ".join(parts)


TITLES = frozenset({"dr", "doctor"})  # a title typed before the name: not a given name


def titled(name: str) -> tuple[str, str]:
    """The title typed before a name ("Dr."), if any, and the name without it."""
    first, _, rest = name.strip().partition(" ")
    if rest and first.casefold().rstrip(".") in TITLES:
        return first, rest.strip()
    return "", name


def bare_name(name: str) -> str:
    """The name typed without its title before it or its credentials after it."""
    return titled(without_credentials(name))[1]


def provider_named(name: str) -> Provider:
    """A name typed at the point of care: "Family, Given" or "Given ... Family", either with
    a title before it ("Dr. Jane Smith") or credentials after it ("Jane Smith, RN")."""
    prefix, name = titled(without_credentials(name))
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
        return Provider(family or given, given if family else "", prefix=prefix)
    given, _, family = name.rpartition(" ")
    return Provider(family, given, prefix=prefix)


@dataclass(frozen=True)
class Dose:
    id: int
    cvx_code: str
    product_name: str
    manufacturer: str
    lot_number: str
    administered_on: date
    dose_number: int
    site: str  # a key of SITES
    route: str  # a key of ROUTES
    performer: str
    location_name: str
    location_pin: str
    recorded_at: datetime | None = None
    entered_late: bool = False
    amount_ml: str | None = None  # the volume given; None when unknown
    lot_expires: date | None = None  # the lot's expiration date (RXA-16, expirationDate)
    edited: bool = False  # corrected after it was recorded
    removed: bool = False  # removed as entered in error: withdrawn from the registry
    removal_reason: str | None = None
    provider: Provider | None = None  # the performer matched to a known person
    entered_by: Provider | None = None  # the account that recorded it (ORC-10)
    extra: dict = field(default_factory=dict)

    @property
    def given_by(self) -> Provider:
        return self.provider or provider_named(self.performer)

    @property
    def action(self) -> str:
        """HL7 table 0323 (RXA-21): the registry adds, updates or deletes its copy."""
        return "D" if self.removed else "U" if self.edited else "A"


def fhir_patient(person: Person, resource_id: str | None = None,
                 identifier: dict | None = None) -> Patient:
    address = ([{"line": [person.street], "city": person.city, "state": person.state,
                 "postalCode": person.zip_code}] if person.street else None)
    return Patient.model_validate({
        "resourceType": "Patient", "id": resource_id,
        "identifier": [identifier] if identifier else None,
        "name": [{"family": person.last_name, "given": [person.first_name]}],
        "birthDate": person.birth_date.isoformat(), "address": address,
        "telecom": [{"system": "phone", "value": person.phone}] if person.phone else None})


def fhir_immunization(person_ref: str, dose: Dose, *, minimal: bool = False,
                      base: str = "") -> Immunization:
    """One administered dose. `minimal` keeps to what a SMART Health Card carries; otherwise
    the dose and its site carry their identifiers under the program's `base` URL."""
    resource = {
        "resourceType": "Immunization",
        "status": "entered-in-error" if dose.removed else "completed",
        "vaccineCode": {"coding": [{"system": CVX, "code": dose.cvx_code}]},
        "patient": {"reference": person_ref},
        "occurrenceDateTime": dose.administered_on.isoformat(),
        "lotNumber": dose.lot_number,
        "performer": [{"actor": {"display": dose.location_name}}],
    }
    if not minimal:
        route_code, route_text = FHIR_ROUTES[dose.route]
        site = {"identifier": {"system": base + PIN_SID, "value": dose.location_pin},
                "display": dose.location_name}
        resource.update({
            "id": f"administration-{dose.id}",
            "identifier": [{"system": base + ADMINISTRATION_SID, "value": str(dose.id)}],
            "vaccineCode": {"coding": [{"system": CVX, "code": dose.cvx_code,
                                        "display": dose.product_name}],
                            "text": dose.product_name},
            "primarySource": True,
            "manufacturer": {"display": dose.manufacturer},
            "expirationDate": dose.lot_expires.isoformat() if dose.lot_expires else None,
            "location": {"display": dose.location_name},
            "site": {"coding": [{"system": ACT_SITE, "code": dose.site,
                                 "display": SITES[dose.site]}]},
            "route": {"coding": [{"system": ROUTE, "code": route_code, "display": route_text}]},
            "performer": [{"actor": {"display": dose.performer}}, {"actor": site}],
            "protocolApplied": [{"doseNumberPositiveInt": dose.dose_number}],
        })
        if dose.recorded_at is not None:
            resource["recorded"] = dose.recorded_at.isoformat()
        if dose.removed and dose.removal_reason:
            resource["statusReason"] = {"text": dose.removal_reason}
    return Immunization.model_validate(resource)


def _urn(system: str, value: object) -> str:
    """A record's name in a bundle: the same uuid (v5, of its identifier) at every export."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{system}/{value}')}"


def fhir_immunizations(person: Person, doses: list[Dose], *, base: str) -> Bundle:
    """A searchset-like collection for the state registry: the patient and every dose, those
    removed as entered in error included (status entered-in-error), so a registry that took
    one learns it was withdrawn. Each entry's fullUrl is a urn:uuid the Immunizations
    reference (FHIR R4 §2.36.4.1: a relative reference resolves only against a RESTful base);
    identifiers are under the program's `base` URL."""
    recipients = base + RECIPIENT_SID
    patient_url = _urn(recipients, person.id)
    patient = fhir_patient(person, f"recipient-{person.id}",
                           {"system": recipients, "value": str(person.id)})
    entries = [{"fullUrl": patient_url, "resource": patient}]
    entries += [{"fullUrl": _urn(base + ADMINISTRATION_SID, dose.id),
                 "resource": fhir_immunization(patient_url, dose, base=base)}
                for dose in doses]
    return Bundle.model_validate({"resourceType": "Bundle", "type": "collection",
                                  "entry": entries})


def health_card_bundle(person: Person, doses: list[Dose]) -> dict:
    """The FHIR bundle a SMART Health Card carries: the patient's name and birth date and each
    dose's vaccine, date, lot and where it was given, with `resource:N` references."""
    patient = {"resourceType": "Patient",
               "name": [{"family": person.last_name, "given": [person.first_name]}],
               "birthDate": person.birth_date.isoformat()}
    entries = [{"fullUrl": "resource:0", "resource": patient}]
    entries += [{"fullUrl": f"resource:{n}",
                 "resource": fhir_immunization("resource:0", dose, minimal=True)
                 .model_dump(mode="json", exclude_none=True)}
                for n, dose in enumerate(doses, start=1)]
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    Bundle.model_validate(bundle)
    return bundle


def _ts(moment: date | datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%S%z" if isinstance(moment, datetime) else "%Y%m%d")


def vxu_message(person: Person, dose: Dose, *, control_id: str, sent_at: datetime,
                sending_facility: str = "NCCVMS", receiving: str = "NCIR") -> str:
    """An HL7 v2.5.1 VXU^V04 (CDC IG for immunization messaging, release 1.5): MSH, PID, ORC,
    RXA, RXR and the dose's funding OBXs. Validated against the 2.5.1 structure by hl7apy before it is returned. ORC-3
    names the record, so an update or deletion (RXA-21) reaches the registry's copy."""
    message = Message("VXU_V04", version="2.5.1", validation_level=VALIDATION_LEVEL.STRICT)
    message.msh.msh_3 = "CVMS"
    message.msh.msh_4 = sending_facility
    message.msh.msh_5 = receiving
    message.msh.msh_6 = receiving
    message.msh.msh_7 = _ts(sent_at)
    message.msh.msh_9 = "VXU^V04^VXU_V04"
    message.msh.msh_10 = control_id
    message.msh.msh_11 = "P"
    message.msh.msh_12 = "2.5.1"
    message.msh.msh_15 = "ER"
    message.msh.msh_16 = "AL"
    message.msh.msh_18 = "UNICODE UTF-8"  # table 0211: names may carry accents (ASCII if empty)
    message.msh.msh_21 = "Z22^CDCPHINVS"

    message.pid.pid_1 = "1"
    message.pid.pid_3 = f"{person.id}^^^NCCVMS^MR"
    message.pid.pid_5.xpn_1.fn_1 = Text(person.last_name)
    message.pid.pid_5.xpn_2 = Text(person.first_name)
    message.pid.pid_5.xpn_7 = "L"
    message.pid.pid_7 = _ts(person.birth_date)
    if person.street:
        _address(message.pid.pid_11, person)
    if person.phone:
        message.pid.pid_13 = f"^PRN^PH^^^{person.phone[:3]}^{person.phone[3:]}"

    order = message.add_group("VXU_V04_ORDER")
    order.orc.orc_1 = "RE"
    order.orc.orc_3 = f"{dose.id}^NCCVMS"
    if dose.entered_by is not None:  # the guide's RE; no ordering provider is recorded (ORC-12)
        _provider(order.orc.orc_10, dose.entered_by)
    rxa = order.add_segment("RXA")
    rxa.rxa_1 = "0"
    rxa.rxa_2 = "1"
    rxa.rxa_3 = _ts(dose.administered_on)
    rxa.rxa_4 = _ts(dose.administered_on)
    _coded(rxa.rxa_5, dose.cvx_code, dose.product_name, "CVX")
    rxa.rxa_6 = dose.amount_ml or "999"  # the CDC guide's "999": amount unknown
    if dose.amount_ml:
        rxa.rxa_7 = "mL^milliliters^UCUM"
    rxa.rxa_9 = "00^New immunization record^NIP001"
    _provider(rxa.rxa_10, dose.given_by)
    rxa.rxa_11.la2_4.hd_1 = dose.location_pin  # the Provider PIN, a code of ours
    rxa.rxa_15 = Text(dose.lot_number)
    if dose.lot_expires is not None:  # the guide's RE: sent whenever it is known
        rxa.rxa_16 = _ts(dose.lot_expires)
    _coded(rxa.rxa_17, MVX.get(dose.cvx_code, "UNK"), dose.manufacturer, "MVX")
    rxa.rxa_20 = "CP"  # completed; a deletion repeats the dose as it was sent, RXA-21 "D"
    rxa.rxa_21 = dose.action
    route_code, route_text = ROUTES[dose.route]
    rxr = order.add_segment("RXR")
    rxr.rxr_1 = f"{route_code}^{route_text}^NCIT"
    rxr.rxr_2 = f"{dose.site}^{SITES[dose.site]}^HL70163"
    _funding(order, person, dose)
    message.validate()
    return message.to_er7()


def _years_old(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _funding(order, person: Person, dose: Dose) -> None:
    """The administered dose's OBX observations the CDC guide asks for: its funding program
    eligibility (64994-7), known here only for an adult (19 or older on the day: never VFC
    eligible; a child's Medicaid or insurance is not recorded, so nothing is claimed), and its
    funding source (30963-3): the program's vaccine, bought with public funds."""
    observations = []
    if _years_old(person.birth_date, dose.administered_on) >= 19:
        observations.append(("64994-7^Vaccine funding program eligibility category^LN",
                             "V01^Not VFC eligible^HL70064",
                             "VXC40^Eligibility captured at the immunization level^CDCPHINVS"))
    observations.append(("30963-3^Vaccine funding source^LN", "VXC50^Public^CDCPHINVS", None))
    for number, (code, value, method) in enumerate(observations, start=1):
        obx = order.add_group("VXU_V04_OBSERVATION").add_segment("OBX")
        obx.obx_1 = str(number)
        obx.obx_2 = "CE"
        obx.obx_3 = code
        obx.obx_4 = str(number)  # each observation its own group (the guide's OBX-4)
        obx.obx_5 = value
        obx.obx_11 = "F"
        obx.obx_14 = _ts(dose.administered_on)
        if method:
            obx.obx_17 = method


# Values from the records go in as hl7apy datatypes (Text), which escape them; a string
# assigned to a field is read as ER7 instead, its | ^ & ~ taken for separators.
def _address(xad, person: Person) -> None:
    xad.xad_1.sad_1 = Text(person.street)
    xad.xad_3 = Text(person.city)
    xad.xad_4 = Text(person.state)
    xad.xad_5 = Text(person.zip_code)
    xad.xad_6 = "USA"
    xad.xad_7 = "L"


def _coded(ce, code: str, text: str, system: str) -> None:
    ce.ce_1 = code
    ce.ce_2 = Text(text)
    ce.ce_3 = system


def _provider(xcn, provider: Provider) -> None:
    """XCN as the CDC guide reads RXA-10: the license number, issued in NC, and its type."""
    if provider.license:
        xcn.xcn_1 = Text(provider.license)
        xcn.xcn_9 = "NC"
        xcn.xcn_13 = provider.license_type
    xcn.xcn_2.fn_1 = Text(provider.family)
    if provider.given:
        xcn.xcn_3 = Text(provider.given)
    if provider.middle:
        xcn.xcn_4 = Text(provider.middle)
    if provider.prefix:
        xcn.xcn_6 = Text(provider.prefix)


def parse_vxu(text: str) -> Message:
    """Read a VXU back (the registry's side, and the tests')."""
    return parse_message(text.replace("\n", "\r"), validation_level=VALIDATION_LEVEL.STRICT,
                         find_groups=True)
