"""Help-desk categories, teams, routing and service levels: the rules live here, in one place."""

import re
from datetime import timedelta
from enum import StrEnum

from core import i18n
from core.i18n import N_
from core.security import versioned_capability


class Category(StrEnum):
    ACCESS = "access"
    ENROLLMENT = "enrollment"
    PROVIDER_BULK_UPLOAD = "provider_bulk_upload"
    USER_ONBOARDING = "user_onboarding"
    RECIPIENT_BULK_UPLOAD = "recipient_bulk_upload"
    INVENTORY = "inventory"
    RECIPIENT_QUESTION = "recipient_question"
    OTHER = "other"

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]


CATEGORY_LABELS = {
    Category.ACCESS: "Access and sign-in",
    Category.ENROLLMENT: "Provider enrollment",
    Category.PROVIDER_BULK_UPLOAD: "Practicing provider bulk upload",
    Category.USER_ONBOARDING: "User onboarding",
    Category.RECIPIENT_BULK_UPLOAD: "Recipient bulk upload",
    Category.INVENTORY: "Vaccine inventory",
    Category.RECIPIENT_QUESTION: "Question from a vaccine recipient",
    Category.OTHER: "Something else",
}


# Case statuses (models.helpdesk.CaseStatus) in the words pages and emails show people.
CASE_STATUS_LABELS = {
    "new": "New, not yet picked up",
    "in_progress": "Being worked on",
    "awaiting_requester": "Waiting for the requester",
    "resolved": "Resolved",
    "closed": "Closed",
}


def case_status_label(status: str) -> str:
    return CASE_STATUS_LABELS.get(status, status)


class Team(StrEnum):
    ACCESS = "access"
    ENROLLMENT = "enrollment"
    BULK_UPLOADS = "bulk_uploads"
    INVENTORY = "inventory"
    RECIPIENTS = "recipients"
    GENERAL = "general"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


# Which team's queue each category lands in. Change routing here and only here.
ROUTING: dict[Category, Team] = {
    Category.ACCESS: Team.ACCESS,
    Category.USER_ONBOARDING: Team.ACCESS,
    Category.ENROLLMENT: Team.ENROLLMENT,
    Category.PROVIDER_BULK_UPLOAD: Team.BULK_UPLOADS,
    Category.RECIPIENT_BULK_UPLOAD: Team.BULK_UPLOADS,
    Category.INVENTORY: Team.INVENTORY,
    Category.RECIPIENT_QUESTION: Team.RECIPIENTS,
    Category.OTHER: Team.GENERAL,
}

# (first response target, resolution target), counted in the desk's hours of operation
# (core/settings.py HELPDESK_HOURS: 12 open hours make a weekday) and only while the case is
# not waiting on the requester. A case is flagged at WARN_AT of a target and escalated to the
# team lead past it.
BUSINESS_DAY = timedelta(hours=12)
SERVICE_LEVELS: dict[Team, tuple[timedelta, timedelta]] = {
    Team.ACCESS: (timedelta(hours=8), 2 * BUSINESS_DAY),
    Team.ENROLLMENT: (BUSINESS_DAY, 3 * BUSINESS_DAY),
    Team.BULK_UPLOADS: (BUSINESS_DAY, 3 * BUSINESS_DAY),
    Team.INVENTORY: (timedelta(hours=8), 2 * BUSINESS_DAY),
    Team.RECIPIENTS: (BUSINESS_DAY, 3 * BUSINESS_DAY),
    Team.GENERAL: (BUSINESS_DAY, 5 * BUSINESS_DAY),
}
WARN_AT = 0.8
INFO_REMINDER_AFTER = timedelta(days=2)  # a requester asked for information is reminded...
INFO_CLOSE_AFTER = timedelta(days=5)  # ...and the case closes if nobody answers
LAST_REMINDER_BEFORE = timedelta(days=1)  # (reminded again the day before it closes)
REOPEN_WITHIN = timedelta(days=7)  # a resolved case can be reopened, then closes for good
TEMPORARY_PASSWORD_VALID_FOR = timedelta(days=7)  # a registrant's emailed password, unused
CASE_LINK = "help-case"


def requester_case_path(secret: str, case_id: int, has_account: bool, version: int = 0) -> str:
    """Where the requester's emails lead: the case among their cases (they sign in), or, for a
    recipient who asked on the public form (no account), a personal link to the case: read
    the answers, reply, reopen. A capability, the same in every email about the case until an
    agent corrects the requester's email address (its `version`, Case.link_version)."""
    if has_account:
        return f"/help/cases/{case_id}"
    return f"/help/c/{case_id}/{versioned_capability(secret, CASE_LINK, case_id, version)}"

# Why a public requester is emailed their case's link alone (in the case update email), in
# their language.
LINK_EMAILED = {
    "readdressed": N_("The help desk corrected your email address on this case. This is your "
                      "new link to the case: the links sent before no longer work."),
    "asked": N_("You asked for the link to your case. If you did not ask for it, you can "
                "ignore this email."),
}

GENERIC_CODE = "VAC2021"  # registration without a Provider PIN
REGISTRATION_CODE = re.compile(r"NCA\d{6}|VAC2021")
REGISTRATION_CODE_HELP = ("Enter your Provider PIN: NCA followed by six digits (for example "
                          "NCA650001), or the generic code VAC2021 if you do not have one.")


def route(category: Category) -> Team:
    return ROUTING[category]


def case_number(case_id: int) -> str:
    return f"CS{case_id:07d}"


# A case's number as people type it: "CS0000012", copied from a letter as "CS-0000012", read
# out on the phone as "cs 12"; `bare` takes the digits alone too (the console's search box).
_NUMBER = re.compile(r"CS[\s-]*0*(\d{1,9})", re.IGNORECASE)
_BARE_NUMBER = re.compile(r"(?:CS[\s-]*)?0*(\d{1,9})", re.IGNORECASE)


def case_id_of(text: str, bare: bool = False) -> int | None:
    """The case id a typed case number names, or None."""
    found = (_BARE_NUMBER if bare else _NUMBER).fullmatch(text.strip())
    return int(found[1]) if found else None


# Why the case workflow closes a case by itself: shown on the case and in its email, in a
# public requester's language (the catalogue has them).
NOBODY_ANSWERED = N_("Nobody answered the request for information.")
TOO_MANY_QUESTIONS = N_("You have sent several questions in the last hour. Wait an hour, or add "
                        "to a question you sent from the link in its email.")
TOO_MANY_FILES = N_("Many files were sent from here in the last hour. Send your message without "
                    "them, or attach them again in an hour.")
REOPENING_ENDED = N_("The reopening period ended.")
# The same reasons as the requester reads them, on their page and in the email: from their
# side, with the day it happened (the agents' page keeps the desk's words above).
REQUESTER_REASONS = {
    NOBODY_ANSWERED: N_("We closed the case because we did not hear back from you by "
                        "%(date)s."),
    REOPENING_ENDED: N_("We closed the case because the time to reopen it ended on %(date)s."),
}


def requester_reason(reason: str | None, closed_at) -> str | None:
    """Why a case closed, in the requester's words and language (the current one)."""
    if not reason:
        return None
    if reason not in REQUESTER_REASONS or closed_at is None:
        return i18n.gettext(reason)
    return i18n.gettext(REQUESTER_REASONS[reason]) % {"date": i18n.local_when(closed_at)}
