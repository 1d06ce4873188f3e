"""The state program's pages (Immunization Branch reviewers): every organization and location,
the review queue, transfers awaiting a decision and the audit log, each paged, searchable,
filterable by status and age in status, and downloadable as CSV."""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel.ext.asyncio.session import AsyncSession

from api.deps import SessionDep, require_roles
from api.domain import state_lists as lists
from api.domain import transfers
from api.domain.review import kind_label
from api.forms import parse, validated
from api.pages import render
from api.routing import Router
from core.errors import Invalid
from models.accounts import User
from models.enums import Role

pages = Router(include_in_schema=False)
Reviewer = Annotated[User, Depends(require_roles(Role.REVIEWER))]

# path: (template, list function, CSV rows, status choices, file name)
LISTS: dict[str, tuple[str, Callable[..., Awaitable[lists.Listing]], Callable, list, str]] = {
    "/state/locations": ("state/locations.html", lists.locations, lists.location_rows,
                         lists.LOCATION_STATUSES, "locations"),
    "/review": ("review/queue.html", lists.review_queue, lists.review_rows,
                lists.REVIEW_KINDS, "review-queue"),
    "/state/transfers": ("inventory/state_queue.html", lists.transfers, lists.transfer_rows,
                         lists.TRANSFER_STATUSES, "transfers-awaiting-decision"),
    "/state/audit": ("state/audit.html", lists.audit, lists.audit_rows, lists.AUDIT_KINDS,
                     "audit-log"),
}


def _filters(request: Request) -> lists.StateFilters:
    return validated(lists.StateFilters, dict(request.query_params))


def _page_route(path: str):
    template, find, _rows, statuses, _name = LISTS[path]

    async def page(request: Request, _user: Reviewer, session: SessionDep) -> HTMLResponse:
        f, errors = _page_filters(request)
        if f.status not in dict(statuses):  # a status the list does not have: named, left out
            errors = {**errors, "status": "Choose one of the options."}
            f = f.model_copy(update={"status": ""})
        found = await find(session, f)
        return render(request, template, {
            "f": f, "found": found, "status_choices": statuses,
            "one_organization": await transfers.one_organization_unsigned(
                session, [t for t, _from, _to in found.rows]) if path == "/state/transfers"
            else set(),
            **(await _organizations(session, f) if path == "/state/locations" else {}),
            "status_counts": await lists.location_counts(session)
            if path == "/state/locations" else [],
            "ages": lists.AGES, "pin": lists.pin, "kind": kind_label, "errors": errors,
            "waiting_on": lists.location_waiting_on,
            "record_number": lists.record_number, "audit_what": lists.audit_what,
            **({"typed_q": request.query_params.get("q", "")} if "q" in errors else {})},
            status_code=422 if errors else 200)
    return page


async def _organizations(session: AsyncSession, f: lists.StateFilters) -> dict:
    """The organizations with no location yet, under the list of locations: searched by name
    and filtered by age as the locations are; a location's status leaves them out (none has
    one)."""
    if f.status:
        return {"organizations": None}
    return {"organizations": await lists.organizations_without_location(session, f)}


def _page_filters(request: Request) -> tuple[lists.StateFilters, dict[str, str]]:
    """A page's view: a filter that is no choice, or a search too long, is named on its field
    and left out, and the list stays (unknown parameters are ignored, as a page ignores them)."""
    values = dict(request.query_params)
    f, errors = parse(lists.StateFilters, values)
    for key, of in (("page", ""), ("org_page", " of organizations with no location")):
        if key in errors:  # no field holds it: the summary says what it was and what is shown
            errors = {**errors, key: f"There is no page \u201c{values[key][:20]}\u201d{of}: "
                                     "this is the first."}
    if errors:
        f = lists.StateFilters.model_validate(
            {k: v for k, v in values.items() if k in lists.StateFilters.model_fields
             and k not in errors})
    return f, errors


def _csv_route(path: str):
    _template, find, rows_of, statuses, name = LISTS[path]

    async def export(request: Request, _user: Reviewer, session: SessionDep) -> Response:
        f = _filters(request)
        if f.status not in dict(statuses):  # as the page names it: never a file of another view
            raise Invalid("Choose one of the options.", field="status")
        return lists.csv_download(name, *rows_of(await find(session, f, page_size=None)))
    return export


for _path in LISTS:
    pages.add_api_route(_path, _page_route(_path), methods=["GET"],
                        response_class=HTMLResponse)
    pages.add_api_route(f"{_path}.csv", _csv_route(_path), methods=["GET"])


@pages.get("/state/locations/organizations.csv")
async def organizations_export(request: Request, _user: Reviewer,
                               session: SessionDep) -> Response:
    """Every organization with no location yet (the page shows them a page at a time), the
    same search and age filter."""
    f = _filters(request)
    if f.status:  # the page leaves them out then: never a file of another view
        raise Invalid("An organization with no location has no location status: leave the "
                      "status out.", field="status")
    return lists.csv_download("organizations-without-locations", *lists.organization_rows(
        await lists.organizations_without_location(session, f, page_size=None)))
