"""Point-of-care request and response bodies (API and forms alike)."""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from models.fields import MAX_ID, AsTyped, Id, fail, no_markup
from models.input import Input
from models.inventory_schemas import RequestKey

Site = Literal["LA", "RA", "LD", "RD", "LT", "RT"]
Route = Literal["IM", "SC", "ID"]
DoseNumber = Annotated[int, Field(ge=1, le=6), AsTyped]
# The administering provider as written ("Dr. Rivera, RN"), not markup: it goes into HL7 RXA-10
ProviderName = Annotated[str, Field(min_length=2, max_length=160), no_markup()]


class Form(Input):
    """Point-of-care forms and bodies."""


class AdministrationIn(Form):
    recipient_id: Id
    lot_id: Id
    dose_number: DoseNumber
    administered_on: date
    site: Site
    route: Route
    provider_name: ProviderName
    request_key: RequestKey
    # The dose was given as entered although it breaks the series' rules (earlier than the
    # interval, another product than the earlier dose): recorded as it happened, never lost.
    confirmed: bool = False


class AdministrationEdit(Form):
    lot_id: Id | None = None  # another lot: the dose moves between the lots' ledgers
    dose_number: DoseNumber
    administered_on: date
    site: Site
    route: Route
    provider_name: ProviderName
    confirmed: bool = False  # as AdministrationIn's


class RemovalIn(Form):
    reason: Annotated[str, Field(min_length=3, max_length=500)]
    # a dose with a later dose of the series recorded after it is removed only when confirmed
    remove_anyway: bool = False


class AdministrationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    recipient_id: int
    location_id: int
    product_id: int
    lot_id: int
    dose_number: int
    administered_on: date
    site: str
    route: str
    provider_name: str
    status: str
    entered_late: bool
    created_at: datetime
    removed_at: datetime | None = None


class CareRecipientOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    first_name: str
    last_name: str
    date_of_birth: date
    location_id: int
    # A walk-in's answer: the same legal name and date of birth was registered before (that
    # record is returned; the details typed were not used), and what to tell the person (also
    # when an invited person's registration was completed from what was typed).
    already_registered: bool = False
    notice: str | None = None


class WalkInOut(CareRecipientOut):
    # Only where the location keeps the person's details (api/domain/care.py keeps_details):
    # when they registered (a paper form's day), whether that was entered late, and the
    # eligibility their answers give today. Another organization's walk-in gets none of them.
    registered_at: datetime | None = None
    registered_late: bool | None = None
    eligibility: str | None = None
    # Registered now (or their invitation completed) with an email address: their Recipient
    # Portal link is being emailed to them.
    link_emailed: bool = False


class CarePage(BaseModel):
    items: list[CareRecipientOut]
    total: int
    page: int
    pages: int


class CheckInOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    recipient_id: int
    location_id: int
    checked_in_at: datetime
    already_checked_in: bool = False  # checked in already today: this is that check-in
    notice: str | None = None


class RegistryQuery(Input):
    """Which doses a registry asks for: a location's, given between two days, changed (given,
    corrected or removed) since a moment; a page of them."""

    location_id: Id | None = None
    given_from: date | None = None
    given_to: date | None = None
    changed_since: AwareDatetime | None = Field(
        default=None, description="With its time zone, e.g. 2026-12-01T00:00:00Z")
    limit: Annotated[int, Field(ge=1, le=500)] = 100
    offset: Annotated[int, Field(ge=0, le=MAX_ID)] = 0

    @model_validator(mode="after")
    def _ordered(self) -> "RegistryQuery":
        if self.given_from and self.given_to and self.given_to < self.given_from:
            fail("given_to", "The last day must not be before the first.", "RegistryQuery")
        return self


class RegistryDose(BaseModel):
    id: int
    recipient_id: int
    location_id: int
    provider_pin: str
    administered_on: date
    dose_number: int
    status: str
    changed_at: datetime
    vxu: str
    fhir: str


class RegistryPage(BaseModel):
    items: list[RegistryDose]
    total: int
    limit: int
    offset: int
