"""Roles and other closed vocabularies shared by the API, the workflows and the tables."""

from enum import StrEnum


class Role(StrEnum):
    ORG_ADMIN = "org_admin"
    COORDINATOR = "coordinator"
    REVIEWER = "reviewer"
    HELPDESK_AGENT = "helpdesk_agent"
    HELPDESK_LEAD = "helpdesk_lead"
    LOCATION_MANAGER = "location_manager"
    PROVIDER = "provider"
    PROVIDER_READONLY = "provider_readonly"
    ORG_CONTACT = "org_contact"
    RECIPIENT = "recipient"
    REQUESTER = "requester"  # registered for the help desk only

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ORG_ADMIN: "Organization Administrator",
    Role.COORDINATOR: "Primary Vaccine Coordinator",
    Role.REVIEWER: "Immunization Branch reviewer",
    Role.HELPDESK_AGENT: "Help desk agent",
    Role.HELPDESK_LEAD: "Help desk team lead",
    Role.LOCATION_MANAGER: "Healthcare Location Manager",
    Role.PROVIDER: "Healthcare Provider",
    Role.PROVIDER_READONLY: "Healthcare Provider (read-only)",
    Role.ORG_CONTACT: "Organization Point of Contact",
    Role.RECIPIENT: "Recipient",
    Role.REQUESTER: "Help desk requester",
}

HELPDESK_ROLES = frozenset({Role.HELPDESK_AGENT, Role.HELPDESK_LEAD})


class AccountStatus(StrEnum):
    PENDING_VERIFICATION = "pending_verification"
    ACTIVE = "active"
    EXPIRED = "expired"
    DEACTIVATED = "deactivated"
