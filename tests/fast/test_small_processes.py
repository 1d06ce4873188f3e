"""The shorter processes, activities faked: accounts, password resets, help-desk welcomes, the
signing round's reminders, transfers and the health workflow."""

import itertools
import random
from datetime import timedelta

from temporalio.client import WorkflowUpdateFailedError

from models.contracts import (
    AccountActivationInput,
    AskNewLink,
    ConfirmEmail,
    ContactValidationInput,
    OfficerSign,
    PasswordResetInput,
    RenewLink,
    RoundOpened,
    RoundRequest,
    SignatureRecorded,
    SigningRoundInput,
    TransferActor,
    TransferDecision,
    TransferInput,
    ValidateContact,
    WelcomeInput,
)
from tests.fast.fakes import Fakes, eventually
from workflows.account import AccountActivationWorkflow, PasswordResetWorkflow
from workflows.case import RequesterWelcomeWorkflow
from workflows.health import HealthWorkflow
from workflows.portal import ContactValidationWorkflow
from workflows.signing import SigningRoundWorkflow
from workflows.transfer import TransferWorkflow

DAY = timedelta(days=1)
NUMBERS = itertools.count(random.randrange(10_000, 90_000) * 1000 + 900)


async def refused(update, *args) -> str:
    try:
        await update(*args)
    except WorkflowUpdateFailedError as error:
        return f"{error.cause.type}: {error.cause}"
    raise AssertionError("the update was accepted")


async def test_a_registration_is_confirmed_once_or_expires_after_seven_days(ts_env, workers):
    fake = Fakes()
    task_queue = await workers.start(fake)
    client = ts_env.client
    confirmed = await client.start_workflow(
        AccountActivationWorkflow.run, AccountActivationInput(user_id=next(NUMBERS)),
        id=f"fast-account-{next(NUMBERS)}", task_queue=task_queue)
    assert await confirmed.execute_update(AccountActivationWorkflow.confirm_email,
                                          ConfirmEmail(link_id=1)) == "verified"
    assert (await confirmed.result()).outcome == "verified"
    ignored = await client.start_workflow(
        AccountActivationWorkflow.run, AccountActivationInput(user_id=next(NUMBERS)),
        id=f"fast-account-{next(NUMBERS)}", task_queue=task_queue)
    assert (await ignored.result()).outcome == "expired"  # seven days, skipped
    assert fake.count("expire_registration") == 1 and fake.count("activate_account") == 1


async def test_registering_again_sends_a_fresh_link_and_a_fresh_window(ts_env, workers):
    fake = Fakes()
    task_queue = await workers.start(fake)
    handle = await ts_env.client.start_workflow(
        AccountActivationWorkflow.run, AccountActivationInput(user_id=next(NUMBERS)),
        id=f"fast-account-{next(NUMBERS)}", task_queue=task_queue)
    await eventually(lambda: fake.count("send_verification") == 1)
    await ts_env.sleep(6 * DAY)
    await handle.signal(AccountActivationWorkflow.send_again)
    await eventually(lambda: fake.count("send_verification") == 2)
    await ts_env.sleep(6 * DAY)  # twelve days since the first link, six since the second
    assert await handle.query(AccountActivationWorkflow.status) == "awaiting_confirmation"
    assert await handle.execute_update(AccountActivationWorkflow.confirm_email,
                                       ConfirmEmail(link_id=2)) == "verified"
    assert (await handle.result()).outcome == "verified"
    assert [call["round"] for call in fake.calls["send_verification"]] == [0, 1]
    assert fake.count("expire_registration") == 0


async def test_a_reset_link_dies_after_an_hour_and_a_welcome_is_sent_once(ts_env, workers):
    fake = Fakes()
    task_queue = await workers.start(fake)
    reset = await ts_env.client.start_workflow(
        PasswordResetWorkflow.run, PasswordResetInput(user_id=1, request="r1"),
        id=f"fast-reset-{next(NUMBERS)}", task_queue=task_queue)
    await reset.result()
    welcome = await ts_env.client.start_workflow(
        RequesterWelcomeWorkflow.run, WelcomeInput(user_id=1),
        id=f"fast-welcome-{next(NUMBERS)}", task_queue=task_queue)
    await welcome.result()
    assert [fake.count(n) for n in ("send_password_reset", "expire_password_reset",
                                    "send_credentials")] == [1, 1, 1]


def opened(data: dict) -> RoundOpened:
    return RoundOpened(round_id=data["number"], requests=[
        RoundRequest(request_id=1, officer_role="ceo", document="provider_agreement"),
        RoundRequest(request_id=2, officer_role="cmo", document="provider_agreement")])


async def test_a_signing_round_reminds_every_three_days_and_escalates_once(ts_env, workers):
    fake = Fakes(open_round=opened, record_signature=lambda d: SignatureRecorded(
        signature_id=d["request_id"], request_id=d["request_id"]))
    task_queue = await workers.start(fake)
    number = next(NUMBERS)
    handle = await ts_env.client.start_workflow(
        SigningRoundWorkflow.run, SigningRoundInput(organization_id=number, number=1,
                                                    location_ids=[1]),
        id=f"fast-round-{number}", task_queue=task_queue)
    await eventually(lambda: fake.count("send_links") == 1)
    sign = OfficerSign(request_id=1, link_id=1, method="typed", typed_name="Chief")
    await handle.execute_update(SigningRoundWorkflow.sign, sign)
    assert "Gone" in await refused(handle.execute_update, SigningRoundWorkflow.sign, sign)
    await handle.execute_update(SigningRoundWorkflow.renew_link, RenewLink(request_id=2))
    await ts_env.sleep(10 * DAY + timedelta(hours=1))
    await eventually(lambda: fake.count("escalate") == 1)
    labels = [call["label"] for call in fake.calls["send_links"]]
    assert labels[:2] == ["request", "renew-1"]
    assert [label for label in labels if label.startswith("reminder")] == [
        "reminder-1", "reminder-2", "reminder-3"]
    await handle.execute_update(SigningRoundWorkflow.sign, sign.model_copy(
        update={"request_id": 2, "link_id": 2}))
    outcome = await handle.result()
    assert outcome.complete and fake.count("send_receipt") == 2
    assert fake.count("record_signature") == 2, "the refused second use never reached the DB"


async def test_a_transfer_escalates_undecided_and_flags_unreceived(ts_env, workers):
    fake = Fakes()
    task_queue = await workers.start(fake)
    handle = await ts_env.client.start_workflow(
        TransferWorkflow.run, TransferInput(transfer_id=next(NUMBERS)),
        id=f"fast-transfer-{next(NUMBERS)}", task_queue=task_queue)
    await ts_env.sleep(2 * DAY + timedelta(hours=1))
    await eventually(lambda: any(c["kind"] == "escalated"
                                 for c in fake.calls["send_transfer_email"]))
    site = TransferActor(user_id=4)
    assert "Forbidden" in await refused(handle.execute_update, TransferWorkflow.decide,
                                        TransferDecision(reviewer_id=4, reviewer_role="provider",
                                                         approve=True))
    assert "Conflict" in await refused(handle.execute_update, TransferWorkflow.ship, site)
    assert await handle.execute_update(TransferWorkflow.decide, TransferDecision(
        reviewer_id=9, reviewer_role="reviewer", approve=True)) == "approved"
    assert await handle.execute_update(TransferWorkflow.ship, site) == "shipped"
    await ts_env.sleep(5 * DAY + timedelta(hours=1))
    await eventually(lambda: any(c["kind"] == "flagged"
                                 for c in fake.calls["send_transfer_email"]))
    assert await handle.execute_update(TransferWorkflow.receive, site) == "received"
    assert await handle.result() == "received"
    assert [fake.count(n) for n in ("ship", "receive")] == [1, 1]


async def test_the_health_workflow_answers_while_a_worker_polls(ts_env, workers):
    task_queue = await workers.start(Fakes())
    handle = await ts_env.client.start_workflow(HealthWorkflow.run, id=f"fast-health-{task_queue}",
                                                task_queue=task_queue)
    assert await handle.query(HealthWorkflow.ping) == "ok"


async def test_a_contact_validates_within_48_hours_or_the_timer_expires_the_link(ts_env,
                                                                               workers):
    fake = Fakes()
    task_queue = await workers.start(fake)
    client = ts_env.client

    async def started(contact_id: int):
        return await client.start_workflow(
            ContactValidationWorkflow.run,
            ContactValidationInput(contact_id=contact_id, round=1, manager_id=1),
            id=f"fast-contact-{next(NUMBERS)}", task_queue=task_queue)

    prompt, late = await started(next(NUMBERS)), await started(next(NUMBERS))
    user_id = await prompt.execute_update(ContactValidationWorkflow.validate,
                                          ValidateContact(link_id=1))
    # Awaiting a result lets the test server skip ahead to the next timer whenever every
    # workflow is idle, which would be the late contact's 48 hours: not here.
    with ts_env.auto_time_skipping_disabled():
        assert user_id > 1000 and await prompt.result() == "validated"
        assert "not expired" in await refused(late.execute_update,
                                              ContactValidationWorkflow.ask_new_link,
                                              AskNewLink(link_id=2))
    await ts_env.sleep(timedelta(hours=48, minutes=1))
    await eventually(lambda: fake.count("expire_contact_link") == 1)
    assert (await refused(late.execute_update, ContactValidationWorkflow.validate,
                          ValidateContact(link_id=2))).startswith("Gone")
    await late.execute_update(ContactValidationWorkflow.ask_new_link, AskNewLink(link_id=2))
    assert await late.result() == "expired"
    assert fake.count("send_contact_welcome") == 1 and fake.count("notify_new_link_asked") == 1


async def test_a_cancellation_whose_signal_was_lost_is_emailed_at_the_appointment_time(
        ts_env, workers):
    from models.contracts import AppointmentBooking, AppointmentInput
    from workflows.appointment import AppointmentWorkflow
    from workflows.releases import RELEASE

    cancelled_in_database = {"yes": True}
    fake = Fakes(send_appointment_email=lambda d: True,
                 read_appointment=lambda d: AppointmentBooking(
                     status="cancelled" if cancelled_in_database["yes"] else "booked"))
    task_queue = await workers.start(fake)
    starts_at = await ts_env.get_current_time() + 2 * DAY
    lost = await ts_env.client.start_workflow(
        AppointmentWorkflow.run, AppointmentInput(appointment_id=next(NUMBERS),
                                                  starts_at=starts_at, release=RELEASE),
        id=f"fast-appointment-{next(NUMBERS)}", task_queue=task_queue)
    assert await lost.result() == "cancelled", "no signal came: the booking was read at the time"
    cancelled_in_database["yes"] = False
    held = await ts_env.client.start_workflow(
        AppointmentWorkflow.run, AppointmentInput(appointment_id=next(NUMBERS),
                                                  starts_at=starts_at + DAY, release=RELEASE),
        id=f"fast-appointment-{next(NUMBERS)}", task_queue=task_queue)
    assert await held.result() == "held"
    assert fake.count("send_appointment_email", change="cancelled") == 1
    assert fake.count("send_appointment_email", change="booked") == 2


async def test_a_moved_appointment_is_emailed_and_followed_to_its_new_time(ts_env, workers):
    """A move (hinted by the signal) is emailed once with the new time; the process then waits
    for the new time, not the old one; a hint with nothing new sends nothing."""
    from models.contracts import AppointmentBooking, AppointmentInput
    from workflows.appointment import AppointmentWorkflow
    from workflows.releases import RELEASE

    now = await ts_env.get_current_time()
    booking = {"moves": 0, "starts_at": now + 2 * DAY}
    fake = Fakes(send_appointment_email=lambda d: True,
                 read_appointment=lambda d: AppointmentBooking(status="booked", **booking))
    task_queue = await workers.start(fake)
    handle = await ts_env.client.start_workflow(
        AppointmentWorkflow.run, AppointmentInput(appointment_id=next(NUMBERS),
                                                  starts_at=booking["starts_at"], release=RELEASE),
        id=f"fast-appointment-{next(NUMBERS)}", task_queue=task_queue)
    await eventually(lambda: fake.count("send_appointment_email", change="booked") == 1)
    await handle.signal(AppointmentWorkflow.recheck)  # nothing changed
    await eventually(lambda: fake.count("read_appointment") == 1)
    booking.update(moves=1, starts_at=now + 5 * DAY)
    await handle.signal(AppointmentWorkflow.recheck)
    await eventually(lambda: fake.count("send_appointment_email", change="moved") == 1)
    assert await handle.result() == "held"
    assert await ts_env.get_current_time() >= now + 5 * DAY, "it waited for the new time"
    assert fake.count("send_appointment_email", change="moved") == 1
    assert fake.count("send_appointment_email", change="cancelled") == 0
