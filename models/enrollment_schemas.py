"""Section A and enrollment status: request and response bodies (API and forms alike)."""

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from models.enrollment_enums import (
    ORGANIZATION_TYPES,
    LicenseType,
    LocationStatus,
    OfficerRole,
    OrganizationStatus,
    StorageUnitType,
)
from models.fields import (
    NOT_A_NAME,
    Blankable,
    City,
    Id,
    Name,
    PersonName,
    Phone,
    ShortText,
    State,
    Street,
    ZipCode,
    is_name,
    no_markup,
    optional_text,
    pattern,
    person_name,
)
from models.input import Input
from models.schemas import NewPassword

OrganizationType = Literal[tuple(value for value, _ in ORGANIZATION_TYPES)]  # type: ignore[valid-type]


class Form(Input):
    """Enrollment forms and bodies."""


class OrganizationDetailsIn(Form):
    legal_name: Name
    org_type: OrganizationType
    street: Street
    city: City
    state: State
    zip_code: ZipCode
    phone: Phone
    email: EmailStr
    redistribution_participant: bool


DETAIL_LABELS = {"legal_name": "legal name", "org_type": "organization type",
                 "street": "street address", "city": "city", "state": "state",
                 "zip_code": "ZIP code", "phone": "phone", "email": "email",
                 "redistribution_participant": "redistribution participation"}


class LocationIn(Form):
    name: Name
    street: Street
    city: City
    state: State
    zip_code: ZipCode
    coordinator_first_name: PersonName
    coordinator_last_name: PersonName
    coordinator_email: EmailStr


class CoordinatorIn(Form):
    """A location's primary vaccine coordinator, corrected before they register."""

    coordinator_first_name: PersonName
    coordinator_last_name: PersonName
    coordinator_email: EmailStr


class OfficerIn(Form):
    name: person_name(160)  # type: ignore[valid-type]
    title: Annotated[str, Field(min_length=1, max_length=120), no_markup("title")]
    email: EmailStr


class OfficerOut(BaseModel):
    """An officer as stored: a paused draft keeps what was typed (a name alone, half an
    email), so nothing here is validated as `OfficerIn` is; submission checks it."""

    role: OfficerRole
    name: str
    title: str
    email: str


class LocationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    street: str
    city: str
    state: str
    zip_code: str
    coordinator_first_name: str
    coordinator_last_name: str
    coordinator_email: str
    status: LocationStatus
    status_since: datetime
    waiting_on: str | None
    providers_pending: bool


class OrganizationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    legal_name: str
    org_type: str | None
    street: str | None
    city: str | None
    state: str | None
    zip_code: str | None
    phone: str | None
    email: str | None
    redistribution_participant: bool | None
    status: OrganizationStatus
    submitted_at: datetime | None
    locations: list[LocationOut] = []
    officers: list[OfficerOut] = []


class InvitationOut(BaseModel):
    location_id: int
    location_name: str
    organization_name: str
    first_name: str
    last_name: str
    email: str
    has_account: bool


class CoordinatorRegistrationIn(NewPassword):
    """The coordinator's own name may correct what the administrator typed (empty: kept)."""

    first_name: Annotated[PersonName | None, Blankable] = None
    last_name: Annotated[PersonName | None, Blankable] = None


class ExistingAccountIn(Form):
    password: Annotated[str, Field(min_length=1, max_length=200)]


class ProviderIn(Form):
    first_name: PersonName
    middle_initial: Annotated[
        Annotated[str, pattern(r"[^\W\d_]", "Enter one letter, or leave it empty.")] | None,
        Blankable] = None
    last_name: PersonName
    license_type: LicenseType
    license_number: Annotated[str, Field(max_length=40), pattern(
        r"[A-Za-z0-9-]{3,40}", "Enter the license number as it appears on the license: 3 to "
                               "40 letters, digits or hyphens, without spaces.")]


class ProviderOut(BaseModel):
    """A provider as stored: a row kept before a rule of `ProviderIn` was tightened is shown,
    not refused (output is not input)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    first_name: str
    middle_initial: str | None = None
    last_name: str
    license_type: LicenseType
    license_number: str
    active: bool
    source: str


class DeactivateIn(Form):
    provider_ids: list[Id] = Field(min_length=1)


class StorageUnitIn(Form):
    brand: ShortText
    model: ShortText
    unit_type: StorageUnitType


class StorageUnitOut(BaseModel):
    """A storage unit as stored (as `ProviderOut`: not re-validated as input)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    brand: str
    model: str
    unit_type: StorageUnitType
    inside_photo_id: int
    outside_photo_id: int


class BulkUploadIn(Form):
    planned: bool


class SignatureIn(Form):
    """A coordinator's or an officer's "adopt and use" (the officers' `OfficerSignatureIn` adds
    to it). A typed signature is a person's name, as names are everywhere else: not markup, digits
    or emoji (it is shown as "/s/ ..." to reviewers and printed on the agreement). It need not
    be the account's name; with a drawn signature the typed box is not read. Checked with consent
    in `signature_problems`, before anything is stored or signed."""

    method: Literal["typed", "drawn"]
    typed_name: optional_text(160)  # type: ignore[valid-type]  # the column's length
    image: Annotated[Annotated[str, Field(max_length=800_000)] | None, Blankable] = None
    consent: bool = Field(description="Consent to sign electronically (adopt and use)")

    @classmethod
    def also_refused(cls, data: Mapping[str, Any], errors: Mapping[str, str]) -> dict[str, str]:
        """A form refused for one field still names consent and the typed name (api.forms)."""
        consent = data.get("consent") in (True, "true", "yes", "on")
        typed = str(data.get("typed_name") or "").strip()
        found = signature_problems(consent, data.get("method") or "typed", typed)
        return {k: v for k, v in found.items() if k not in errors}


def signature_problems(consent: bool, method: str, typed_name: str | None) -> dict[str, str]:
    """What an "adopt and use" signature lacks, every problem at once."""
    problems = {}
    if not consent:
        problems["consent"] = "Check the box to agree to sign electronically."
    if method == "typed" and not typed_name:
        problems["typed_name"] = "Type your full name to sign."
    elif method == "typed" and not is_name(typed_name):
        problems["typed_name"] = NOT_A_NAME
    return problems


class SignatureOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    document: str
    signer_role: str
    signer_name: str
    content_sha256: str
    method: str
    signed_at: datetime
    still_unsigned: list[str] = []  # an officer's other documents waiting in the same request


class SectionBOut(BaseModel):
    location: LocationOut
    steps: dict
    complete_steps: list[str]
    last_step: str
    bulk_upload_planned: bool
    storage_units: list[StorageUnitOut]
    providers: list[ProviderOut]
    signatures: list[SignatureOut]
    problems: list[str]


class LocationStatusOut(BaseModel):
    location: LocationOut
    reminders_sent: int | None = None
    next_reminder_at: datetime | None = None
