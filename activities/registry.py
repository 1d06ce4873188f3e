"""Builds every activity object from its injected dependencies."""

from collections.abc import Callable
from typing import Any

from temporalio import activity

from activities.accounts import AccountActivities
from activities.care import CareActivities
from activities.enrollment import EnrollmentActivities
from activities.files import FileActivities
from activities.helpdesk import HelpdeskActivities
from activities.inventory import InventoryActivities
from activities.mailer import Mailer
from activities.portal import PortalActivities
from activities.recipients import RecipientActivities
from activities.review import ReviewActivities
from activities.signing import SigningActivities
from core.db import SessionFactory
from core.settings import Settings
from notifications.sender import MailSender


def _methods(obj: object) -> list[Callable[..., Any]]:
    found = []
    for name in dir(type(obj)):
        method = getattr(obj, name)
        if callable(method) and activity._Definition.from_callable(method) is not None:
            found.append(method)
    return found


def build_activities(sessions: SessionFactory, sender: MailSender,
                     settings: Settings) -> list[Callable[..., Any]]:
    mailer = Mailer(sessions, sender, settings)
    objects = [AccountActivities(mailer), EnrollmentActivities(mailer),
               SigningActivities(mailer), ReviewActivities(mailer),
               HelpdeskActivities(mailer), InventoryActivities(mailer),
               PortalActivities(mailer),
               RecipientActivities(mailer), CareActivities(mailer), FileActivities(mailer)]
    return [method for obj in objects for method in _methods(obj)]
