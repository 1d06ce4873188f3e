"""The help-desk pages for requesters: knowledge base, registration, questions, their cases."""

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlmodel import select

from api.deps import CurrentUser, OptionalUser, ProcessesDep, SessionDep, rollback_keeping
from api.domain import helpdesk, kb
from api.domain.scope import my_location_ids
from api.domain.section_b import Upload
from api.forms import form_values, parse
from api.pages import redirect, render
from api.params import Id
from core.errors import CVMSError
from models.enrollment import Location
from models.helpdesk_rules import Category
from models.helpdesk_schemas import CaseIn, MessageIn, PublicQuestionIn, RequesterRegistrationIn

router = APIRouter(prefix="/help", include_in_schema=False)
PROVIDER_CATEGORIES = [(c.value, c.label) for c in Category if c != Category.RECIPIENT_QUESTION]


async def files_of(request: Request, field: str = "attachments") -> list[Upload]:
    form = await request.form()
    uploads = []
    for item in form.getlist(field):
        if isinstance(item, UploadFile) and item.filename:
            uploads.append(Upload(item.filename, await item.read()))
    return uploads


@router.get("", response_class=HTMLResponse)
async def help_home(request: Request, session: SessionDep, user: OptionalUser,
                    q: str = "") -> HTMLResponse:
    articles = await kb.search(session, q, 10) if q else await kb.latest(session, 10)
    return render(request, "help/home.html", {"q": q, "articles": articles, "user": user})


@router.get("/articles/{article_id}", response_class=HTMLResponse)
async def article(request: Request, article_id: Id, session: SessionDep,
                  user: OptionalUser) -> HTMLResponse:
    found = await kb.article(session, article_id, bool(user and helpdesk.is_agent(user)))
    return render(request, "help/article.html", {"article": found})


@router.get("/register", response_class=HTMLResponse)
async def register_page(request: Request) -> HTMLResponse:
    return render(request, "help/register.html")


@router.post("/register", response_class=HTMLResponse)
async def register(request: Request, session: SessionDep, gateway: ProcessesDep) -> Response:
    values = await form_values(request)
    data, errors = parse(RequesterRegistrationIn, values)
    if data:
        try:
            user = await helpdesk.register_requester(session, gateway, data)
            return render(request, "help/registered.html", {"email": user.email})
        except CVMSError as error:
            errors = error.errors
    return render(request, "help/register.html", {"values": values, "errors": errors},
                  status_code=400)


@router.get("/ask", response_class=HTMLResponse)
async def ask_page(request: Request) -> HTMLResponse:
    return render(request, "help/ask.html")


@router.post("/ask", response_class=HTMLResponse)
async def ask(request: Request, session: SessionDep, gateway: ProcessesDep) -> Response:
    values = await form_values(request)
    data, errors = parse(PublicQuestionIn, values)
    if data:
        case = await helpdesk.ask_question(session, gateway, data)
        return render(request, "help/asked.html", {"case": case})
    return render(request, "help/ask.html", {"values": values, "errors": errors}, status_code=400)


@router.get("/cases", response_class=HTMLResponse)
async def my_cases(request: Request, user: CurrentUser, session: SessionDep) -> HTMLResponse:
    return render(request, "help/cases.html", {"cases": await helpdesk.my_cases(session, user)})


async def _intake(request: Request, session, user, **context) -> HTMLResponse:
    ids = await my_location_ids(session, user)
    locations = (await session.exec(select(Location).where(Location.id.in_(ids)))).all()
    return render(request, "help/new_case.html", {
        "categories": PROVIDER_CATEGORIES,
        "locations": [(str(loc.id), loc.name) for loc in locations], **context},
        status_code=context.pop("status_code", 200))


@router.get("/cases/new", response_class=HTMLResponse)
async def new_case_page(request: Request, user: CurrentUser, session: SessionDep) -> HTMLResponse:
    # A link may prefill the category and subject (the recipient upload's "too large" page).
    prefill = {k: request.query_params[k][:200] for k in ("category", "subject")
               if k in request.query_params}
    return await _intake(request, session, user, values=prefill)


@router.post("/cases/new", response_class=HTMLResponse)
async def new_case(request: Request, user: CurrentUser, session: SessionDep,
                   gateway: ProcessesDep) -> Response:
    values = await form_values(request)
    if values.get("action") == "suggest" or not values.get("suggested"):
        query = f"{values.get('subject', '')} {values.get('description', '')}"
        return await _intake(request, session, user, values=values, suggested=True,
                             suggestions=await kb.search(session, query, 5))
    data, errors = parse(CaseIn, values)
    if data:
        try:
            case = await helpdesk.open_case(session, gateway, user, data,
                                            await files_of(request))
            return redirect(f"/help/cases/{case.id}", notice=f"Case {case.number} is open. We "
                                                             "emailed you a confirmation.")
        except CVMSError as error:
            await rollback_keeping(session, user)
            errors = error.errors or {"form": error.message}
    return await _intake(request, session, user, values=values, errors=errors, suggested=True,
                         status_code=400)


@router.get("/cases/{case_id}", response_class=HTMLResponse)
async def case_page(request: Request, case_id: Id, user: CurrentUser,
                    session: SessionDep) -> HTMLResponse:
    case = await helpdesk.case_for(session, user, case_id)
    return render(request, "help/case.html", {
        "case": case, "messages": await helpdesk.conversation(session, case, user),
        "attachments": await helpdesk.attachments(session, case)})


@router.post("/cases/{case_id}/{action}", response_class=HTMLResponse)
async def case_action(request: Request, case_id: Id, action: str, user: CurrentUser,
                      session: SessionDep, gateway: ProcessesDep) -> Response:
    case = await helpdesk.case_for(session, user, case_id)
    data, errors = parse(MessageIn, await form_values(request))
    try:
        if data and action == "reopen":
            await helpdesk.reopen(session, gateway, case, user, data.body)
            return redirect(f"/help/cases/{case_id}", notice="The case is reopened.")
        if data:
            await helpdesk.add_message(session, gateway, case, user, data.body, False,
                                       await files_of(request))
            return redirect(f"/help/cases/{case_id}", notice="Your reply was sent.")
    except CVMSError as error:
        await rollback_keeping(session, user, case)
        errors = error.errors or {"body": error.message}
    return render(request, "help/case.html", {
        "case": case, "messages": await helpdesk.conversation(session, case, user),
        "attachments": await helpdesk.attachments(session, case), "errors": errors},
        status_code=400)
