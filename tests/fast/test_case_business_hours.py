"""Service levels in the desk's hours (Mon-Fri 7-19, Sat 8-16 Eastern, NC holidays closed), on
the time-skipping server: a case is escalated when its target's open hours have passed."""

import itertools
import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

from models.business_hours import business_hours
from models.contracts import CaseInput, CaseMessageRef
from tests.fast.fakes import Fakes, eventually
from workflows.case import CaseWorkflow as Case
from workflows.releases import RELEASE

EASTERN = ZoneInfo("America/New_York")
HOURS = "Mon-Fri 07:00-19:00; Sat 08:00-16:00"
HOUR, MINUTE = timedelta(hours=1), timedelta(minutes=1)
NUMBERS = itertools.count(random.randrange(10_000, 90_000) * 1000 + 300)


def escalations(fake: Fakes) -> list[str]:
    return [c["detail"] for c in fake.calls["send_case_email"] if c["kind"] == "escalated"]


async def at(env, moment: datetime) -> None:
    """Skip the server's time forward to an Eastern wall-clock moment."""
    now = await env.get_current_time()
    assert moment > now, (moment, now)
    await env.sleep(moment - now)


def next_weekday(now: datetime, weekday: int, hour: int, closed: set[date]) -> datetime:
    day = now.astimezone(EASTERN).date() + timedelta(days=1)
    while day.weekday() != weekday or day in closed or day - timedelta(days=1) in closed:
        day += timedelta(days=1)
    return datetime.combine(day, time(hour), EASTERN)


async def open_at(env, workers, opened: datetime, target: timedelta):
    fake = Fakes()
    task_queue = await workers.start(fake)
    await at(env, opened)
    case_id = next(NUMBERS)
    data = CaseInput(case_id=case_id, response_target=target, resolution_target=40 * HOUR,
                     hours=business_hours(HOURS, "America/New_York", "US-NC", opened),
                     release=RELEASE)
    handle = await env.client.start_workflow(Case.run, data, id=f"fast-hours-{case_id}",
                                             task_queue=task_queue)
    return fake, handle


async def escalates_at(env, workers, opened: datetime, target: timedelta,
                       expected: datetime) -> None:
    fake, handle = await open_at(env, workers, opened, target)
    detail = await handle.query(Case.detail)
    due = detail.response_due_at
    assert abs(due - expected.astimezone(UTC)) < timedelta(seconds=5), due.astimezone(EASTERN)
    assert detail.next_step == "response:at_risk" and detail.business_hours
    await at(env, expected - MINUTE)
    await eventually(lambda: len(escalations(fake)) == 1)  # 80% of the target: flagged
    assert escalations(fake) == ["is near its response target"]
    await at(env, expected + MINUTE)
    await eventually(lambda: len(escalations(fake)) == 2)
    assert escalations(fake)[-1] == "is past its response target"
    await handle.execute_update(Case.resolve, CaseMessageRef(message_id=1, user_id=3))


def nc_holidays(now: datetime) -> set[date]:
    year = now.astimezone(EASTERN).year
    return set(holidays.country_holidays("US", subdiv="NC", years=[year, year + 1, year + 2]))


async def test_friday_evening_with_eight_hours_escalates_saturday_at_three(ts_env, workers):
    closed = nc_holidays(await ts_env.get_current_time())
    friday = next_weekday(await ts_env.get_current_time(), 4, 18, closed)
    saturday = friday + timedelta(days=1)
    assert saturday.date() not in closed
    await escalates_at(ts_env, workers, friday, 8 * HOUR,
                       datetime.combine(saturday.date(), time(15), EASTERN))


async def test_saturday_afternoon_with_four_hours_escalates_monday_at_ten(ts_env, workers):
    closed = nc_holidays(await ts_env.get_current_time())
    saturday = next_weekday(await ts_env.get_current_time(), 5, 15, closed)
    monday = saturday.date() + timedelta(days=2)
    while monday in closed:  # not this test's subject: find a plain weekend
        saturday = next_weekday(saturday, 5, 15, closed)
        monday = saturday.date() + timedelta(days=2)
    await escalates_at(ts_env, workers, saturday, 4 * HOUR,
                       datetime.combine(monday, time(10), EASTERN))


async def test_a_state_holiday_is_skipped(ts_env, workers):
    now = await ts_env.get_current_time()
    closed = nc_holidays(now)
    # A holiday between two ordinary weekdays (Veterans Day, Labor Day's Tuesday after...).
    holiday = next(d for d in sorted(closed) if d > now.astimezone(EASTERN).date()
                   + timedelta(days=1) and d.weekday() < 4 and d.weekday() > 0
                   and d - timedelta(days=1) not in closed and d + timedelta(days=1) not in closed)
    eve = datetime.combine(holiday - timedelta(days=1), time(18), EASTERN)
    # 1 hour on the eve, none on the holiday, 3 on the day after: 10:00 the day after.
    await escalates_at(ts_env, workers, eve, 4 * HOUR,
                       datetime.combine(holiday + timedelta(days=1), time(10), EASTERN))


async def test_waiting_on_the_requester_still_pauses_the_clock(ts_env, workers):
    closed = nc_holidays(await ts_env.get_current_time())
    monday = next_weekday(await ts_env.get_current_time(), 0, 9, closed)
    fake, handle = await open_at(ts_env, workers, monday, 8 * HOUR)
    # the case's first step has run (its clock started) before the hour is skipped: skipped
    # first, the case opened a few milliseconds into it and counted 59 minutes
    await handle.query(Case.detail)
    await ts_env.sleep(HOUR)
    await handle.execute_update(Case.request_info, CaseMessageRef(message_id=1, user_id=3))
    await ts_env.sleep(25 * HOUR)  # a day and an hour waiting: not counted
    assert (await handle.query(Case.detail)).active_minutes == 60
    assert escalations(fake) == []
