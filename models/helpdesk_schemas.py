"""Help-desk request and response bodies (API and forms alike)."""

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    ModelWrapValidatorHandler,
    ValidationError,
    computed_field,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from core.i18n import N_
from models.fields import Blankable, Id, OneLine, PersonName, Phone, fail
from models.helpdesk_rules import REGISTRATION_CODE, REGISTRATION_CODE_HELP, Category, Team
from models.input import Input
from models.inventory_schemas import RequestKey

LongText = Annotated[str, Field(min_length=1, max_length=10_000)]


class Form(Input):
    """Help-desk forms and bodies."""


class RequesterRegistrationIn(Form):
    first_name: PersonName
    last_name: PersonName
    email: EmailStr
    registration_code: Annotated[str, Field(max_length=20)] = ""

    @field_validator("registration_code")
    @classmethod
    def _code(cls, value: str) -> str:
        # as written on a packing list or read out on the phone: "NCA 650-001", "nca-650001"
        code = "".join(value.split()).replace("-", "").upper()
        if not REGISTRATION_CODE.fullmatch(code):
            raise ValueError(REGISTRATION_CODE_HELP)
        return code


class CaseIn(Form):
    category: Category
    subject: Annotated[str, Field(min_length=3, max_length=200), OneLine]
    description: LongText
    location_id: Annotated[int | None, Blankable] = None
    related_case_id: Annotated[int | None, Blankable] = None  # a follow-up of a closed case
    # The form's random key (api/templates/help/new_case.html): sent again, the same case.
    request_key: Annotated[RequestKey | None, Blankable] = None

    @field_validator("category")
    @classmethod
    def _providers_category(cls, value: Category) -> Category:
        """A recipient's question comes from the public form (no account), answered at the
        address it gives; a provider's case names one of the provider categories."""
        if value == Category.RECIPIENT_QUESTION:
            raise ValueError("Choose one of the categories listed: a vaccine recipient asks "
                             "their question on the public form, Ask a question.")
        return value


UNREACHABLE = N_("Give an email address or a phone number so we can answer you.")
NAME_MARKUP = N_("Write your name without < or >.")


def unreachable(email: object, phone: object) -> bool:
    """Neither an email address nor a phone number to answer at (blank is none)."""
    return not str(email or "").strip() and not str(phone or "").strip()


class PublicQuestionIn(Form):
    name: Annotated[str, Field(min_length=1, max_length=160), OneLine]
    email: Annotated[EmailStr | None, Blankable] = None
    phone: Annotated[Phone | None, Blankable] = None
    question: LongText
    language: Literal["en", "es"] = Field(
        default="en", description="The language to answer in: the case's pages and emails")
    # The form's random key: sent again (Back, then the button), the same question.
    request_key: Annotated[RequestKey | None, Blankable] = None

    @field_validator("name")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        """Any person's name as they write it (the form is anyone's), but not markup: it is
        what the emails greet them with."""
        if "<" in value or ">" in value:
            raise ValueError(NAME_MARKUP)
        return value

    @model_validator(mode="wrap")
    @classmethod
    def _reachable(cls, data: Any, handler: ModelWrapValidatorHandler) -> "PublicQuestionIn":
        """No way to answer is said with every other problem, not only once they are fixed
        (an "after" validator runs only when every field is valid)."""
        try:
            question = handler(data)
        except ValidationError as error:
            problems = error.errors()
            if isinstance(data, Mapping) and unreachable(data.get("email"), data.get("phone")) \
                    and not any(problem["loc"][:1] == ("email",) for problem in problems):
                raise ValidationError.from_exception_data(error.title, [
                    *(InitErrorDetails(type=PydanticCustomError(p["type"], p["msg"]),
                                       loc=p["loc"], input=p.get("input")) for p in problems),
                    InitErrorDetails(type=PydanticCustomError("value_error", UNREACHABLE),
                                     loc=("email",), input=None)]) from None
            raise
        if unreachable(question.email, question.phone):
            fail("email", UNREACHABLE)
        return question


class MessageIn(Form):
    body: LongText
    internal: bool = False
    # The reply form's random key (pages.request_key_input): sent again, the same message.
    request_key: Annotated[RequestKey | None, Blankable] = None


class ResolveIn(Form):
    notes: Annotated[str, Field(min_length=1, max_length=10_000,
                                description="Resolution notes; the requester receives them")]
    # The resolve form's random key: sent again (a double click, Back), the same resolution.
    request_key: Annotated[RequestKey | None, Blankable] = None


class AssignIn(Form):
    agent_id: Annotated[Id | None, Blankable] = Field(
        default=None, description="The agent to assign; empty: take the case yourself")


class ArticleIn(Form):
    # one line: it heads the article's page, the help centre's list and the form's suggestions
    title: Annotated[str, Field(min_length=3, max_length=200), OneLine]
    body: LongText
    category: Annotated[Category | None, Blankable] = None
    published: bool = True


class ImportIn(Form):
    attachment_id: Id
    location_id: Id
    valid_rows_only: bool = False


class CaseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    number: str
    category: Category
    team: Team
    subject: str
    description: str
    status: str
    requester_name: str
    assignee_id: int | None
    location_id: int | None
    related_case_id: int | None = None
    sla_flag: str | None
    sla_due_at: datetime | None = None
    created_at: datetime
    resolved_at: datetime | None
    resolution_notes: str | None
    closed_reason: str | None


class CasePage(BaseModel):
    """A page of cases: `total` match, `pages` pages of them; a page past the last is empty."""

    items: list[CaseOut]
    total: int
    page: int
    pages: int


class MessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    author_name: str
    author_kind: str
    internal: bool
    kind: str
    body: str
    created_at: datetime


class CaseStatusOut(BaseModel):
    """What an agent's or requester's action on a case left it in."""

    status: str = Field(description=(
        "The case's status after the action: new, in_progress, awaiting_requester (asked for "
        "information), resolved (reopened within 7 days, else closed) or closed"))


class ArticleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    body: str
    category: Category | None
    published: bool
    updated_at: datetime

    @computed_field(description="The version of the article as read: send it (or the answer's "
                                "ETag) in If-Match to change the article")
    @property
    def version(self) -> str:
        return self.updated_at.replace(tzinfo=None).isoformat(timespec="microseconds")


class RowError(BaseModel):
    row: int
    column: str
    message: str


class ImportReport(BaseModel):
    valid_rows: int
    errors: list[RowError]
    imported: int = 0
    location_id: int | None = None


class RegistrationDone(BaseModel):
    user_id: int
    username: str
    next_step: str = "We emailed you a username and a temporary password."
