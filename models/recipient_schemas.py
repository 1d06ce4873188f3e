"""The registration form: the person's details, checked as an upload row is, and the
questionnaire's answers. Staff registering someone at the point of care (a walk-in, or a paper
registration entered later) ask the same questions, checked by the same rules."""

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import field_validator

from core.i18n import DEFAULT, N_
from models.eligibility import QUESTIONS
from models.fields import Blankable, Phone
from models.input import Input
from models.recipient_rules import (
    REQUIRED,
    YES_OR_NO,
    Email,
    RecipientIn,
    language_code,
)

YesNo = Literal["yes", "no"]


class Answers(Input):
    """The questionnaire (models.eligibility.QUESTIONS), every question answered yes or no."""

    health_care_worker: YesNo
    long_term_care: YesNo
    high_risk_condition: YesNo
    shared_living: YesNo

    def answers(self) -> dict[str, str]:
        return {key: getattr(self, key) for key in QUESTIONS}


def ask_yes_or_no(errors: dict[str, str]) -> dict[str, str]:
    """A question left unanswered: say how to answer it."""
    return {key: YES_OR_NO if key in QUESTIONS and message == REQUIRED else message
            for key, message in errors.items()}


class WalkInIn(Answers, RecipientIn):
    """Staff registering someone at the point of care: their details and answers, and for a
    paper registration entered later the day the form was filled in (left out: today)."""

    registered_on: Annotated[date | None, Blankable] = None

    @field_validator("language", mode="before")
    @classmethod
    def _language_chosen(cls, value: Any) -> str:
        """The page's "- Select -" is no language: asked (their emails are written in it),
        as the registration form asks, not taken for English. Left out of an API call it is
        English (the field's default)."""
        if not str(value or "").strip():
            raise ValueError("Choose the person's preferred language: their emails are "
                             "written in it.")
        try:
            return language_code(str(value))
        except ValueError:  # none of the page's two choices: say which they are (the
            raise ValueError("Choose English or Spanish.") from None  # upload's "Write ...")


class RegistrationIn(Answers, RecipientIn):
    language: str  # chosen on the form (an upload's row that names none means English)

    @field_validator("language", mode="before")
    @classmethod
    def _language(cls, value: Any) -> str:
        if not str(value or "").strip():
            raise ValueError(N_("Choose the language for your emails."))
        try:
            return language_code(str(value))
        except ValueError:  # not one of the form's choices (a tampered form): English, the
            return DEFAULT  # default, as everywhere else (never the upload's "Write ...")


class ContactIn(Input):
    """Staff correcting a recipient's contact details (an address mistyped in an upload): the
    email address (blank: none) and the phone, checked as an upload row is."""

    phone: Phone
    email: Email = None

    @field_validator("email")
    @classmethod
    def _stored(cls, value: str | None) -> str | None:
        return value.lower() if value else None  # as a record keeps it (RecipientIn.record)
