"""The registration form: the person's details, checked as an upload row is, and the
questionnaire's answers."""

from typing import Literal

from models.eligibility import QUESTIONS
from models.recipient_rules import RecipientIn

YesNo = Literal["yes", "no"]


class RegistrationIn(RecipientIn):
    health_care_worker: YesNo
    long_term_care: YesNo
    high_risk_condition: YesNo
    shared_living: YesNo

    def answers(self) -> dict[str, str]:
        return {key: getattr(self, key) for key in QUESTIONS}
