"""Portal contact and employer bodies, shared by the JSON API and the pages' forms."""

from datetime import datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from models.enums import Role
from models.fields import (
    Id,
    Normalized,
    OneLine,
    PersonName,
    Phone,
    SingleSpaced,
    Text,
    ZipCode,
    fail,
    fail_many,
    optional_text,
    pattern,
)
from models.input import Input
from models.portal_rules import (
    INDUSTRIES,
    PROFILES,
    RECIPIENT_INDUSTRIES,
    SEARCH_MIN,
    state_spelled_out,
)

Username = Annotated[str, Field(min_length=3, max_length=80),
                     pattern(r"[A-Za-z0-9._-]+", "Use letters, digits, dots, dashes or "
                             "underscores, with no spaces.")]
Profile = Annotated[Role, Field(description="location_manager, provider or provider_readonly")]
OptionalPhone = Annotated[Phone | None, Field(default=None)]
# As long as the columns that keep them (user_account.title, employer.city and .state).
OptionalTitle = optional_text(120)
City = Annotated[str, Field(min_length=1, max_length=100), OneLine, SingleSpaced, Normalized]
StateName = Annotated[str, Field(  # spelled out
    min_length=1, max_length=40,
    description="A US state by its name or its two-letter code, like North Carolina or NC "
                "(kept spelled out)")]


class Strict(Input):
    """Blank text is left unset where a field may be, and stays empty text where it is required,
    so a required field left blank says "This field is required." (None would be refused as
    "Input should be a valid string")."""

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, str) and not value.strip():
            return "" if cls.model_fields[info.field_name].is_required() else None
        return value


def _profile(value: Role) -> Role:
    if value not in PROFILES:
        raise ValueError("Choose Healthcare Location Manager, Healthcare Provider or "
                         "Healthcare Provider (read-only).")
    return value


class PortalContactIn(Strict):
    first_name: PersonName
    last_name: PersonName
    email: EmailStr
    location_id: Id
    profile: Profile
    username: Username
    title: OptionalTitle = None
    phone: OptionalPhone = None

    _check_profile = field_validator("profile")(_profile)


class PortalContactEdit(Strict):
    """Only what is sent changes. A changed email sends nothing automatically."""

    first_name: PersonName | None = None
    last_name: PersonName | None = None
    email: EmailStr | None = None
    profile: Profile | None = None
    username: Username | None = None
    title: OptionalTitle = None
    phone: OptionalPhone = None
    location_id: Annotated[Id | None, Field(
        default=None, description="The location whose profile changes (one of yours the "
        "person works at): by default your active location, else their direct location")]

    _check_profile = field_validator("profile")(lambda v: v if v is None else _profile(v))

    @field_validator("first_name", "last_name", "email", mode="before")
    @classmethod
    def _cleared_is_refused(cls, value: object) -> object:
        """A name or address sent blank (a field emptied on the record's form) is refused, not
        read as "unchanged": the page said "Saved." and kept the old value. (A blank username
        is checked against the person: one who never had a username keeps none.) Checked with
        the other fields, so their problems are said at the same time."""
        if isinstance(value, str) and not value.strip():
            raise ValueError("This field is required.")
        return value


class LocationGrant(Strict):
    location_id: Id
    profile: Profile | None = None  # the person's profile at their direct location by default

    _check_profile = field_validator("profile")(lambda v: v if v is None else _profile(v))


class PortalJoin(Strict):
    """One of your locations added to the account of someone who works at another location of
    your organization, named by their email address."""

    email: EmailStr
    location_id: Id
    profile: Profile | None = None  # their profile at their direct location by default

    _check_profile = field_validator("profile")(lambda v: v if v is None else _profile(v))


class CaseLocationGrant(PortalJoin):
    """On a User onboarding case: the requesting manager's location added to the account of
    someone who has one already, named by their email address (the help desk's tool for
    someone of another organization, whose record the manager may not change)."""


class ActiveLocationIn(Strict):
    location_id: Id


class ActiveLocationForm(ActiveLocationIn):
    """The pages' switch: and the page to open there (a refusal's "switch and open this page"),
    one of this site's paths."""

    next: str | None = Field(default=None, max_length=2000)


class PeopleSearch(Strict):
    """By name or by username, never both at once; at least 3 characters."""

    name: Annotated[str, Field(max_length=80)] | None = None
    username: Annotated[str, Field(max_length=80)] | None = None
    page: Annotated[int, Field(ge=1, le=10_000)] = 1

    @model_validator(mode="before")
    @classmethod
    def _spaces_are_no_search(cls, data: object) -> object:
        """Only spaces would search for nothing and list everyone: too short, as elsewhere."""
        if isinstance(data, dict):
            fail_many({field: f"Enter at least {SEARCH_MIN} characters." for field in (
                "name", "username") if isinstance(data.get(field), str) and data[field]
                and not data[field].strip()})
        return data

    @model_validator(mode="after")
    def _one_at_a_time(self) -> "PeopleSearch":
        if self.name and self.username:
            fail("username", "Search by name or by username, not both at once. Clear one "
                             "of the two fields.")
        for field in ("name", "username"):
            value = getattr(self, field)
            if field == "name" and value is not None:  # "Last, First": the comma is no letter
                value = value.replace(",", " ")
            if value is not None and len("".join(value.split())) < SEARCH_MIN:
                fail(field, f"Enter at least {SEARCH_MIN} characters.")
        return self


def _long_enough(value: str) -> str:
    if len(value) < SEARCH_MIN:
        raise ValueError(f"Enter at least {SEARCH_MIN} characters.")
    return value


class EmployerSearch(Strict):
    q: Annotated[str, Field(max_length=120), AfterValidator(_long_enough)]
    # state staff's: only the organizations no vaccinating location serves yet (theirs to link)
    no_location: bool = False


def _state_name(value: str | None) -> str | None:
    if value is None:
        return None
    found = state_spelled_out().get(" ".join(value.split()).lower())
    if found is None:
        raise ValueError("Enter a US state by its name or its two-letter code, like North "
                         "Carolina or NC.")
    return found


# An industry by its name as the list shows it, in any case and spacing, or by its key as a
# recipient's industry takes it (`health_care`): an employer keeps the name.
_INDUSTRY_NAMED = {**{name.casefold(): name for name in INDUSTRIES},
                   **dict(RECIPIENT_INDUSTRIES.items())}


def _industry(value: str) -> str:
    found = _INDUSTRY_NAMED.get(" ".join(value.split()).casefold())
    if found is None:
        raise ValueError("Choose an industry from the list.")
    return found


class EmployerIn(Strict):
    """Name, industry and address are all required (SPEC 5); the columns stay nullable for
    employers created before the address was."""

    name: Annotated[Text, SingleSpaced, Normalized]
    industry: Annotated[str, Field(
        json_schema_extra={"enum": list(INDUSTRIES)},
        description="One of the industries by its name (or its key as a recipient's industry "
                    "takes it, like health_care); kept by its name")]
    street: Annotated[Text, SingleSpaced, Normalized]
    city: City
    state: StateName
    zip_code: ZipCode

    _check_state = field_validator("state")(_state_name)
    _check_industry = field_validator("industry")(_industry)


class ContactIn(Strict):
    first_name: PersonName
    last_name: PersonName
    email: EmailStr
    phone: OptionalPhone = None


class PortalUserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    first_name: str
    last_name: str
    email: str
    username: str | None
    title: str | None
    phone: str | None
    status: str
    invited: bool = False  # added and emailed an invitation, no password chosen yet
    # The profile at profile_location_id: the one of your locations the record shows and a
    # PATCH changes (named by profile_location_name)
    profile: Role | None = None
    profile_location_id: int | None = None
    profile_location_name: str | None = None
    direct_location_id: int | None = None
    location_ids: list[int] = []


class PeoplePage(BaseModel):
    items: list[PortalUserOut]
    page: int
    total: int


class EmployerOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    industry: str
    street: str | None
    city: str | None
    state: str | None
    zip_code: str | None
    confirmed: bool = False
    # the vaccinating location that registered it (or that state staff linked it to); None:
    # none yet, so its points of contact cannot upload their employees (or, in a manager's
    # search, one managed elsewhere: which location that is is not said)
    location_id: int | None = None
    location_name: str | None = None
    # False in a search: another location manages it (it is listed so nobody adds it twice)
    managed: bool = True
    # the Organization Portal's: the fingerprint of these details, to confirm them by
    details_key: str | None = None


class EmployerLocationIn(Strict):
    """The vaccinating location state staff link an organization they created to."""

    location: Annotated[Text, Field(description=(
        "The enrolled site: its Provider PIN (NCA and six digits), its id, or its whole name "
        "(a name that only one site has)"))]


class ConfirmIn(Strict):
    """The details' fingerprint the point of contact saw (`details_key`): changed since, they
    are not confirmed. Without it, the details as they are now are confirmed."""

    seen: Annotated[str | None, Field(max_length=64)] = None


class EmployerPage(BaseModel):
    """A page of a search: `total` matches, `items` from `offset` (at most `limit`)."""

    items: list[EmployerOut]
    total: int
    limit: int
    offset: int


class ContactOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    employer_id: int
    first_name: str
    last_name: str
    email: str
    phone: str | None
    status: str
    # False once a manager deactivated them (they left): no link or login of theirs works
    active: bool = True
    deactivated_at: datetime | None = None
