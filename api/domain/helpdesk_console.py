"""The agents' console at statewide volume: every team or one, paged, searched, filtered and
sorted in the database (indexes in models/helpdesk.py), never loaded whole."""

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import literal
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain.state_lists import EXPORT_LIMIT, days_since
from api.domain.text_search import search_text_contains
from core.timefmt import spreadsheet
from models import search_index
from models.accounts import User
from models.enums import HELPDESK_ROLES
from models.helpdesk import NOTHING_TO_SEARCH, Case, CaseStatus, nothing_to_search
from models.helpdesk_rules import Category, Team, case_id_of
from models.input import Input

PAGE_SIZE = 50
STATUSES = {"open": CaseStatus.OPEN, "all": None, **{s: (s,) for s in (
    CaseStatus.NEW, CaseStatus.IN_PROGRESS, CaseStatus.AWAITING_REQUESTER, CaseStatus.RESOLVED,
    CaseStatus.CLOSED)}}
STATUS_CHOICES = [("open", "Open (not resolved)"), ("new", "New, not yet picked up"),
                  ("in_progress", "Being worked on"),
                  ("awaiting_requester", "Waiting for the requester"),
                  ("resolved", "Resolved"), ("closed", "Closed"), ("all", "Any status")]
SLA_CHOICES = [("", "Any"), ("on_time", "On time"), ("at_risk", "Near its target"),
               ("breached", "Past its target")]
SORT_CHOICES = [("due", "Due soonest"), ("oldest", "Oldest first"), ("newest", "Newest first")]


class ConsoleFilters(Input):
    """What the console shows; each filter is a query parameter, so a view is a URL."""

    q: Annotated[str, Field(max_length=200)] = ""  # Input refuses control characters
    team: Team | Literal["all"] = "all"
    status: Literal[tuple(STATUSES)] = "open"  # type: ignore[valid-type]
    category: Category | Literal[""] = ""
    assignee: Annotated[str, Field(pattern=r"^(|none|\d{1,9})$")] = ""
    sla: Literal["", "on_time", "at_risk", "breached"] = ""
    sort: Literal["due", "oldest", "newest"] = "due"
    page: Annotated[int, Field(ge=1, le=100_000)] = 1

    @field_validator("q")
    @classmethod
    def _something_to_search(cls, q: str) -> str:
        if nothing_to_search(q):  # "'''" folded to nothing, found every case
            raise PydanticCustomError("nothing_to_search", NOTHING_TO_SEARCH)
        return q

    def url(self, base: str = "/helpdesk", **changes) -> str:
        """This view's URL (or its CSV's, `base`) with some filters changed (defaults left
        out)."""
        data = {**self.model_dump(mode="json"), **changes}
        defaults = ConsoleFilters().model_dump(mode="json")
        query = {k: v for k, v in data.items() if v != defaults[k] or k == "team"}
        return f"{base}?" + urlencode(query)


# An assignee in the address that is no agent (a mistyped or old bookmark's id, or no number):
# named on the field, never a list of no cases as if they held none.
NO_SUCH_AGENT = "Choose one of the options: no help-desk agent has the id in the address."


async def unknown_assignee(session: AsyncSession, f: ConsoleFilters) -> bool:
    """The view's assignee is an id that is no help-desk agent's."""
    if f.assignee in ("", "none"):
        return False
    found = await session.exec(select(User.id).where(User.id == int(f.assignee),
                                                     User.role.in_(list(HELPDESK_ROLES))))
    return found.first() is None


class ConsolePage(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    cases: list[Case]
    total: int
    page: int  # as asked: past `pages`, no cases
    pages: int
    assignees: dict[int, str]
    elsewhere: int = 0  # a team's view that found nothing: what matches in the others


def _conditions(f: ConsoleFilters, indexed: bool) -> list:
    """The filters as SQL; `indexed`: a search may ask SQLite's trigram table."""
    conditions = []
    if f.team != "all":
        conditions.append(Case.team == f.team)
    if STATUSES[f.status]:
        statuses = STATUSES[f.status]
        conditions.append(Case.status.in_(statuses) if len(statuses) > 1
                          else Case.status == statuses[0])
    if f.category:
        conditions.append(Case.category == f.category)
    if f.assignee == "none":
        conditions.append(Case.assignee_id.is_(None))
    elif f.assignee:
        conditions.append(Case.assignee_id == int(f.assignee))
    if f.sla == "on_time":
        conditions.append(Case.sla_flag.is_(None))
    elif f.sla:
        conditions.append(Case.sla_flag == f.sla)
    if f.q:
        number = case_id_of(f.q, bare=True)
        if number is not None:
            conditions.append(Case.id == number)
        else:
            conditions.append(search_text_contains(Case.id, Case.search_text, f.q, indexed))
    return conditions


def _ordered(f: ConsoleFilters, columns) -> tuple:
    return {"due": (columns.sla_due_at.asc().nulls_last(), columns.id),
            "oldest": (columns.created_at, columns.id),
            "newest": (columns.created_at.desc(), columns.id.desc())}[f.sort]


async def _assignee_names(session: AsyncSession, cases: list[Case]) -> dict[int, str]:
    assignees = {c.assignee_id for c in cases if c.assignee_id}
    if not assignees:
        return {}
    people = await session.exec(select(User.id, User.first_name, User.last_name)
                                .where(User.id.in_(assignees)))
    return {uid: f"{given} {family}" for uid, given, family in people.all()}


async def console(session: AsyncSession, f: ConsoleFilters,
                  page_size: int = PAGE_SIZE) -> ConsolePage:
    indexed = await search_index.ready(session)
    conditions = _conditions(f, indexed)

    def ordered(columns) -> tuple:
        return _ordered(f, columns)

    async def page_of(page: int, with_total: bool) -> list[tuple[int, int]]:
        """(id, total) rows; the total is 0 unless asked for."""
        if with_total:
            # The matches first, found as the database finds them fastest (on Postgres by
            # trigrams, on SQLite in the narrow search index), then their total and their page.
            # Not materialized, Postgres walked the due-time index testing every case's text to
            # stop at the 50th match, which a window total never lets it do (21 ms, not 4).
            found = (select(Case.id, Case.sla_due_at, Case.created_at).where(*conditions)
                     .cte("found").prefix_with("MATERIALIZED"))
            statement = select(found.c.id, func.count().over()).order_by(*ordered(found.c))
        else:
            statement = select(Case.id, literal(0)).where(*conditions).order_by(*ordered(Case))
        return [tuple(row) for row in (await session.exec(
            statement.offset((page - 1) * page_size).limit(page_size))).all()]

    async def counted() -> int:
        return (await session.exec(select(func.count()).select_from(Case)
                                   .where(*conditions))).one()

    # The page's ids first (from an index where one covers the filters), then only those
    # rows. A text search reads every row's search text anyway: its total comes with the ids
    # in the same pass (a window count); otherwise an index-only count is cheaper.
    page, numbered = f.page, []
    if f.q and case_id_of(f.q, bare=True) is None:
        numbered = await page_of(page, with_total=True)
        total = numbered[0][1] if numbered else await counted()
    else:
        total = await counted()
    last = max(1, -(-total // page_size))
    if not numbered and page <= last and total:  # past the last page: an empty one
        numbered = await page_of(page, with_total=False)
    ids = [row[0] for row in numbered]
    found = {c.id: c for c in (await session.exec(select(Case).where(Case.id.in_(ids)))).all()}
    rows = [found[i] for i in ids if i in found]
    pages = last
    names = await _assignee_names(session, rows)
    elsewhere = 0
    # A team's view that is empty (the agent's own queue, searched or not) says how many cases
    # its filters find in the other teams, rather than "no cases" while some wait elsewhere.
    if not total and f.team != "all":
        elsewhere = (await session.exec(select(func.count()).select_from(Case).where(
            *_conditions(f.model_copy(update={"team": "all"}), indexed)))).one()
    return ConsolePage(cases=rows, total=total, page=page, pages=pages, assignees=names,
                       elsewhere=elsewhere)


async def export(session: AsyncSession, f: ConsoleFilters) -> ConsolePage:
    """Every case the view matches (not its page), in its order, up to the state lists'
    export bound: the console's CSV."""
    conditions = _conditions(f, await search_index.ready(session))
    cases = list((await session.exec(select(Case).where(*conditions)
                                     .order_by(*_ordered(f, Case)).limit(EXPORT_LIMIT))).all())
    return ConsolePage(cases=cases, total=len(cases), page=1, pages=1,
                       assignees=await _assignee_names(session, cases))


LANGUAGES = {"en": "English", "es": "Spanish"}
SLA_LABELS = {"at_risk": "Near its target", "breached": "Past its target"}


def case_rows(found: ConsolePage) -> tuple[list[str], list[list[Any]]]:
    """The console's columns, one row a case, in people's words (as the page shows them)."""
    header = ["Case", "Subject", "Category", "Team", "Requester", "Requester email",
              "Requester phone", "Language", "Status", "Assignee", "Service level",
              "Due (Eastern time)", "Opened (Eastern time)", "Days open"]
    statuses = dict(STATUS_CHOICES)
    return header, [[c.number, c.subject, c.category.label, c.team.label, c.requester_name,
                     c.requester_email or "", c.requester_phone or "",
                     LANGUAGES.get(c.language, c.language),
                     statuses.get(c.status, c.status),
                     found.assignees.get(c.assignee_id, "Unassigned"),
                     SLA_LABELS.get(c.sla_flag, "On time"), spreadsheet(c.sla_due_at),
                     spreadsheet(c.created_at), days_since(c.created_at)] for c in found.cases]
