"""Every workflow the worker runs."""

from workflows.account import AccountActivationWorkflow
from workflows.enrollment import OrganizationEnrollmentWorkflow
from workflows.location import LocationEnrollmentWorkflow

WORKFLOWS: list[type] = [
    AccountActivationWorkflow,
    OrganizationEnrollmentWorkflow,
    LocationEnrollmentWorkflow,
]
