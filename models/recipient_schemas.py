"""The registration form: the person's details, checked as an upload row is, and the
questionnaire's answers."""

from typing import Any, Literal

from pydantic import field_validator

from core.i18n import N_
from models.eligibility import QUESTIONS
from models.recipient_rules import RecipientIn, language_code

YesNo = Literal["yes", "no"]


class RegistrationIn(RecipientIn):
    health_care_worker: YesNo
    long_term_care: YesNo
    high_risk_condition: YesNo
    shared_living: YesNo
    language: str  # chosen on the form (an upload's row that names none means English)

    @field_validator("language", mode="before")
    @classmethod
    def _language(cls, value: Any) -> str:
        if not str(value or "").strip():
            raise ValueError(N_("Choose the language for your emails."))
        return language_code(str(value))

    def answers(self) -> dict[str, str]:
        return {key: getattr(self, key) for key in QUESTIONS}
