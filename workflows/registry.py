"""Every workflow the worker runs."""

from workflows.account import AccountActivationWorkflow, PasswordResetWorkflow
from workflows.appointment import AppointmentWorkflow
from workflows.case import CaseLinkWorkflow, CaseWorkflow, RequesterWelcomeWorkflow
from workflows.enrollment import OrganizationEnrollmentWorkflow
from workflows.files import FileSweepWorkflow
from workflows.health import HealthWorkflow
from workflows.location import LocationEnrollmentWorkflow
from workflows.portal import (
    ContactValidationWorkflow,
    LocationAccessWorkflow,
    PortalInvitationWorkflow,
)
from workflows.recipient_import import RecipientImportWorkflow, RecipientLinkWorkflow
from workflows.second_dose import SecondDoseReminderWorkflow
from workflows.signing import SigningRoundWorkflow
from workflows.transfer import TransferWorkflow

WORKFLOWS: list[type] = [
    AccountActivationWorkflow,
    PasswordResetWorkflow,
    OrganizationEnrollmentWorkflow,
    LocationEnrollmentWorkflow,
    SigningRoundWorkflow,
    CaseWorkflow,
    RequesterWelcomeWorkflow,
    CaseLinkWorkflow,
    TransferWorkflow,
    HealthWorkflow,
    PortalInvitationWorkflow,
    LocationAccessWorkflow,
    ContactValidationWorkflow,
    RecipientImportWorkflow,
    RecipientLinkWorkflow,
    SecondDoseReminderWorkflow,
    AppointmentWorkflow,
    FileSweepWorkflow,
]
