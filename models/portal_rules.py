"""The provider portal's profiles, what each profile sees, and the employer vocabularies.

Pure data and functions: pages, the access declarations and the tests read them alike."""

from dataclasses import dataclass
from functools import cache

import pycountry

from models.enums import Role
from models.recipient_rules import INDUSTRIES as RECIPIENT_INDUSTRIES

PROFILES = (Role.LOCATION_MANAGER, Role.PROVIDER, Role.PROVIDER_READONLY)
MANAGER = Role.LOCATION_MANAGER
# Profiles that may change anything at a location (read-only users never may).
ACTING = frozenset({Role.LOCATION_MANAGER, Role.PROVIDER})
SEARCH_MIN = 3
PAGE_SIZE = 20


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    href: str


HOME = Tab("home", "Home", "/portal")
RECIPIENTS = Tab("recipients", "Recipients", "/portal/tabs/recipients")
APPOINTMENTS = Tab("appointments", "Appointments", "/portal/tabs/appointments")
BULK = Tab("bulk", "Bulk Registration", "/recipients")  # the recipient bulk upload
INVENTORY = Tab("inventory", "Vaccine Inventory", "/inventory")
SHIPMENTS = Tab("shipments", "Shipments", "/portal/tabs/shipments")
REPORTS = Tab("reports", "Reports", "/portal/tabs/reports")
ACCOUNTS = Tab("accounts", "Account Management", "/portal/accounts")
ORGANIZATIONS = Tab("organizations", "Organization Management", "/portal/organizations")
HELP = Tab("help", "Help", "/help")

TABS: dict[Role, tuple[Tab, ...]] = {
    Role.LOCATION_MANAGER: (HOME, RECIPIENTS, APPOINTMENTS, BULK, INVENTORY, SHIPMENTS,
                            REPORTS, ACCOUNTS, ORGANIZATIONS, HELP),
    Role.PROVIDER: (HOME, RECIPIENTS, APPOINTMENTS, HELP),
    Role.PROVIDER_READONLY: (HOME, RECIPIENTS, APPOINTMENTS, HELP),
}
# Tabs served by /portal/tabs/{key}: the active location's page (recipients, appointments,
# reports at the point of care; shipments at its inventory).
PLACEHOLDERS = {tab.key: tab for tab in (RECIPIENTS, APPOINTMENTS, SHIPMENTS, REPORTS)}


def tabs_for(profile: Role | None) -> tuple[Tab, ...]:
    return TABS.get(profile, ()) if profile else ()


def may_change(profile: Role | None) -> bool:
    return profile in ACTING


# An employer's industry is one of the recipients' (SPEC 5 and 6): one list, the one their
# eligibility reads (models/recipient_rules.py), so an organization and its employees are
# filed alike. An employer keeps the industry's English name.
INDUSTRIES = tuple(RECIPIENT_INDUSTRIES.values())


@cache
def states() -> tuple[str, ...]:
    """US states, DC and territories, spelled out (the seed guide asks for the full name)."""
    return tuple(sorted(s.name for s in pycountry.subdivisions.get(country_code="US")))


@cache
def state_spelled_out() -> dict[str, str]:
    """Each of those by its name and by its two-letter code (lower case), as the rest of the
    API takes a state: its name as kept."""
    found = {}
    for s in pycountry.subdivisions.get(country_code="US"):
        found[s.name.lower()] = found[s.code.removeprefix("US-").lower()] = s.name
    return found


class ContactStatus:
    """A point of contact's validation: pending (link sent), validated, or expired."""

    PENDING = "pending"
    VALIDATED = "validated"
    EXPIRED = "expired"
    # Never stored: read from an address that has a CVMS account already (the point of
    # contact of another organization, say), whose validation link cannot open another one.
    ACCOUNT_EXISTS = "account_exists"
    LABELS = {PENDING: "Waiting for validation", VALIDATED: "Validated",
              EXPIRED: "Link expired",
              ACCOUNT_EXISTS: "Cannot validate: this address already has a CVMS account "
                              "(perhaps as the point of contact of another organization). "
                              "Add a point of contact with another email address."}
