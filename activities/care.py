"""The second-dose reminder's steps: read when it is due, and email the recipient once."""

import asyncio

from sqlmodel import select
from temporalio import activity

from activities.mailer import LOOK_AGAIN_AFTER, MailingActivities, missing, present
from core import i18n
from models.administration_store import reminder_due
from models.administrations import (
    BOOKED,
    CANCELLED,
    RELEASED,
    WITHDRAWN,
    Administration,
    Appointment,
    AppointmentSlot,
)
from models.base import as_utc
from models.care_rules import reminder_time
from models.contracts import (
    AppointmentBooking,
    AppointmentEmail,
    AppointmentRef,
    ReminderPlan,
    ReminderRef,
)
from models.enrollment import Location, Organization
from models.inventory import Product
from models.recipient_rules import recipient_path
from models.recipients import Recipient
from notifications.catalogue import (
    AppointmentNoticeContext,
    EmailKind,
    SecondDoseReminderContext,
)


def reminder_key(administration_id: int) -> str:
    return f"second-dose-reminder-{administration_id}:email"


async def _second_dose_booked(session, recipient_id: int) -> AppointmentSlot | None:
    """The slot of the person's second-dose appointment still to come, when they booked one
    (with their first dose, at the desk or on their link): the reminder names it, as asking
    them to book left them unsure it stood (and booking again is refused). Still to come on
    the process's clock, as the reminder's due time is."""
    now = activity.info().current_attempt_scheduled_time
    return (await session.exec(select(AppointmentSlot).join(
        Appointment, Appointment.slot_id == AppointmentSlot.id).where(
        Appointment.recipient_id == recipient_id, Appointment.status == BOOKED,
        AppointmentSlot.dose_number == 2, AppointmentSlot.starts_at > now)
        .order_by(AppointmentSlot.starts_at))).first()


class CareActivities(MailingActivities):
    @activity.defn
    async def reminder_plan(self, data: ReminderRef) -> ReminderPlan:
        async with self.sessions() as session:
            administration = await present(session, Administration, data.administration_id, "administration")
            due = await reminder_due(session, administration)
        # the process's clock (a test server's skipped time too): a due time passed is the
        # next morning's
        now = activity.info().current_attempt_scheduled_time
        return ReminderPlan(due=due and reminder_time(due, now))

    @activity.defn
    async def send_second_dose_reminder(self, data: ReminderRef) -> bool:
        """Email the recipient (once), unless the reminder is no longer needed or the
        recipient gave no email address."""
        async with self.sessions() as session:
            first = await present(session, Administration, data.administration_id, "administration")
            due = await reminder_due(session, first)
            person = await session.get(Recipient, first.recipient_id)
            if due is None or not person.email:
                return False
            product = await session.get(Product, first.product_id)
            location = await session.get(Location, first.location_id)
            organization = await session.get(Organization, location.organization_id)
            home = await session.get(Location, person.location_id)  # where their link books
            booked = await _second_dose_booked(session, person.id)
            with i18n.language(person.language):
                booked_when = i18n.local_when(booked.starts_at) if booked else ""
            # where the time was booked (a desk may book at another of its locations)
            place = booked and (home if booked.location_id == home.id
                                else await session.get(Location, booked.location_id))
            # its phone: its organization's (the first dose's when it is the same one)
            host = place and (organization if place.organization_id == organization.id
                              else await session.get(Organization, place.organization_id))
            context = SecondDoseReminderContext(
                recipient_name=person.first_name, product_name=product.name,
                location_name=location.name, location_address=location.address,
                location_phone=organization.phone or "", booking=home.appointments_on,
                first_dose_on=first.administered_on,
                due_on=due.date(), language=person.language,
                appointment_when=booked_when,
                appointment_place=place and place.name or "",
                appointment_address=place and place.address or "",
                appointment_phone=host and host.phone or "",
                portal_url=self.settings.link(
                    recipient_path(self.secret, person.id, person.link_version)))
            to = person.email
        return await self.mailer.send(reminder_key(data.administration_id),
                                      EmailKind.SECOND_DOSE_REMINDER, [to], context)

    @activity.defn
    async def read_appointment(self, data: AppointmentRef) -> AppointmentBooking:
        """The booking as it stands: its status, how often it moved and its current time."""
        for pause in (0, *LOOK_AGAIN_AFTER):  # the commit follows the telling by milliseconds
            await asyncio.sleep(pause)
            async with self.sessions() as session:
                appointment = await present(session, Appointment, data.appointment_id,
                                            "appointment")
                # released (its dose recorded elsewhere or earlier) or withdrawn (unfit after a
                # dose's correction): ended, as a cancellation is
                status = (CANCELLED if appointment.status in (RELEASED, WITHDRAWN)
                          else appointment.status)
                if status == CANCELLED or not (
                        data.cancelled or appointment.moves < data.moves_at_least):
                    slot = await session.get(AppointmentSlot, appointment.slot_id)
                    return AppointmentBooking(status=status, moves=appointment.moves,
                                              starts_at=as_utc(slot.starts_at))
        # told of the change just before its commit and still not committed: the next attempt
        # looks again (given up after a few minutes, when the change did not commit)
        raise missing(f"the change told of appointment {data.appointment_id}")

    @activity.defn
    async def send_appointment_email(self, data: AppointmentEmail) -> bool:
        """The booking's confirmation, its move to another time (once per move, with the time
        it has when sent) or its cancellation once it is cancelled (once each)."""
        async with self.sessions() as session:
            appointment = await present(session, Appointment, data.appointment_id, "appointment")
            if data.change == "cancelled" and appointment.status not in (CANCELLED, RELEASED,
                                                                         WITHDRAWN):
                return False
            if data.change == "moved" and (appointment.status != "booked"
                                           or appointment.moves == 0):
                return False
            event = (f"moved-{appointment.moves}" if data.change == "moved" else data.change)
            person = await session.get(Recipient, appointment.recipient_id)
            slot = await session.get(AppointmentSlot, appointment.slot_id)
            location = await session.get(Location, slot.location_id)
            if not person.email:
                return False
            with i18n.language(person.language):
                when_text = i18n.local_when(slot.starts_at)
            context = AppointmentNoticeContext(
                recipient_name=person.first_name,
                change=(appointment.status if data.change == "cancelled"
                        and appointment.status in (RELEASED, WITHDRAWN) else data.change),
                location_name=location.name, when_text=when_text,
                location_address=location.address, booking=location.appointments_on,
                dose_number=slot.dose_number, language=person.language,
                portal_url=self.settings.link(
                    recipient_path(self.secret, person.id, person.link_version)
                    + "/appointments"))
            to = person.email
        return await self.mailer.send(f"appointment-{data.appointment_id}:{event}",
                                      EmailKind.APPOINTMENT_NOTICE, [to], context)
