"""The review console for Immunization Branch reviewers, the signed agreement PDF, the state view."""

from typing import Annotated, Literal

from fastapi import Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field
from sqlmodel import select

from api.deps import CurrentUser, ProcessesDep, SessionDep, require_roles, rollback_keeping
from api.domain import review
from api.domain.agreement_pdf import location_agreement
from api.domain.scope import location_for
from api.domain.section_b_view import change_rows, summary
from api.forms import form_values, parse
from api.pages import redirect, render
from api.params import MAX_ID, Id
from api.routing import Router
from core.errors import CVMSError
from models.accounts import User
from models.contracts import DecisionResult
from models.enrollment import StoredFile
from models.enrollment_enums import ORGANIZATION_TYPES, LocationStatus
from models.enums import Role
from models.review_rules import approval_problem
from models.schemas import Stripped

pages = Router(include_in_schema=False)
api = Router(prefix="/api/v1", tags=["review"])
Reviewer = Annotated[User, Depends(require_roles(Role.REVIEWER))]
PAGE_SIZE = 50


class LocationDecisionIn(Stripped):
    decision: Literal["approve", "reject"]
    reason: Annotated[str | None, Field(default=None, max_length=1000)] = None
    change: Annotated[Id | None, Field(
        default=None, description="For a change to an enrolled site: the storage unit decided "
        "(the first one waiting for review, by id). Refused (409) if another is under review "
        "now.")] = None
    decisions_seen: Annotated[int | None, Field(
        default=None, ge=0, le=MAX_ID, description="How many decisions the location had when "
        "it was read (the review detail's `decisions`). Refused (409) if another was taken "
        "since.")] = None


class QueueItem(BaseModel):
    location_id: Id
    location: str
    organization: str
    kind: str
    pending_since: str
    providers_pending: bool


class QueueOut(BaseModel):
    total: int
    items: list[QueueItem]


async def _queue(session, limit: int, offset: int) -> QueueOut:
    total, rows = await review.queue(session, limit, offset)
    return QueueOut(total=total, items=[QueueItem(**{**row.__dict__,
                                                     "pending_since": row.pending_since.isoformat()})
                                        for row in rows])


@pages.get("/review/locations/{location_id}", response_class=HTMLResponse)
async def detail_page(request: Request, location_id: Id, user: Reviewer,
                      session: SessionDep) -> HTMLResponse:
    return await _detail(request, session, user, location_id)


async def _detail(request: Request, session, user: User, location_id: int,
                  status_code: int = 200, **extra) -> HTMLResponse:
    location = await location_for(session, user, location_id)
    detail = await review.review_detail(session, location)
    changed = change_rows(detail["changes"])
    not_yet = approval_problem(location.name, sum(1 for p in detail["providers"] if p.active),
                               amendment=location.amendment_pending)
    return render(request, "review/location.html", {
        **detail, "summary": summary(detail["section"].steps), "change_rows": changed,
        "not_yet": not_yet, "org_types": ORGANIZATION_TYPES,
        "photo_ids": await _photo_ids(session, changed), **extra},
        status_code=status_code)


async def _photo_ids(session, rows) -> dict[str, int]:
    """Stored photos by hash, so the changes view shows old and new photos as pictures."""
    hashes = {h for row in rows if row.photo for h in (row.before, row.after) if h}
    if not hashes:
        return {}
    files = await session.exec(select(StoredFile.sha256, StoredFile.id).where(
        StoredFile.sha256.in_(hashes)).order_by(StoredFile.id))
    return {sha: file_id for sha, file_id in files.all()}


@pages.post("/review/locations/{location_id}/decision", response_class=HTMLResponse)
async def decide_page(request: Request, location_id: Id, user: Reviewer, session: SessionDep,
                      gateway: ProcessesDep) -> Response:
    values = await form_values(request)
    data, errors = parse(LocationDecisionIn, values)
    if data:
        location = await location_for(session, user, location_id)
        try:
            result = await review.decide(gateway, location, user, data.decision == "approve",
                                         data.reason, change_seen=data.change,
                                         decisions_seen=data.decisions_seen)
            return redirect("/review", notice=_decided(location.name, result.amendment,
                                                       data.decision == "approve"))
        except CVMSError as error:
            return await _refused(request, session, user, location_id, error, values)
    return await _detail(request, session, user, location_id, status_code=400, errors=errors,
                         values=values)


def _decided(name: str, amendment: bool, approved: bool) -> str:
    """What was done, who was told, and what happens next."""
    if approved:
        return (f"The change was approved: {name} stays enrolled with it. " if amendment else
                f"{name} was approved: it is now an enrolled site. ") + (
            "Its coordinator and the organization's administrator have been emailed.")
    return (("The change was rejected: the site stays enrolled without it. " if amendment else
             f"{name} was rejected. ")
            + "Its coordinator has been emailed the reason, the organization's administrator "
              "copied; " + ("a change sent again comes back to this queue." if amendment else
                            "when they resubmit Section B, it comes back to this queue."))


async def _refused(request: Request, session, user: User, location_id: int, error: CVMSError,
                   values: dict) -> HTMLResponse:
    """A refused decision shows the location as it is now, read again: another reviewer's
    decision taken meanwhile (two at once) shows its status and its decision, and no form to
    decide again. A field's problem is on its field (the reason); a refusal of a location still
    waiting is the decision's; one of a location decided meanwhile is said above the page."""
    await rollback_keeping(session, user)
    location = await location_for(session, user, location_id)
    if location.status == LocationStatus.PENDING_REVIEW or location.amendment_pending:
        return await _detail(request, session, user, location_id, status_code=error.status_code,
                             errors=error.problems("decision"), values=values)
    return await _detail(request, session, user, location_id, status_code=error.status_code,
                         refused=error.message,
                         refused_reason=str(values.get("reason") or "").strip())


@pages.get("/review/locations/{location_id}/decision", response_class=HTMLResponse)
async def decision_address(location_id: Id, user: Reviewer, session: SessionDep) -> Response:
    """The address a refused decision's page was shown at, opened again (reload, history, a
    bookmark): the location's review page."""
    await location_for(session, user, location_id)
    return redirect(f"/review/locations/{location_id}")


@pages.get("/locations/{location_id}/agreement.pdf")
async def agreement(location_id: Id, user: CurrentUser, session: SessionDep) -> Response:
    location = await location_for(session, user, location_id)
    signatures = (await review.officer_signatures(session, location)
                  + await review.coordinator_signatures(session, location.id))
    pdf = await location_agreement(session, location, signatures)
    name = f"agreement-location-{location.id}.pdf"
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@api.get("/review/queue", response_model=QueueOut,
         summary="Locations pending review, the longest-waiting first")
async def api_queue(_user: Reviewer, session: SessionDep,
                    limit: Annotated[int, Query(ge=1, le=200)] = PAGE_SIZE,
                    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0) -> QueueOut:
    return await _queue(session, limit, offset)


@api.get("/review/locations/{location_id}", summary="Everything submitted for a location")
async def api_detail(location_id: Id, user: Reviewer, session: SessionDep) -> dict:
    location = await location_for(session, user, location_id)
    detail = await review.review_detail(session, location)
    return {
        "location": location.model_dump(mode="json"),
        "organization": detail["org"].model_dump(mode="json"),
        "responsible_officers": [o.model_dump(mode="json") for o in detail["officers"]],
        "section_b": detail["section"].steps,
        "storage_units": [u.model_dump(mode="json") for u in detail["units"]],
        "providers": [p.model_dump(mode="json") for p in detail["providers"]],
        "officer_signatures": [_sig(s) for s in detail["officer_signatures"]],
        "coordinator_signatures": [_sig(s) for s in detail["coordinator_signatures"]],
        "decisions": [d.model_dump(mode="json", exclude={"snapshot"}) for d in detail["decisions"]],
        "changes_since_rejection": [{"field": f, "before": b, "after": a}
                                    for f, b, a in detail["changes"]],
        "timeline": [e.model_dump(mode="json") for e in detail["timeline"]],
    }


def _sig(signature) -> dict:
    return signature.model_dump(mode="json", exclude={"signed_content"})


@api.post("/review/locations/{location_id}/decision", response_model=DecisionResult,
          summary="Approve, or reject with a reason")
async def api_decide(location_id: Id, body: LocationDecisionIn, user: Reviewer, session: SessionDep,
                     gateway: ProcessesDep) -> DecisionResult:
    location = await location_for(session, user, location_id)
    return await review.decide(gateway, location, user, body.decision == "approve", body.reason,
                               change_seen=body.change, decisions_seen=body.decisions_seen)


@api.get("/locations/{location_id}/timeline", summary="The location's audit timeline")
async def api_timeline(location_id: Id, user: Reviewer, session: SessionDep) -> list[dict]:
    await location_for(session, user, location_id)
    return [e.model_dump(mode="json") for e in await review.timeline(session, location_id)]
