"""Portal accounts' and employers' workflow inputs and commands."""

from datetime import timedelta

from pydantic import BaseModel

from models.contracts.base import Command


class PortalInvitationInput(BaseModel):
    user_id: int
    manager_id: int
    location_id: int
    valid_for: timedelta = timedelta(days=14)
    # The address this round invites: a correction's round may run before the API commits the
    # corrected address (None: the account's address, as the first rounds had it).
    email: str | None = None


class LocationAccessInput(BaseModel):
    """A help-desk requester's account made staff of a manager's location (from the manager's
    User onboarding case): the person is told where they now work."""

    user_id: int
    manager_id: int
    location_id: int


class ContactValidationInput(BaseModel):
    contact_id: int
    round: int  # the contact's link number: a re-send is a new round (and a new workflow)
    manager_id: int
    valid_for: timedelta = timedelta(hours=48)
    ask_within: timedelta = timedelta(days=30)  # how long the expired page can ask for more


class ValidateContact(Command):
    link_id: int


class AskNewLink(Command):
    link_id: int


class ContactClaim(BaseModel):
    """The validate update's activity input: which link of which round claims the contact."""

    contact_id: int
    round: int
    link_id: int
