"""Vocabularies of provider enrollment (Sections A and B)."""

from enum import StrEnum


class LocationStatus(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    AWAITING_SIGNATURES = "awaiting_signatures"
    PENDING_REVIEW = "pending_review"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        """The status in the words pages and emails show people."""
        return _LOCATION_LABELS[self.value]


# Whom a location waits on, in the words of its status projection (the location's workflow
# writes them; a page reads them, and says the review's itself in the moment before the
# workflow moves a location its officers' signatures already cover).
# Before the organization submits Section A no process runs for its locations (their
# coordinators are invited at the submission): the state's list says so itself.
WAITING_SECTION_A = "Organization Administrator: complete and submit Section A"
WAITING_REGISTRATION = "Vaccine coordinator: register from the invitation email"
WAITING_SECTION_B = "Vaccine coordinator: complete Section B"
WAITING_RESUBMISSION = "Vaccine coordinator: correct and resubmit Section B"
WAITING_OFFICERS = "Responsible officers (CEO and CMO): sign the provider agreement"
WAITING_REVIEW = "Immunization Branch: review the location"
WAITING_AFTER_REJECTION = "Vaccine coordinator: resubmit Section B after the rejection"


_LOCATION_LABELS = {
    "new": "Not started",
    "in_progress": "Section B in progress",
    "submitted": "Section B submitted",
    "awaiting_signatures": "Waiting for the officers' signatures",
    "pending_review": "Waiting for review",
    "approved": "Approved",
    "rejected": "Not approved \u2014 changes requested",
}

EDITABLE_STATUSES = frozenset({LocationStatus.NEW, LocationStatus.IN_PROGRESS})


class OrganizationStatus(StrEnum):
    DRAFT = "draft"  # Section A being filled
    SUBMITTED = "submitted"  # Section A done; locations enrolling

    @property
    def label(self) -> str:
        return {"draft": "Section A in progress", "submitted": "Section A submitted"}[self.value]


class OfficerRole(StrEnum):
    CEO = "ceo"
    CMO = "cmo"

    @property
    def label(self) -> str:
        return {"ceo": "Chief Executive Officer", "cmo": "Chief Medical Officer"}[self.value]


class LicenseType(StrEnum):
    MD = "MD"
    DO = "DO"
    NP = "NP"
    PA = "PA"
    RPH = "RPh"


class StorageUnitType(StrEnum):
    REFRIGERATOR = "refrigerator"
    FREEZER = "freezer"
    ULTRA_COLD = "ultra_cold_freezer"
    COMBINATION = "refrigerator_freezer"


ORGANIZATION_TYPES = [
    ("hospital", "Hospital"), ("pharmacy", "Pharmacy"), ("fqhc", "Community health center / FQHC"),
    ("clinic", "Clinic or medical practice"), ("ltcf", "Long-term care facility"),
    ("urgent_care", "Urgent care"), ("health_department", "Local health department"),
    ("other", "Other medical care facility"),
]

PROVIDER_TYPES = [
    ("hospital", "Hospital"), ("pharmacy", "Pharmacy"), ("medical_practice", "Medical practice"),
    ("fqhc", "FQHC / community health center"), ("ltcf", "Long-term care facility"),
    ("urgent_care", "Urgent care"), ("health_department", "Public health department"),
    ("occupational_health", "Occupational health"), ("other", "Other"),
]

SETTINGS = [
    ("inpatient", "Inpatient"), ("outpatient", "Outpatient"), ("pharmacy", "Pharmacy"),
    ("mass_vaccination", "Mass vaccination site"), ("mobile", "Mobile clinic"),
    ("workplace", "Workplace"), ("school", "School"), ("home", "Home visits"),
    ("correctional", "Correctional facility"), ("other", "Other"),
]

AGE_GROUPS = [("age_0_18", "Children (0–18 years)"), ("age_19_64", "Adults (19–64 years)"),
              ("age_65_up", "Adults (65 years and older)")]

POPULATIONS = [
    ("general", "General population"), ("healthcare_workers", "Healthcare workers"),
    ("ltc_residents", "Long-term care residents"), ("essential_workers", "Essential workers"),
    ("pediatric", "Children"), ("older_adults", "Adults 65 and older"),
    ("underlying_conditions", "People with underlying medical conditions"),
    ("racial_ethnic_minority", "Racial and ethnic minority groups"),
    ("tribal", "Tribal communities"), ("disabilities", "People with disabilities"),
    ("homeless", "People experiencing homelessness"), ("incarcerated", "Incarcerated people"),
    ("migrant", "Migrant or seasonal workers"), ("uninsured", "Uninsured or underinsured"),
    ("other", "Other"),
]

WEEKDAYS = [("mon", "Monday"), ("tue", "Tuesday"), ("wed", "Wednesday"), ("thu", "Thursday"),
            ("fri", "Friday")]

HOME_STATE = "NC"  # the program's state: new addresses start in it
US_STATES = [
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN",
    "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH",
    "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT",
    "VT", "VA", "WA", "WV", "WI", "WY",
]
