"""Eligibility from rules kept as data (models/eligibility_rules.json, or the file named by
ELIGIBILITY_RULES): the state changes the phases, their groups and which phases are open
without a code change. Pages, the registration and tests all call `evaluate`."""

import json
import os
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from core.i18n import N_
from core.timefmt import eastern_today

RULES = Path(__file__).parent / "eligibility_rules.json"

QUESTIONS = {
    "health_care_worker": N_("Do you work in health care, with in-person contact with patients "
                             "or with infectious material?"),
    "long_term_care": N_("Do you live or work in a long-term care facility, such as a nursing "
                         "home or an adult care home?"),
    "high_risk_condition": N_("Do you have a medical condition that puts you at higher risk of "
                              "severe COVID-19 illness, such as cancer, chronic kidney disease, "
                              "diabetes, heart disease or obesity?"),
    "shared_living": N_("Do you live in a shared setting, such as a group home, a shelter or "
                        "a correctional facility?"),
}

STATUSES = {
    "eligible": (N_("Eligible now"),
                 N_("You can be vaccinated now.")),
    "waiting": (N_("Not yet: your group's phase is not open"),
                N_("Your group will be vaccinated in a later phase. When your phase opens, "
                   "your status here changes. Check this page again from time to time.")),
    "not_eligible": (N_("Not eligible"),
                     N_("COVID-19 vaccines are not yet authorized for people of your age.")),
    "unknown": (N_("Not registered yet"),
                N_("Complete your registration to see when you can be vaccinated.")),
}

# The same statuses as staff read them beside the person's record (English, as staff pages).
STAFF_STATUSES = {"eligible": "Eligible now",
                  "waiting": "Not yet: their group's phase is not open",
                  "not_eligible": "Not eligible", "unknown": "Not registered yet"}


def staff_status(status: str, vaccinated: bool, where: str | None = None) -> str:
    """A person's eligibility as staff see it. Someone given a dose was judged eligible by the
    provider who gave it (a walk-in, a paper form): beside that dose, "Waiting" alone would
    say otherwise. Then what their answers say is given as theirs, after that judgment; the
    person's own page keeps their answers' status."""
    said = STAFF_STATUSES.get(status, status.replace("_", " ").capitalize())
    if status == "eligible" or not vaccinated:
        return said
    by = f"the provider who vaccinated them at {where}" if where else (
        "the provider who vaccinated them")
    alone = f"{said[0].lower()}{said[1:]}".replace(":", ",")
    return f"Judged eligible by {by}. By their answers alone: {alone}"


@dataclass(frozen=True)
class Eligibility:
    status: str
    phase: str | None = None
    group: str | None = None
    phase_label: dict[str, str] | None = None
    group_label: dict[str, str] | None = None


@cache
def rules(path: str | None = None) -> dict[str, Any]:
    chosen = Path(path or os.environ.get("ELIGIBILITY_RULES") or RULES)
    return json.loads(chosen.read_text())


def group_label(code: str | None, language: str = "en") -> str | None:
    """A group's name as the rules spell it for people (its code is for storage only)."""
    for phase in rules()["phases"]:
        for group in phase["groups"]:
            if group["code"] == code:
                return group["label"].get(language) or group["label"]["en"]
    return code


def months_on(born: date, today: date) -> int:
    """Whole months of age on a day (6 months old from the day the sixth month is complete)."""
    return (today.year - born.year) * 12 + today.month - born.month - (today.day < born.day)


def age_on(born: date, today: date) -> int:
    return months_on(born, today) // 12


def _holds(condition: dict[str, Any], facts: dict[str, Any]) -> bool:
    if "answer" in condition:
        return facts["answers"].get(condition["answer"]) == condition["equals"]
    if "industry_in" in condition:
        return facts["industry"] in condition["industry_in"]
    if "age_at_least" in condition:
        return facts["age"] >= condition["age_at_least"]
    raise ValueError(f"unknown eligibility condition {condition}")


def evaluate(born: date, industry: str, answers: dict[str, str], today: date | None = None,
             table: dict[str, Any] | None = None) -> Eligibility:
    table = table or rules()
    facts = {"age": age_on(born, today or eastern_today()), "industry": industry,
             "answers": answers}
    if facts["age"] < table.get("minimum_age", 16):
        return Eligibility("not_eligible")
    for phase in table["phases"]:
        for group in phase["groups"]:
            if any(_holds(c, facts) for c in group["any"]):
                status = "eligible" if phase["code"] in table["open_phases"] else "waiting"
                return Eligibility(status, phase["code"], group["code"], phase["label"],
                                   group["label"])
    return Eligibility("not_eligible")
