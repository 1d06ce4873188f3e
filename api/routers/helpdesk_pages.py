"""The agent console: team queues, a case with its actions, bulk imports, the knowledge base."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import select

from api.deps import ProcessesDep, SessionDep, require_roles, rollback_keeping
from api.domain import (
    case_link,
    helpdesk,
    kb,
    portal_import,
    provider_import,
    recipient_case_import,
    sites,
    undelivered,
)
from api.domain.attachments import pending_files
from api.domain.case_imports import XLSX_TYPE
from api.domain.helpdesk_console import (
    NO_SUCH_AGENT,
    SLA_CHOICES,
    SORT_CHOICES,
    STATUS_CHOICES,
    ConsoleFilters,
    case_rows,
    unknown_assignee,
)
from api.domain.helpdesk_console import console as console_page
from api.domain.helpdesk_console import export as console_export
from api.domain.scope import managed_location_ids
from api.domain.state_lists import csv_download, location_of_pin
from api.errors import NOT_FOUND
from api.forms import form_values, parse, refuse_fields, validated_form
from api.page_files import Attachments, files_of, keep_files, kept_references
from api.pages import redirect, render
from api.params import Id, form_id
from api.processes import helpdesk as case_process
from api.routing import Router
from api.services import secret
from core import i18n
from core.errors import CVMSError, Invalid, NotFound
from core.wording import counted
from models.accounts import User
from models.enrollment import Location
from models.enums import Role
from models.helpdesk_rules import GENERIC_CODE, Category, Team
from models.helpdesk_schemas import ArticleIn, ImportIn, MessageIn, ResolveIn
from models.portal_rules import PROFILES
from models.portal_schemas import CaseLocationGrant
from models.recipient_rules import GivenEmail
from models.schemas import Stripped

router = Router(prefix="/helpdesk", include_in_schema=False)
# The cases whose attached workbook an agent imports, through the shared case-import machinery.
IMPORTS = {Category.PROVIDER_BULK_UPLOAD: (provider_import, "practicing provider"),
           Category.USER_ONBOARDING: (portal_import, "portal user"),
           Category.RECIPIENT_BULK_UPLOAD: (recipient_case_import, "recipient")}
ACTIONS = ("assign", "reply", "note", "request-info", "resolve", "reopen", "check-import",
           "import", "add-location")
Agent = Annotated[User, Depends(require_roles(Role.HELPDESK_AGENT, Role.HELPDESK_LEAD))]


def _console_query(request: Request, user: User) -> dict[str, str]:
    """Filters live in the URL; without a team the agent's own team's queue is shown."""
    query = dict(request.query_params)
    if "team" not in query:
        query["team"] = user.team if user.team in Team._value2member_map_ else "all"
    return {k: v for k, v in query.items() if v != "" or k in ("team",)} | (
        {"team": "all"} if query.get("team") == "" else {})


@router.get(".csv")
async def console_csv(request: Request, user: Agent, session: SessionDep) -> Response:
    """The console's view (its search and filters) as CSV: every matching case, not a page."""
    filters = validated_form(ConsoleFilters, _console_query(request, user))
    if await unknown_assignee(session, filters):  # as the page names it: never another view
        refuse_fields({"assignee": NO_SUCH_AGENT})
    return csv_download("helpdesk-cases", *case_rows(await console_export(session, filters)))


@router.get("", response_class=HTMLResponse)
async def console(request: Request, user: Agent, session: SessionDep) -> HTMLResponse:
    query = _console_query(request, user)
    filters, errors = _console_filters(query)
    if "assignee" in errors or await unknown_assignee(session, filters):  # named, left out
        errors = {**errors, "assignee": NO_SUCH_AGENT}
        filters = filters.model_copy(update={"assignee": ""})
    found = await console_page(session, filters)
    return render(request, "helpdesk/console.html", {
        "f": filters, "found": found, "teams": list(Team), "errors": errors, "me": str(user.id),
        **({"typed_q": query.get("q", "")} if "q" in errors else {}),
        "team_choices": [("all", "All teams")] + [(t.value, t.label) for t in Team],
        "counts": await helpdesk.queue_counts(session),
        "status_choices": STATUS_CHOICES, "sla_choices": SLA_CHOICES,
        "sort_choices": SORT_CHOICES,
        "category_choices": [(c.value, c.label) for c in Category],
        "agent_choices": [(str(a.id), a.full_name) for a in await helpdesk.agents(session)]},
        status_code=422 if errors else 200)


def _console_filters(values: dict[str, str]) -> tuple[ConsoleFilters, dict[str, str]]:
    """A filter that is no choice (an old bookmark's), or a search too long, is named on its
    field and left out, and the list stays, as on the state's screens."""
    filters, errors = parse(ConsoleFilters, values)
    if errors:
        filters = ConsoleFilters.model_validate(
            {k: v for k, v in values.items() if k in ConsoleFilters.model_fields
             and k not in errors})
    return filters, errors


async def _live(gateway, case_id: int):
    return await case_process.case_detail(gateway, case_id)


async def _case_page(request: Request, session, gateway, user: User, case_id: int,
                     status_code: int = 200, **extra) -> HTMLResponse:
    case = await helpdesk.case_for(session, user, case_id)
    about = await session.get(Location, case.location_id) if case.location_id else None
    requester = await session.get(User, case.requester_user_id) if case.requester_user_id else None
    files = await helpdesk.attachments(session, case, user)
    agents = await helpdesk.agents(session)
    # what the case's import reads: a workbook, or for a recipient list a CSV file too
    lists = (XLSX_TYPE, "text/csv") if case.category == Category.RECIPIENT_BULK_UPLOAD else (
        XLSX_TYPE,)
    workbooks = [f for f in files if f.content_type in lists
                 or f.filename.lower().endswith(".xlsx")]
    return render(request, "helpdesk/case.html", {
        "assignee": next((a.full_name for a in agents if a.id == case.assignee_id), None),
        "mine": case.assignee_id == user.id,
        "language": i18n.LANGUAGES.get(case.language, case.language),
        "case": case, "messages": await helpdesk.conversation(session, case, user),
        "attachments": files, "live": await _live(gateway, case.id),
        "agent_options": [(str(a.id), a.full_name) for a in agents],
        "file_options": [(str(f.id), f.filename) for f in files],
        # the import's file: the case's only spreadsheet, chosen already
        "import_file": str(workbooks[0].id) if len(workbooks) == 1 else None,
        "bulk_upload": IMPORTS.get(case.category, (None, ""))[1],
        "case_location_label": sites.label(about) if about else "",
        "registered_with": await _registered_with(session, requester),
        "grant_locations": await _grant_locations(session, case, requester),
        "profile_options": [("", "As at their own location")] + [
            (p.value, p.label) for p in PROFILES],
        "corrections": await case_link.corrections(session, case),
        "undelivered": await undelivered.of_case(session, case),
        "is_lead": user.role == Role.HELPDESK_LEAD, **extra}, status_code=status_code)


async def _grant_locations(session, case, requester: User | None) -> list | None:
    """A User onboarding case's requester's locations, which the desk may add to an existing
    account at their request (None: not such a case)."""
    if case.category != Category.USER_ONBOARDING:
        return None
    ids = await managed_location_ids(session, requester) if requester else []
    found = (await session.exec(select(Location).where(Location.id.in_(ids))
                                .order_by(Location.name))).all()
    return [(str(location.id), sites.label(location)) for location in found]


async def _registered_with(session, requester: User | None) -> str:
    """The code a help-desk registrant gave: their Provider PIN names their location (the
    agent sees which), or the generic code says they have none."""
    code = requester.registration_code if requester else None
    if not code:
        return ""
    if code == GENERIC_CODE:
        return f"{code} (the generic code: no Provider PIN given)"
    location_id = location_of_pin(code)
    location = await session.get(Location, location_id) if location_id else None
    if location is None:
        return f"Provider PIN {code}: no location has this PIN"
    return f"Provider PIN {code}: {location.name} — {location.city}"


@router.get("/cases/{case_id}", response_class=HTMLResponse)
async def case_page(request: Request, case_id: Id, user: Agent, session: SessionDep,
                    gateway: ProcessesDep) -> HTMLResponse:
    return await _case_page(request, session, gateway, user, case_id)


class RequesterEmailIn(Stripped):
    requester_email: GivenEmail


@router.post("/cases/{case_id}/requester-email", response_class=HTMLResponse)
async def correct_requester_email(request: Request, case_id: Id, user: Agent,
                                  session: SessionDep, gateway: ProcessesDep) -> Response:
    """A public question's mistyped address corrected: the link sent to the old one stops
    working, the new one is emailed the current link (`case_link.correct_requester_email`); a
    bad address is named on its field, what was typed kept."""
    case = await helpdesk.case_for(session, user, case_id)
    values = await form_values(request)
    try:
        data = validated_form(RequesterEmailIn, values)
        await case_link.correct_requester_email(session, gateway, case, user,
                                                data.requester_email)
    except CVMSError as error:
        await rollback_keeping(session, user, case)
        return await _case_page(request, session, gateway, user, case_id,
                                status_code=error.status_code, values=values,
                                failed="requester-email",
                                errors=error.problems("requester_email"))
    return redirect(f"/helpdesk/cases/{case_id}", notice=(
        f"The requester's email address is now {data.requester_email}. The link sent to the "
        "old address no longer works; the current one was emailed to the new address."))


@router.post("/cases/{case_id}/{action}", response_class=HTMLResponse)
async def case_action(request: Request, case_id: Id, action: str, user: Agent,
                      session: SessionDep, gateway: ProcessesDep,
                      attachments: Attachments = None) -> Response:
    """A reply or a note may carry files: refused with the rest of the form, they are kept
    with it (as on the requester's pages), so a mistake loses none."""
    case = await helpdesk.case_for(session, user, case_id)
    if action not in ACTIONS:
        raise NotFound(NOT_FOUND)
    values = await form_values(request)
    values.pop("attachments", None)
    uploads, references = await files_of(attachments), kept_references(values)
    try:
        kept = await pending_files(session, secret(request), user.id, references)
        notice = await _act(request, session, gateway, case, user, action, values,
                            uploads, kept)
        if isinstance(notice, Response):
            return notice
        return redirect(f"/helpdesk/cases/{case_id}", notice=notice)
    except helpdesk.SentAlready as error:
        return redirect(f"/helpdesk/cases/{case_id}", notice=error.message)
    except CVMSError as error:
        await rollback_keeping(session, user, case)
        values["kept"] = references
        _files, refused = await keep_files(request, session, user, values, uploads)
        return await _case_page(request, session, gateway, user, case_id,
                                status_code=error.status_code, values=values, failed=action,
                                errors={**(error.problems()), **refused},
                                # a file refused for its rows: listed by row, as checked
                                report=getattr(error, "report", None))


async def _act(request, session, gateway, case, user, action: str, values: dict,
               uploads=(), kept=()):
    if action == "assign":
        agent_id = form_id(values, "agent_id")
        if agent_id is None and user.role == Role.HELPDESK_LEAD:  # a lead's form names someone
            raise Invalid("Choose who takes the case.", field="agent_id")
        seen = "holder_seen" in values  # the page's form: whom it showed holding the case
        await helpdesk.assign(session, gateway, case, user, agent_id, seen=seen,
                              holder_seen=form_id(values, "holder_seen") if seen else None)
        return "The case is assigned."
    if action in ("reply", "note", "request-info"):
        data = validated_form(MessageIn, values)
        if await helpdesk.sent_with(session, case.id, data.request_key):  # Back, then again
            return helpdesk.SENT_ALREADY
        if action == "request-info":
            await helpdesk.request_info(session, gateway, case, user, data.body, uploads, kept,
                                        data.request_key)
            return "The requester was asked for information; the case waits for them."
        await helpdesk.add_message(session, gateway, case, user, data.body, action == "note",
                                   uploads, kept, data.request_key)
        if action == "note":
            return "Your internal note is saved."
        if not case.requester_email:  # a recipient who gave only a phone number
            return f"Your reply is saved on the case, but {helpdesk.no_email_call(case)}"
        return "Your reply was sent."
    if action == "reopen":  # a resolved case, within its reopening period
        data = validated_form(MessageIn, values)
        if await helpdesk.sent_with(session, case.id, data.request_key):  # Back, then again
            return helpdesk.SENT_ALREADY
        await helpdesk.reopen(session, gateway, case, user, data.body, data.request_key)
        return "The case is reopened and being worked on again."
    if action == "resolve":
        data = validated_form(ResolveIn, values)
        if await helpdesk.sent_with(session, case.id, data.request_key):  # Back, then again
            return helpdesk.SENT_ALREADY
        await helpdesk.resolve(session, gateway, case, user, data.notes, data.request_key)
        return "The case is resolved; the requester was emailed the notes."
    if action == "add-location":
        data = validated_form(CaseLocationGrant, {**values,
                                                  "profile": values.get("profile") or None})
        person, _manager = await portal_import.add_location(session, gateway, case, user, data)
        return (f"{person.full_name} can now work at the location; the case tells the "
                "requester.")
    return await _import(request, session, gateway, case, user, action, values)


async def _import(request, session, gateway, case, user, action: str, values: dict):
    location_id = await sites.resolve(session, values.get("location_id"), "location_id")
    data = validated_form(ImportIn, {**values, "location_id": location_id,
                                "valid_rows_only": values.get("valid_rows_only") == "yes"})
    importer, what = IMPORTS.get(case.category, (None, ""))
    if importer is None:
        raise CVMSError("This case has no file to import: only bulk-upload and user-onboarding "
                        "cases do.")
    if action == "check-import":
        report = await importer.preview(session, case, data.attachment_id, data.location_id)
        return await _case_page(request, session, gateway, user, case.id, report=report,
                                values=values)
    # the recipient import's message links each part's page: an address, not a bare path
    link = ({"link": request.app.state.services.settings.link}
            if importer is recipient_case_import else {})
    report = await importer.run_import(session, gateway, case, user, data.attachment_id,
                                       data.location_id, data.valid_rows_only, **link)
    return f"Imported {counted(report.imported, what)}."


@router.get("/kb", response_class=HTMLResponse)
async def kb_page(request: Request, _user: Agent, session: SessionDep) -> HTMLResponse:
    return render(request, "helpdesk/kb.html", {
        "articles": await kb.latest(session, 100, include_drafts=True),
        "categories": [(c.value, c.label) for c in Category]})


@router.get("/kb/{article_id}", response_class=HTMLResponse)
async def kb_edit_page(request: Request, article_id: Id, _user: Agent,
                       session: SessionDep) -> HTMLResponse:
    """An article's own form, to change or unpublish it (saved by the form below)."""
    found = await kb.article(session, article_id, True)
    return render(request, "helpdesk/kb.html", {
        "articles": await kb.latest(session, 100, include_drafts=True),
        "categories": [(c.value, c.label) for c in Category], "editing_title": found.title,
        "values": {"article_id": str(found.id), "title": found.title, "body": found.body,
                   "category": found.category.value if found.category else "",
                   "published": "yes" if found.published else "",
                   "edited_from": kb.version(found)}})


@router.post("/kb", response_class=HTMLResponse)
async def kb_save(request: Request, user: Agent, session: SessionDep) -> Response:
    values = await form_values(request)
    data, errors = parse(ArticleIn, {**values, "published": values.get("published") == "yes"})
    if data:
        article_id = form_id(values, "article_id")
        existing = await kb.article(session, article_id, True) if article_id else None
        opened_on = values.get("edited_from")
        if existing is not None and opened_on and opened_on != kb.version(existing) \
                and kb.reads_as(existing, data):  # this form sent twice (a double click, Back)
            return redirect("/helpdesk/kb", notice=f"“{existing.title}” was already saved, "
                                                   "so it was not saved again.")
        if existing is not None and opened_on and opened_on != kb.version(existing):
            # another agent saved it after this form was opened: theirs is not overwritten
            # unseen; this form comes back with what was typed, and theirs beside it (saved
            # again, the form is on their version: the agent's choice, made knowingly)
            return render(request, "helpdesk/kb.html", {
                "articles": await kb.latest(session, 100, include_drafts=True),
                "editing_title": existing.title, "saved_now": existing,
                "values": {**values, "edited_from": kb.version(existing)},
                "errors": {"body": "This article was changed since you opened it, and your "
                                   "changes are not saved. The article as saved now is shown "
                                   "below yours: bring what it needs into your text, then "
                                   "save again."},
                "categories": [(c.value, c.label) for c in Category]}, status_code=409)
        if existing is None and (same := await kb.saved_just_now(session, data, user.id)):
            return redirect("/helpdesk/kb", notice=f"“{same.title}” was already saved, so it "
                                                   "was not saved again.")
        saved = await kb.save(session, data, user.id, existing)
        return redirect("/helpdesk/kb", notice=f"“{saved.title}” is saved.")
    return render(request, "helpdesk/kb.html", {
        "articles": await kb.latest(session, 100, include_drafts=True), "values": values,
        "errors": errors, "categories": [(c.value, c.label) for c in Category]},
        status_code=400)
