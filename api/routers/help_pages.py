"""The help-desk pages for requesters: knowledge base, registration, questions, their cases."""

import secrets

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import select

from api.deps import (
    CurrentUser,
    OptionalUser,
    ProcessesDep,
    SessionDep,
    SettingsDep,
    roles_of,
    rollback_keeping,
)
from api.domain import case_link, helpdesk, kb, provider_import
from api.domain.attachments import check_attachments, pending_files
from api.domain.scope import my_location_ids
from api.errors import NOT_FOUND
from api.forms import form_values, parse
from api.link_asks import add_asking_pages
from api.page_files import (
    Attachments,
    files_of,
    keep_files,
    kept_files,
    kept_references,
    public_files_allowed,
)
from api.pages import PageLinks, redirect, render
from api.params import Id, page_number
from api.processes import helpdesk as case_process
from api.routers.files import file_response
from api.routers.recipient_portal import BadLink, bilingual_page, choose_language
from api.routers.registration import sent_email, sent_to
from api.routing import Router
from api.services import secret
from api.sessions import client_address
from core import i18n
from core.errors import Conflict, CVMSError, Gone, Invalid, NotFound, TooManyRequests
from core.i18n import N_
from models.enrollment import Location
from models.enums import Role
from models.helpdesk import Case, CaseStatus
from models.helpdesk_rules import (
    REOPEN_WITHIN,
    TOO_MANY_FILES,
    Category,
    requester_case_path,
    requester_reason,
)
from models.helpdesk_schemas import CaseIn, MessageIn, PublicQuestionIn, RequesterRegistrationIn
from models.inventory_schemas import is_request_key

router = Router(prefix="/help", include_in_schema=False)
PROVIDER_CATEGORIES = [(c.value, c.label) for c in Category if c != Category.RECIPIENT_QUESTION]


def _help_centre(request: Request, user, name: str, context: dict) -> HTMLResponse:
    """The help centre's pages: in the visitor's language, with the question form's switch (in
    Spanish in the same layout as the form); an account holder's in English, as their pages are
    (providers and staff work in English)."""
    if user is not None:
        return render(request, name, {"layout": "base.html", "lang": i18n.use(None), **context})
    spanish = choose_language(request) != i18n.DEFAULT
    return bilingual_page(request, name, {
        "layout": "recipient/_layout.html" if spanish else "base.html", **context})


@router.get("", response_class=HTMLResponse)
async def help_home(request: Request, session: SessionDep, user: OptionalUser,
                    q: str = "") -> HTMLResponse:
    q = q.strip()  # only spaces: no search, the recent articles
    articles = await kb.search(session, q, 10) if q else await kb.latest(session, 10)
    return _help_centre(request, user, "help/home.html", {"q": q, "articles": articles})


@router.get("/articles/{article_id}", response_class=HTMLResponse)
async def article(request: Request, article_id: Id, session: SessionDep,
                  user: OptionalUser) -> HTMLResponse:
    found = await kb.article(session, article_id, bool(user and helpdesk.is_agent(user)))
    return _help_centre(request, user, "help/article.html", {"article": found})


async def _own_location(session, user, location: int | None) -> Location | None:
    """A location the person works at (its name goes in the template's B1), or none."""
    if user is None or location is None or user.must_change_password:
        return None
    return await session.get(Location, location) if location in await my_location_ids(
        session, user) else None


@router.get("/practicing-provider-template", response_class=HTMLResponse)
async def provider_template_page(request: Request, session: SessionDep, user: OptionalUser,
                                 location: Id | None = None) -> HTMLResponse:
    """Section B step 8 links here: what the bulk upload is, and the template."""
    return render(request, "help/provider_template.html", {
        "location": await _own_location(session, user, location)})


@router.get("/practicing-provider-template.xlsx")
async def provider_template_file(session: SessionDep, user: OptionalUser,
                                 location: Id | None = None) -> Response:
    own = await _own_location(session, user, location)
    return Response(provider_import.template(own.name if own else ""),
                    media_type=provider_import.XLSX_TYPE,
                    headers={"Content-Disposition":
                             'attachment; filename="practicing-provider-bulk-upload.xlsx"'})


@router.get("/register", response_class=HTMLResponse)
async def register_page(request: Request) -> HTMLResponse:
    return render(request, "help/register.html")


@router.post("/register", response_class=HTMLResponse)
async def register(request: Request, session: SessionDep, gateway: ProcessesDep,
                   settings: SettingsDep) -> Response:
    values = await form_values(request)
    data, errors = parse(RequesterRegistrationIn, values)
    refused = None
    if data:
        try:
            await helpdesk.register_requester(session, gateway, data, client_address(request),
                                              settings.registrations_per_client_hour)
            return sent_to("/help/register/sent", data.email)
        except CVMSError as error:
            errors, refused = error.problems(), error
    return render(request, "help/register.html", {"values": values, "errors": errors}, 400,
                  refused)


@router.get("/register/sent", response_class=HTMLResponse)
async def registered_page(request: Request) -> HTMLResponse:
    return render(request, "help/registered.html", {"email": sent_email(request)})


@router.get("/ask", response_class=HTMLResponse)
async def ask_page(request: Request) -> HTMLResponse:
    """The public question form, in English or Spanish (the recipient pages' switch)."""
    choose_language(request)
    return bilingual_page(request, "help/ask.html", {})


@router.post("/ask", response_class=HTMLResponse)
async def ask(request: Request, session: SessionDep, gateway: ProcessesDep,
              settings: SettingsDep, attachments: Attachments = None) -> Response:
    """The question, with files checked as a provider's case's are: a refused form keeps the
    good files (bound to this browser) and names the bad ones."""
    language = choose_language(request)
    values = await form_values(request)
    values.pop("attachments", None)
    uploads, references = await files_of(attachments), kept_references(values)
    visitor = Visitor()
    data, errors = parse(PublicQuestionIn, values)
    throttled, status = None, 400
    try:
        asked = await helpdesk.asked_with(session, data) if data else None
    except Conflict as error:  # the key of another question: said on this one, a fresh key
        asked, data, status = None, None, error.status_code
        errors = {"question": error.message}
        values.pop("request_key", None)
    if asked is not None:
        # The same form sent again (Back, then the button): the question it already asked.
        path = requester_case_path(secret(request), asked.id, has_account=False,
                                   version=asked.link_version)
        return RedirectResponse(f"{path}?done=asked", status_code=303)
    if data:
        try:
            kept = await kept_files(request, session, visitor, references)
            case = await helpdesk.ask_question(session, gateway, data.model_copy(
                update={"language": language}), client_address(request),
                settings.public_questions_per_client_hour, uploads, kept)
        except TooManyRequests as error:
            errors, throttled = error.errors, error
            await rollback_keeping(session)
        except Invalid as error:  # its files: named on their field, the good ones kept
            await rollback_keeping(session)
            errors = error.problems("attachments")
        except CVMSError as error:  # not done (the case system did not answer): the form again
            await rollback_keeping(session)
            errors, status = error.problems(), error.status_code
        else:
            # To the question's own page: a reload shows it again instead of asking twice.
            path = requester_case_path(secret(request), case.id, has_account=False)
            return RedirectResponse(f"{path}?done=asked", status_code=303)
    values["kept"] = references
    _kept, refused = await keep_files(request, session, visitor, values,
                                      [] if throttled else uploads)
    return bilingual_page(request, "help/ask.html", {
        "values": values, "errors": i18n.translated({**errors, **refused})}, status, throttled)


@router.get("/cases", response_class=HTMLResponse)
async def my_cases(request: Request, user: CurrentUser, session: SessionDep) -> HTMLResponse:
    """A page at a time (a page number mangled in the address: the first; past the last: the
    last)."""
    page = request.query_params.get("page", "1")
    found = await helpdesk.my_cases(session, user, page_number(page))
    return render(request, "help/cases.html", {"found": found, "links": PageLinks()})


async def _intake(request: Request, session, user, **context) -> HTMLResponse:
    values = context.setdefault("values", {})
    if "related_case_id" in context.get("errors", {}):
        # not one of the person's cases (a tampered address or form): said once, then the
        # form goes on without it, rather than refusing every send
        values.pop("related_case_id", None)
    # The form's own key, kept through the suggestions step: sent again, the same case.
    if not is_request_key(values.get("request_key")):
        values["request_key"] = secrets.token_hex(16)
    ids = await my_location_ids(session, user)
    locations = (await session.exec(select(Location).where(Location.id.in_(ids)))).all()
    return render(request, "help/new_case.html", {
        "categories": PROVIDER_CATEGORIES,
        # the HCP user onboarding template, for whoever may send it (api/access.py)
        "onboards": Role.LOCATION_MANAGER in roles_of(user, request.state.portal),
        "locations": [(str(loc.id), loc.name) for loc in locations], **context},
        status_code=context.pop("status_code", 200))


@router.get("/cases/new", response_class=HTMLResponse)
async def new_case_page(request: Request, user: CurrentUser, session: SessionDep,
                        follow_up: Id | None = None) -> Response:
    """A new case; from a closed case's page, a follow-up linked to it. A link may also prefill
    the category and subject (the recipient upload's "too large" page), the location (the
    practicing-provider template's page: the case is about that location; a location not the
    person's own matches no choice of the form, and is not chosen), and the description (a
    refused portal contact's address, which the case is to name)."""
    values = {k: request.query_params[k][:2000 if k == "description" else 200]
              for k in ("category", "subject", "location_id", "description")
              if k in request.query_params}  # a description holds a whole address (254)
    if follow_up is not None:
        earlier = await helpdesk.case_for(session, user, follow_up)
        if earlier.status != CaseStatus.CLOSED:  # still open: it takes a reply, not a twin
            return redirect(f"/help/cases/{earlier.id}", notice=(
                f"Case {earlier.number} is still open: reply to it below."))
        values = {"related_case_id": str(earlier.id), "category": earlier.category.value,
                  "subject": f"Follow-up to {earlier.number}: {earlier.subject}"[:200],
                  "location_id": str(earlier.location_id or "")}
    return await _intake(request, session, user, values=values)


@router.post("/cases/new", response_class=HTMLResponse)
async def new_case(request: Request, user: CurrentUser, session: SessionDep,
                   gateway: ProcessesDep, attachments: Attachments = None) -> Response:
    values = await form_values(request)
    uploads = await files_of(attachments)
    if values.get("action") == "suggest" or not values.get("suggested"):
        _kept_files, errors = await keep_files(request, session, user, values, uploads)
        _data, problems = parse(CaseIn, values)  # what the suggestions are found from, first
        missing = {k: v for k, v in problems.items() if k in ("category", "subject",
                                                               "description")}
        if missing:
            return await _intake(request, session, user, values=values,
                                 errors={**errors, **missing}, status_code=400)
        return await _intake(request, session, user, values=values, suggested=True,
                             errors=errors, suggestions=await _suggestions(session, values),
                             status_code=400 if errors else 200)
    values.pop("attachments", None)
    references = kept_references(values)
    data, errors = parse(CaseIn, values)
    if data and (sent := await helpdesk.opened_with(session, user.id, data.request_key)):
        return _already_sent(sent)
    if data:
        try:
            kept = await pending_files(session, secret(request), user.id, references)
            case = await helpdesk.open_case(session, gateway, user, data, uploads, kept)
            return redirect(f"/help/cases/{case.id}", notice=f"Case {case.number} is open. We "
                                                             "emailed you a confirmation.")
        except helpdesk.SentAlready as sent:  # at the same instant (a double click)
            return _already_sent(sent.case)
        except CVMSError as error:
            await rollback_keeping(session, user)
            errors = error.problems()
    values["kept"] = references
    _kept_files, refused = await keep_files(request, session, user, values, uploads)
    return await _intake(request, session, user, values=values, errors={**errors, **refused},
                         suggested=True, suggestions=await _suggestions(session, values),
                         status_code=400)


def _already_sent(case: Case) -> Response:
    return redirect(f"/help/cases/{case.id}", notice=helpdesk.case_sent_already(case))


async def _suggestions(session, values: dict) -> list:
    """The articles that may answer the case, found from its subject and description (shown
    again with a refused form: the suggestions stay)."""
    return await kb.search(session, f"{values.get('subject', '')} "
                                    f"{values.get('description', '')}", 5)


async def _closes_at(gateway, case: Case):
    """When a case waiting for its requester closes on its own (the case's process knows;
    None when it cannot say, and the page says it without the date)."""
    if case.status != CaseStatus.AWAITING_REQUESTER:
        return None
    live = await case_process.case_detail(gateway, case.id)
    return live.closes_at if live else None


@router.get("/cases/{case_id}", response_class=HTMLResponse)
async def case_page(request: Request, case_id: Id, user: CurrentUser,
                    session: SessionDep, gateway: ProcessesDep) -> HTMLResponse:
    case = await helpdesk.case_for(session, user, case_id)
    return render(request, "help/case.html", {
        "case": case, "messages": await helpdesk.conversation(session, case, user),
        "attachments": await helpdesk.attachments(session, case, user),
        "closes_at": await _closes_at(gateway, case),
        "reopen_until": case.resolved_at + REOPEN_WITHIN if case.resolved_at else None,
        "closed_reason": requester_reason(case.closed_reason, case.closed_at),
        "about": await _about(session, case)})


async def _about(session, case: Case) -> str | None:
    """The location the requester chose for the case, named on their page as on the agent's."""
    location = await session.get(Location, case.location_id) if case.location_id else None
    return location.name if location else None


@router.post("/cases/{case_id}/{action}", response_class=HTMLResponse)
async def case_action(request: Request, case_id: Id, action: str, user: CurrentUser,
                      session: SessionDep, gateway: ProcessesDep,
                      attachments: Attachments = None) -> Response:
    case = await helpdesk.case_for(session, user, case_id)
    if action not in ("reply", "reopen"):  # no other action is a requester's to take
        raise NotFound(NOT_FOUND)
    values = await form_values(request)
    values.pop("attachments", None)
    uploads, references = await files_of(attachments), kept_references(values)
    data, errors = parse(MessageIn, values)
    if data and await helpdesk.sent_with(session, case.id, data.request_key):
        return redirect(f"/help/cases/{case_id}", notice=ALREADY)
    try:
        if data and action == "reopen":
            await helpdesk.reopen(session, gateway, case, user, data.body, data.request_key)
            return redirect(f"/help/cases/{case_id}", notice="The case is reopened.")
        if data:
            kept = await pending_files(session, secret(request), user.id, references)
            reopens = case.status == CaseStatus.RESOLVED
            await helpdesk.add_message(session, gateway, case, user, data.body, False,
                                       uploads, kept, data.request_key)
            return redirect(f"/help/cases/{case_id}", notice=(
                "Your comment reopened the case; the help desk will pick it up again."
                if reopens else "Your reply was sent."))
    except helpdesk.SentAlready:
        return redirect(f"/help/cases/{case_id}", notice=ALREADY)
    except CVMSError as error:
        await rollback_keeping(session, user, case)
        errors = error.problems("body")
    values["kept"] = references
    _kept_files, refused = await keep_files(request, session, user, values, uploads)
    return render(request, "help/case.html", {
        "case": case, "messages": await helpdesk.conversation(session, case, user),
        "attachments": await helpdesk.attachments(session, case, user), "values": values,
        "closes_at": await _closes_at(gateway, case),
        "reopen_until": case.resolved_at + REOPEN_WITHIN if case.resolved_at else None,
        "closed_reason": requester_reason(case.closed_reason, case.closed_at),
        "about": await _about(session, case), "errors": {**errors, **refused}}, status_code=400)


class Visitor:
    """Someone without an account (asking on the public form): the files they attach are
    kept for their browser (api/page_files.py)."""

    id = None
    role = None


class PublicRequester(Visitor):
    """Who writes on a case asked on the public form: its requester, who has no account; the
    personal link in the case's emails is their key."""

    def __init__(self, case: Case) -> None:
        self.full_name = case.requester_name


def _bad_link(gone: bool = False, language: str | None = None) -> BadLink:
    """A mistyped, forged or foreign case link, or one sent before the requester's email address
    was corrected (`gone`): its page in the visitor's language (the one they chose, else the
    question's when the link was a real one, else the browser's)."""
    return BadLink(gone, page="help/link_problem.html", language=language)


# "Email me my current link": the same answer whether or not the address is on file
add_asking_pages(router, "/new-link", "help/new_link.html", case_link.LINK_ASKED,
                 case_link.email_current_links)


def _number(text: str) -> int:
    """A number from a link's path (a mangled link is a link problem, not a form error)."""
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise _bad_link()
    return int(text)


async def _linked_case(request: Request, session, case_id: str, key: str) -> Case:
    """The case the link names, its page in the language chosen with the switch, else the
    one the question was asked in."""
    try:
        case = await case_link.by_link(session, secret(request), _number(case_id), key)
    except Gone as error:  # a real link, readdressed: the question's language, as its emails
        asked = await session.get(Case, _number(case_id))
        raise _bad_link(gone=True, language=asked.language if asked else None) from error
    except NotFound as error:
        raise _bad_link() from error
    choose_language(request, case)
    return case


SENT, REOPENED = N_("Your reply was sent to the help desk."), N_(
    "Your comment reopened the case; the help desk will pick it up again.")
ALREADY = N_("Your reply was already sent, so it was not sent again.")
NOTICES = {"sent": SENT, "reopened": REOPENED, "already": ALREADY}


def _linked_page(request: Request, case: Case, key: str, messages, attachments,
                 status_code: int = 200, **context) -> HTMLResponse:
    done = request.query_params.get("done", "")
    notice = NOTICES.get(done)
    return bilingual_page(request, "help/public_case.html", {
        "case": case, "messages": messages, "attachments": attachments, "asked": done == "asked",
        "link": f"/help/c/{case.id}/{key}", "notice": i18n.gettext(notice) if notice else None,
        "reopen_until": case.resolved_at + REOPEN_WITHIN if case.resolved_at else None,
        "closed_reason": requester_reason(case.closed_reason, case.closed_at),
        **context}, status_code=status_code)


async def _linked_view(request: Request, session, gateway, case: Case, key: str, **context):
    requester = PublicRequester(case)
    return _linked_page(request, case, key, await helpdesk.conversation(session, case, requester),
                        await helpdesk.attachments(session, case, requester),
                        closes_at=await _closes_at(gateway, case), **context)


@router.get("/c/{case_id}/{key}", response_class=HTMLResponse)
async def linked_case(request: Request, case_id: str, key: str, session: SessionDep,
                      gateway: ProcessesDep) -> HTMLResponse:
    """A public question's case, opened from the link in its emails: no account needed."""
    case = await _linked_case(request, session, case_id, key)
    return await _linked_view(request, session, gateway, case, key)


@router.get("/c/{case_id}/{key}/files/{file_id}")
async def linked_case_file(request: Request, case_id: str, key: str, file_id: str,
                           session: SessionDep) -> Response:
    """A file the help desk attached to its answer (or the requester to the case), from the
    same personal link; not an internal note's."""
    case = await _linked_case(request, session, case_id, key)
    return file_response(await helpdesk.attached_file(session, case, PublicRequester(case),
                                                      _number(file_id)))


@router.post("/c/{case_id}/{key}/reply", response_class=HTMLResponse)
async def linked_case_reply(request: Request, case_id: str, key: str, session: SessionDep,
                            gateway: ProcessesDep, attachments: Attachments = None) -> Response:
    """The requester answers (or, once resolved, comments and so reopens) from their link,
    with files as a provider's reply takes them (kept through a refused form)."""
    case = await _linked_case(request, session, case_id, key)
    requester = PublicRequester(case)
    values = await form_values(request)
    values.pop("attachments", None)
    uploads, references = await files_of(attachments), kept_references(values)
    data, errors = parse(MessageIn, values)
    if data and await helpdesk.sent_with(session, case.id, data.request_key):
        return RedirectResponse(f"/help/c/{case_id}/{key}?done=already", status_code=303)
    try:
        if data:
            reopens = case.status == CaseStatus.RESOLVED
            kept = await kept_files(request, session, requester, references)
            # counted once they pass the checks (a refused file is named, not counted)
            await public_files_allowed(request, session, requester,
                                       len(check_attachments(uploads)))
            await helpdesk.add_message(session, gateway, case, requester, data.body,
                                       uploads=uploads, kept=kept, request_key=data.request_key)
            done = "reopened" if reopens else "sent"
            return RedirectResponse(f"/help/c/{case_id}/{key}?done={done}", status_code=303)
    except helpdesk.SentAlready:
        return RedirectResponse(f"/help/c/{case_id}/{key}?done=already", status_code=303)
    except CVMSError as error:
        await rollback_keeping(session, case)
        errors = error.problems("body")
    values["kept"] = references
    throttled = errors.get("attachments") == TOO_MANY_FILES
    _kept, refused = await keep_files(request, session, requester, values,
                                      [] if throttled else uploads)
    return await _linked_view(request, session, gateway, case, key, status_code=400,
                              values=values, errors=i18n.translated({**errors, **refused}))
