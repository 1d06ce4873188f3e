"""Help-desk JSON API: registration, cases, agents' actions, bulk imports, knowledge base."""

import json
from typing import Annotated

from fastapi import Depends, File, Form, Header, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile as StarletteUpload

from api.deps import (
    CurrentUser,
    OptionalUser,
    ProcessesDep,
    SessionDep,
    SettingsDep,
    require_roles,
)
from api.domain import helpdesk, kb, provider_import
from api.domain.helpdesk_console import NO_SUCH_AGENT, ConsoleFilters, console, unknown_assignee
from api.domain.section_b import Upload
from api.forms import refuse_fields, validated
from api.params import Id
from api.routing import Router, file_answer
from api.sessions import client_address
from core.errors import Conflict, Invalid
from models.accounts import User
from models.enums import Role
from models.helpdesk import CaseMessage
from models.helpdesk_schemas import (
    ArticleIn,
    ArticleOut,
    AssignIn,
    CaseIn,
    CaseOut,
    CasePage,
    CaseStatusOut,
    ImportIn,
    ImportReport,
    MessageIn,
    MessageOut,
    PublicQuestionIn,
    RequesterRegistrationIn,
    ResolveIn,
)
from models.schemas import RegistrationAccepted

router = Router(prefix="/api/v1/helpdesk", tags=["help desk"])
Agent = Annotated[User, Depends(require_roles(Role.HELPDESK_AGENT, Role.HELPDESK_LEAD))]
Files = Annotated[list[UploadFile] | None, File(description="Attachments (up to 5)")]


def only_fields(*allowed: str):
    """A multipart form is as strict as a JSON body: a field we do not take is a 422 naming it
    (a misspelled "attachment" would otherwise drop the file without a word)."""
    async def check(request: Request) -> None:
        unknown = [key for key in dict.fromkeys((await request.form()).keys())
                   if key not in allowed and key != "csrf_token"]
        if unknown:
            raise Invalid(("Unknown field: " if len(unknown) == 1 else "Unknown fields: ")
                          + ", ".join(unknown) + ".",
                          errors={key: "This field is not accepted here." for key in unknown})
    return Depends(check)


async def uploads_of(files: list[UploadFile] | None) -> list[Upload]:
    return [Upload(f.filename or "attachment", await f.read()) for f in files or [] if f.filename]


@router.post("/registrations", response_model=RegistrationAccepted, status_code=202,
             summary="Register for the help desk with a Provider PIN or VAC2021",
             description="The same answer for every address, registered or not: the address's "
                         "owner is emailed a username and temporary password, or how to log in.")
async def register(request: Request, body: RequesterRegistrationIn, session: SessionDep,
                   gateway: ProcessesDep, settings: SettingsDep) -> RegistrationAccepted:
    await helpdesk.register_requester(session, gateway, body, client_address(request),
                                      settings.registrations_per_client_hour)
    return RegistrationAccepted(email=body.email, next_step=helpdesk.REGISTERED)


# A network retry sends the same request again: with the same key, it is answered with what
# the first send made (the pages' forms carry such a key too).
RETRY_KEY = ("Optional: a random key for this request (8 to 64 letters, digits or hyphens). "
             "Sent again with the same key (a retry), the answer is what the first send made, "
             "and nothing more is stored or emailed")
RequestKeyForm = Annotated[str | None, Form(description=RETRY_KEY)]


@router.post("/cases", response_model=CaseOut, status_code=201, summary="Open a case",
             dependencies=[only_fields("category", "subject", "description", "location_id",
                                       "related_case_id", "attachments", "request_key")])
async def open_case(user: CurrentUser, session: SessionDep, gateway: ProcessesDep,
                    category: Annotated[str, Form()], subject: Annotated[str, Form()],
                    description: Annotated[str, Form()],
                    location_id: Annotated[str | None, Form()] = None,
                    related_case_id: Annotated[str | None, Form(
                        description="The closed case this one follows up")] = None,
                    attachments: Files = None, request_key: RequestKeyForm = None) -> CaseOut:
    if helpdesk.is_agent(user):
        raise Invalid("Agents open cases on a requester's behalf from the console.")
    data = validated(CaseIn, {"category": category, "subject": subject, "description": description,
                           "location_id": location_id, "related_case_id": related_case_id,
                           "request_key": request_key})
    if sent := await helpdesk.opened_with(session, user.id, data.request_key):
        return CaseOut.model_validate(sent)
    try:
        case = await helpdesk.open_case(session, gateway, user, data,
                                        await uploads_of(attachments))
    except helpdesk.SentAlready as sent_at_once:  # the same request at the same instant
        if sent_at_once.case is None:
            raise
        case = sent_at_once.case
    return CaseOut.model_validate(case)


QUESTION_FIELDS = tuple(PublicQuestionIn.model_fields)


def _question_body() -> dict:
    """The question's body as the API documents it: the JSON object, or the same fields as a
    multipart form with the files (up to 5) under `attachments`."""
    schema = PublicQuestionIn.model_json_schema(ref_template="#/components/schemas/{model}")
    form = {**schema, "title": "PublicQuestionForm", "properties": {
        **schema["properties"], "attachments": {
            "type": "array", "items": {"type": "string", "format": "binary"},
            "description": "Up to 5 files (PDF, Excel, CSV, text, JPEG or PNG), 10 MB each"}}}
    return {"requestBody": {"required": True, "content": {
        "application/json": {"schema": schema}, "multipart/form-data": {"schema": form}}}}


async def _question_of(request: Request) -> tuple[PublicQuestionIn, list[Upload]]:
    """JSON as before, or multipart as the case API takes it (as strict: an unknown field is
    named; a text where a file goes, or a file where text goes, is refused on its field)."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()
        await only_fields(*QUESTION_FIELDS, "attachments").dependency(request)
        files = form.getlist("attachments")
        if any(not isinstance(item, StarletteUpload) for item in files):
            raise Invalid("Check these fields: attachments.",
                          errors={"attachments": "Send each attachment as a file."})
        data = validated(PublicQuestionIn, {k: form[k] for k in QUESTION_FIELDS if k in form})
        return data, await uploads_of(files)
    return _json_question(await request.body(), request.headers.get("content-type")), []


def _json_question(body: bytes, content_type: str | None) -> PublicQuestionIn:
    """The JSON body read as FastAPI reads a declared one, its problems answered alike."""
    if not body:
        raise RequestValidationError([{"type": "missing", "loc": ("body",),
                                       "msg": "Field required", "input": None}])
    if content_type and not content_type.split(";")[0].strip().endswith(("/json", "+json")):
        value = body
    else:
        try:
            value = json.loads(body)
        # RecursionError: arrays or objects nested deeper than Python's stack (a few thousand)
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
            raise RequestValidationError([{
                "type": "json_invalid", "loc": ("body", getattr(error, "pos", 0)),
                "msg": "JSON decode error", "input": {}}]) from None
    if not isinstance(value, dict):
        raise RequestValidationError([{"type": "model_attributes_type", "loc": ("body",),
                                       "msg": "Input should be an object", "input": None}])
    try:
        return PublicQuestionIn.model_validate(value)
    except ValidationError as error:
        raise RequestValidationError([{**problem, "loc": ("body", *problem["loc"])}
                                      for problem in error.errors()]) from None


@router.post("/questions", response_model=CaseOut, status_code=201,
             summary="A recipient's question (no account needed)",
             description="A JSON object, or the same fields as multipart/form-data with up to "
                         "5 files as `attachments` (checked as a case's are: one refused file "
                         "refuses the question, naming it).",
             openapi_extra=_question_body())
async def ask(request: Request, session: SessionDep, gateway: ProcessesDep,
              settings: SettingsDep) -> CaseOut:
    body, uploads = await _question_of(request)
    return CaseOut.model_validate(await helpdesk.ask_question(
        session, gateway, body, client_address(request),
        settings.public_questions_per_client_hour, uploads))


@router.get("/cases", response_model=CasePage,
            summary="Your cases (requesters: the newest first, paged as the console, by "
                    "page), or for agents one page of the console: every team or one, "
                    "searched (q), filtered and sorted like /helpdesk; a page past the last "
                    "is empty")
async def list_cases(user: CurrentUser, session: SessionDep,
                     filters: Annotated[ConsoleFilters, Query()]) -> CasePage:
    if not helpdesk.is_agent(user):
        mine = await helpdesk.my_cases(session, user, filters.page)
        past_end = mine.page != filters.page
        return CasePage(items=[] if past_end else [CaseOut.model_validate(c) for c in mine.rows],
                        total=mine.total, page=filters.page, pages=mine.pages)
    if await unknown_assignee(session, filters):
        refuse_fields({"assignee": NO_SUCH_AGENT})
    found = await console(session, filters)
    return CasePage(items=[CaseOut.model_validate(c) for c in found.cases], total=found.total,
                    page=found.page, pages=found.pages)


@router.get("/cases/{case_id}", summary="A case and its conversation")
async def get_case(case_id: Id, user: CurrentUser, session: SessionDep) -> dict:
    case = await helpdesk.case_for(session, user, case_id)
    return {"case": CaseOut.model_validate(case).model_dump(mode="json"),
            "messages": [MessageOut.model_validate(m).model_dump(mode="json")
                         for m in await helpdesk.conversation(session, case, user)],
            "attachments": [{"id": a.id, "filename": a.filename, "size": a.size,
                             "message_id": a.message_id}
                            for a in await helpdesk.attachments(session, case, user)]}


@router.post("/cases/{case_id}/messages", response_model=MessageOut, status_code=201,
             summary="Reply (requester or agent) or write an internal note (agent)",
             dependencies=[only_fields("body", "internal", "attachments", "request_key")])
async def post_message(case_id: Id, user: CurrentUser, session: SessionDep,
                       gateway: ProcessesDep, body: Annotated[str, Form()],
                       internal: Annotated[bool, Form()] = False,
                       attachments: Files = None,
                       request_key: RequestKeyForm = None) -> MessageOut:
    case = await helpdesk.case_for(session, user, case_id)
    data = validated(MessageIn, {"body": body, "internal": internal, "request_key": request_key})
    if sent := await helpdesk.sent_with(session, case.id, data.request_key):
        return _sent_before(sent, user)
    try:
        message = await helpdesk.add_message(session, gateway, case, user, data.body,
                                             data.internal, await uploads_of(attachments),
                                             request_key=data.request_key)
    except helpdesk.SentAlready:  # the same request at the same instant stored it
        return _sent_before(await helpdesk.sent_with(session, case_id, data.request_key), user)
    return MessageOut.model_validate(message)


KEY_OF_ANOTHER = "This request key was used for another message on this case: send a new key."


def _sent_before(message: CaseMessage, user: User) -> MessageOut:
    """The message this request's key stored before: the caller's own, or nothing is said of
    it (another person's message, an internal note perhaps, is not theirs to read)."""
    if message.author_user_id != user.id:
        raise Conflict(KEY_OF_ANOTHER, field="request_key")
    return MessageOut.model_validate(message)


@router.post("/cases/{case_id}/assign", response_model=CaseStatusOut,
             summary="Take the case, or (lead) assign it")
async def assign(case_id: Id, body: AssignIn, user: Agent, session: SessionDep,
                 gateway: ProcessesDep) -> dict:
    case = await helpdesk.case_for(session, user, case_id)
    return {"status": await helpdesk.assign(session, gateway, case, user, body.agent_id)}


@router.post("/cases/{case_id}/request-info", response_model=CaseStatusOut,
             summary="Ask the requester for information")
async def request_info(case_id: Id, body: MessageIn, user: Agent, session: SessionDep,
                       gateway: ProcessesDep) -> dict:
    case = await helpdesk.case_for(session, user, case_id)
    return {"status": await helpdesk.request_info(session, gateway, case, user, body.body)}


@router.post("/cases/{case_id}/resolve", response_model=CaseStatusOut,
             summary="Resolve with notes (emailed to the requester)")
async def resolve(case_id: Id, body: ResolveIn, user: Agent, session: SessionDep,
                  gateway: ProcessesDep) -> dict:
    case = await helpdesk.case_for(session, user, case_id)
    return {"status": await helpdesk.resolve(session, gateway, case, user, body.notes)}


@router.post("/cases/{case_id}/reopen", response_model=CaseStatusOut,
             summary="Reopen a resolved case (within 7 days)")
async def reopen(case_id: Id, body: MessageIn, user: CurrentUser, session: SessionDep,
                 gateway: ProcessesDep) -> dict:
    case = await helpdesk.case_for(session, user, case_id)
    return {"status": await helpdesk.reopen(session, gateway, case, user, body.body)}


@router.get("/templates/practicing-providers.xlsx", summary="The bulk upload template",
            **file_answer(provider_import.XLSX_TYPE, "The spreadsheet to fill in"))
async def provider_template(_user: OptionalUser) -> Response:
    return Response(provider_import.template(), media_type=provider_import.XLSX_TYPE,
                    headers={"Content-Disposition":
                             'attachment; filename="practicing-provider-bulk-upload.xlsx"'})


@router.post("/cases/{case_id}/imports/check", response_model=ImportReport,
             summary="Validate a bulk-upload file: errors by row and column")
async def check_import(case_id: Id, body: ImportIn, user: Agent,
                       session: SessionDep) -> ImportReport:
    case = await helpdesk.case_for(session, user, case_id)
    return await provider_import.preview(session, case, body.attachment_id, body.location_id)


@router.post("/cases/{case_id}/imports", response_model=ImportReport, status_code=201,
             summary="Import a bulk-upload file (all rows, or only the valid ones)")
async def run_import(case_id: Id, body: ImportIn, user: Agent, session: SessionDep,
                     gateway: ProcessesDep) -> ImportReport:
    case = await helpdesk.case_for(session, user, case_id)
    return await provider_import.run_import(session, gateway, case, user, body.attachment_id,
                                            body.location_id, body.valid_rows_only)


@router.get("/articles", response_model=list[ArticleOut], tags=["knowledge base"],
            summary="Search the knowledge base")
async def search_articles(session: SessionDep, user: OptionalUser,
                          q: Annotated[str, Query(max_length=200)] = "") -> list[ArticleOut]:
    drafts = bool(user and helpdesk.is_agent(user))
    found = await kb.search(session, q, 10, drafts) if q else await kb.latest(session, 20, drafts)
    return [ArticleOut.model_validate(a) for a in found]


@router.post("/articles", response_model=ArticleOut, status_code=201, tags=["knowledge base"])
async def create_article(body: ArticleIn, user: Agent, session: SessionDep,
                         response: Response) -> ArticleOut:
    saved = await kb.save(session, body, user.id)
    response.headers["ETag"] = kb.etag(saved)
    return ArticleOut.model_validate(saved)


@router.put("/articles/{article_id}", response_model=ArticleOut, tags=["knowledge base"],
            responses={409: {"description": "The article changed since the version If-Match "
                                            "names: nothing saved"},
                       428: {"description": "No If-Match: nothing saved"}})
async def update_article(article_id: Id, body: ArticleIn, user: Agent, session: SessionDep,
                         response: Response,
                         if_match: Annotated[str | None, Header(
                             max_length=400, description="The version the change was made "
                             "from: the article's ETag or `version` (`*`: whatever it is)")]
                         = None) -> ArticleOut:
    existing = await kb.article(session, article_id, include_drafts=True)
    saved = (await kb.save(session, body, user.id, existing)
             if kb.made_from_current(existing, body, if_match) else existing)
    response.headers["ETag"] = kb.etag(saved)
    return ArticleOut.model_validate(saved)
