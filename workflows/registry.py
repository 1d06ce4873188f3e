"""Every workflow the worker runs."""

from workflows.account import AccountActivationWorkflow

WORKFLOWS: list[type] = [
    AccountActivationWorkflow,
]
