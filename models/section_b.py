"""Section B, step by step: what each step asks and how it is validated (pages and API alike)."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    EmailStr,
    Field,
    ValidationError,
    create_model,
    model_validator,
)

from models.enrollment_enums import AGE_GROUPS, POPULATIONS, PROVIDER_TYPES, SETTINGS, WEEKDAYS
from models.fields import (
    AsTyped,
    Blankable,
    City,
    Count,
    OptionalAddress,
    OptionalName,
    PersonName,
    Phone,
    State,
    Street,
    ZipCode,
    fail,
    fail_many,
    pattern,
)
from models.input import Input, valid_fields


class Step(Input):
    """One step of Section B. Its rules between fields are `cross_checks`: run after the
    fields validate, and also (`also_refused`, which api.forms asks) on the fields that did
    when others did not, so a page says every problem at once, not one batch per Next."""

    def cross_checks(self) -> None:
        """Raise (fail, fail_many) naming each field a rule between fields refuses."""

    @model_validator(mode="after")
    def _cross_checked(self) -> "Step":
        self.cross_checks()
        return self

    @classmethod
    def also_refused(cls, data: Mapping[str, Any], errors: Mapping[str, str]) -> dict[str, str]:
        values: dict[str, Any] = {
            name: None if field.is_required() else field.get_default(call_default_factory=True)
            for name, field in cls.model_fields.items()}
        values.update(valid_fields(cls, data, errors))
        try:
            cls.model_construct(**values).cross_checks()
        except ValidationError as error:
            return {str(e["loc"][0]): e["msg"] for e in error.errors()
                    if e["loc"] and str(e["loc"][0]) not in errors}
        return {}


def _missing(model: BaseModel, fields: list[str], message: str) -> dict[str, str]:
    return {name: message for name in fields if getattr(model, name) in (None, "")}


class LocationInfo(Step):
    shipping_street: Street
    shipping_street2: OptionalAddress
    shipping_city: City
    shipping_state: State
    shipping_zip: ZipCode
    admin_address_differs: bool
    admin_street: OptionalAddress
    admin_city: OptionalAddress
    admin_state: Annotated[State | None, Blankable] = None
    admin_zip: Annotated[ZipCode | None, Blankable] = None
    other_org_orders: bool
    ordering_organization: OptionalName

    def cross_checks(self) -> None:
        problems = {}
        if self.admin_address_differs:
            problems.update(_missing(self, ["admin_street", "admin_city", "admin_state",
                                            "admin_zip"],
                                     "Enter the address where vaccine is administered."))
        if self.other_org_orders:
            problems.update(_missing(self, ["ordering_organization"],
                                     "Name the organization that orders vaccine for this "
                                     "location."))
        fail_many(problems)


class Coordinators(Step):
    primary_phone: Phone
    backup_first_name: PersonName  # as every other person's name (letters, a name's punctuation)
    backup_last_name: PersonName
    backup_email: EmailStr
    backup_phone: Phone


NA = "NA"
TimeOrNA = Annotated[str, pattern(r"NA|([01]\d|2[0-3]):[0-5]\d", "Choose a time or N/A.")]
SLOTS = [("am", "Morning", "00:00", "12:00"), ("pm", "Evening", "12:00", "23:59")]


def slot_fields() -> list[str]:
    return [f"{day}_{slot}_{end}" for day, _ in WEEKDAYS for slot, *_ in SLOTS
            for end in ("from", "to")]


class _Slots(Step):
    """Monday-Friday, a morning and an evening slot, From/To as HH:MM or NA."""

    def cross_checks(self) -> None:
        values = self.model_dump()
        available, problems = 0, {}  # every slot's problem at once, each on its row
        for day, day_name in WEEKDAYS:
            for slot, slot_name, earliest, latest in SLOTS:
                start = values.get(f"{day}_{slot}_from") or NA
                end = values.get(f"{day}_{slot}_to") or NA
                problem = _slot_problem(start, end, earliest, latest)
                if problem:
                    problems[f"{day}_{slot}_from"] = f"{day_name} {slot_name.lower()}: {problem}"
                available += start != NA
        fail_many(problems)
        if not available:
            fail("mon_am_from", "Choose at least one time slot when you can receive shipments.")


def _slot_problem(start: str, end: str, earliest: str, latest: str) -> str | None:
    if start == NA and end == NA:
        return None
    if NA in (start, end):
        return "choose both From and To times, or N/A for both."
    if not (earliest <= start < end <= latest):
        within = f"no later than {latest}" if earliest == "00:00" else f"from {earliest} on"
        return f"the From time must be before the To time, both {within}."
    return None


Availability = create_model("Availability", __base__=_Slots,
                            **{name: (TimeOrNA, NA) for name in slot_fields()})

ProviderType = Literal[tuple(value for value, _ in PROVIDER_TYPES)]  # type: ignore[valid-type]
Setting = Literal[tuple(value for value, _ in SETTINGS)]  # type: ignore[valid-type]
Population = Literal[tuple(value for value, _ in POPULATIONS)]  # type: ignore[valid-type]


class ProviderProfile(Step):
    provider_type: ProviderType
    settings: list[Setting] = Field(min_length=1)
    age_0_18: Count
    age_0_18_unknown: bool = False
    age_19_64: Count
    age_19_64_unknown: bool = False
    age_65_up: Count
    age_65_up_unknown: bool = False
    patients_per_week: Annotated[int, Field(ge=0, le=1_000_000), AsTyped]
    peak_flu_doses: Annotated[int, Field(ge=0, le=10_000_000), AsTyped]

    def cross_checks(self) -> None:
        problems = {}
        for field, _label in AGE_GROUPS:  # the summary names the field by its label
            number, unknown = getattr(self, field), getattr(self, f"{field}_unknown")
            if number is None and not unknown:
                problems[field] = "Enter the annual number of patients or choose Unknown."
            elif number is not None and unknown:  # the number was dropped for "Unknown"
                problems[field] = "Enter the number or choose Unknown, not both."
        fail_many(problems)


class PopulationStorage(Step):
    populations: list[Population] = Field(min_length=1)
    iis_number: Annotated[str, pattern(r"[A-Za-z0-9-]{3,20}", "Enter your NCIR or IIS number: "
                                       "3 to 20 letters, digits or dashes.")]
    no_capacity: bool = False
    refrigerated_vials: Count
    frozen_vials: Count
    ultra_cold_vials: Count

    def cross_checks(self) -> None:
        vials = ["refrigerated_vials", "frozen_vials", "ultra_cold_vials"]
        if not self.no_capacity:
            some = any(getattr(self, name) not in (None, "") for name in vials)
            fail_many(_missing(self, vials, (
                "Enter the vials you can store of this kind, or enter 0 if this location has "
                "none.") if some else ("Enter your storage capacity in 10-dose vials, or "
                                       "choose No capacity.")))
        elif any(getattr(self, name) for name in vials):
            fail("no_capacity", "Choose No capacity or enter the vials you can store, not both.")


@dataclass(frozen=True)
class StepInfo:
    number: int
    key: str
    title: str
    schema: type[Step] | None = None


STEPS = [
    StepInfo(2, "location", "Location information", LocationInfo),
    StepInfo(3, "coordinators", "Vaccine coordinator details", Coordinators),
    StepInfo(4, "availability", "Availability to receive shipments", Availability),
    StepInfo(5, "provider", "Provider type and vaccination details", ProviderProfile),
    StepInfo(6, "population", "Populations served and storage capacity", PopulationStorage),
    StepInfo(7, "storage", "Storage units"),
    StepInfo(8, "providers", "Practicing providers"),
    StepInfo(9, "edit_providers", "Edit practicing providers"),
    StepInfo(10, "deactivate_providers", "Deactivate practicing providers"),
    StepInfo(11, "agreement", "Review and sign the provider agreement"),
    StepInfo(12, "attestation", "Storage and handling attestation"),
]
STEP_BY_KEY = {step.key: step for step in STEPS}
FORM_STEPS = [step for step in STEPS if step.schema is not None]
MAX_STORAGE_UNITS = 5
