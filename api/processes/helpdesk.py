"""Help-desk cases: opening one, and every action on it."""

from sqlmodel.ext.asyncio.session import AsyncSession

from api.processes.gateway import Gateway
from models.business_hours import business_hours
from models.contracts import AssignCase, CaseInput, CaseLinkRef, CaseMessageRef, CaseStatusOut
from models.helpdesk import Case as CaseRow
from models.helpdesk_rules import SERVICE_LEVELS, Team
from models.service_clock import ServiceClock
from workflows import ids
from workflows.case import CaseLinkWorkflow
from workflows.case import CaseWorkflow as Case
from workflows.releases import RELEASE

MESSAGE_ACTIONS = {"post": Case.post_message, "request_info": Case.request_info,
                   "resolve": Case.resolve, "reopen": Case.reopen}


async def open_case(gateway: Gateway, session: AsyncSession, case_id: int, team: Team) -> None:
    """With the new case in `session`: the case exists with its process, or not at all."""
    response, resolution = SERVICE_LEVELS[team]
    settings = gateway.settings
    now = await gateway.now()
    hours = business_hours(settings.helpdesk_hours, settings.helpdesk_timezone,
                           settings.helpdesk_holidays, now)
    # when it is due, as its process counts it (its first target, in the desk's hours, from
    # now): the answer carries it, the process projecting its own a moment later
    case = await session.get(CaseRow, case_id)
    case.sla_due_at = ServiceClock(running_since=now).due_at(min(response, resolution), now,
                                                             hours)
    session.add(case)
    await gateway.start(Case.run, CaseInput(case_id=case_id, response_target=response,
                                            resolution_target=resolution, hours=hours,
                                            release=RELEASE),
                        id=ids.case(case_id), session=session)


async def message(gateway: Gateway, session: AsyncSession, case_id: int, action: str,
                  message_id: int, user_id: int | None, pick_up: bool = False,
                  reply: bool = False) -> str:
    """Deliver a message stored unpublished in `session`: a reply or note ('post'), a request
    for information, a resolution, or a reopening. Refused, it stays unpublished. With
    `pick_up`, the agent's message makes a case nobody holds theirs; an agent's `reply` is
    refused (code "resolved") on a resolved case."""
    return await gateway.update(ids.case(case_id), MESSAGE_ACTIONS[action],
                                CaseMessageRef(message_id=message_id, user_id=user_id,
                                               pick_up=pick_up, reply=reply),
                                session=session)


async def assign(gateway: Gateway, case_id: int, agent_id: int, by_user_id: int,
                 holder_seen: int | None) -> str:
    """Refused (409, code "taken") when the case is no longer held by `holder_seen`."""
    return await gateway.update(ids.case(case_id), Case.assign,
                                AssignCase(agent_id=agent_id, by_user_id=by_user_id,
                                           check_holder=True, holder_seen=holder_seen))


async def case_detail(gateway: Gateway, case_id: int) -> CaseStatusOut | None:
    return await gateway.query(ids.case(case_id), Case.detail)


async def email_link(gateway: Gateway, session: AsyncSession | None, case_id: int, version: int,
                     reason: str = "readdressed", request: str = "") -> None:
    """A public question's personal link to the address on file, once per version and once per
    ask. With the corrected address in `session`: it commits only once the email's process
    has started (a correction is never left without its email, nor an email without it)."""
    await gateway.start(CaseLinkWorkflow.run, CaseLinkRef(case_id=case_id, version=version,
                                                          reason=reason, request=request),
                        id=ids.case_link(case_id, version, request), session=session)
