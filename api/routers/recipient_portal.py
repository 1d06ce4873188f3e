"""The Recipient Portal, in English and Spanish: registration from the invitation link, the
eligibility status with what it means, and updates at any time. The language is the one
chosen with the switch (a cookie), else the one the recipient's record asks for."""

import re

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import ProcessesDep, SessionDep, SettingsDep
from api.domain import appointments
from api.domain import recipient_portal as portal
from api.domain.recipient_contact import email_new_link
from api.domain.series import series_of
from api.forms import form_values
from api.link_asks import add_asking_pages
from api.pages import redirect, render, same_site_path
from api.params import Id
from api.routing import Router
from core import i18n
from core.errors import CVMSError, Gone, NotFound
from models.enrollment import Location
from models.helpdesk import Case
from models.recipient_rules import recipient_path
from models.recipients import Recipient

router = Router(include_in_schema=False)
LANGUAGE_COOKIE = "cvms_lang"
YEAR = 365 * 24 * 3600


def choose_language(request: Request, person: Recipient | Case | None = None,
                    language: str | None = None) -> str:
    """The language chosen with the switch, else the one the person's record (a recipient, a
    public question's case) asks for, else the browser's (Accept-Language), else English. A
    chosen value that is none of ours (a tampered cookie) is English, as the switch makes it."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen:
        return i18n.use(chosen)
    chosen = person.language if person else language
    return i18n.use(chosen or i18n.preferred(request.headers.get("accept-language")))


LINK_PATH = re.compile(r"/r/(\d{1,12})/([0-9a-f]{1,128})(?:/|$)")


async def linked_person(request: Request) -> Recipient | None:
    """The person whose current personal link the path is, for a page answered before its
    route ran (a form whose token no longer fits): it speaks their record's language, as
    their own pages do. None for any other path or a link that opens nothing."""
    found = LINK_PATH.match(request.url.path)
    if found is None:
        return None
    services = request.app.state.services
    async with services.sessions() as session:
        try:
            return await portal.by_link(session, services.settings.secret_key.get_secret_value(),
                                        int(found[1]), found[2])
        except CVMSError:
            return None


def bilingual_page(request: Request, name: str, context: dict, status_code: int = 200,
                   refused: CVMSError | None = None) -> HTMLResponse:
    lang = i18n.current()
    others = [(code, label) for code, label in i18n.LANGUAGES.items() if code != lang]
    page = render(request, name, {"lang": lang, "other_languages": others, **context},
                  status_code, refused)
    page.headers["Vary"] = "Cookie, Accept-Language"  # a shared cache keeps each language apart
    return page


class BadLink(Exception):
    """A mistyped, forged or foreign personal link, or one sent before its email address was
    corrected (`gone`): answered with `page` (a recipient's, or a public question's
    help/link_problem.html) in the visitor's language, which offers the current link by
    email."""

    def __init__(self, gone: bool = False, page: str = "recipient/problem.html",
                 language: str | None = None) -> None:
        super().__init__()
        self.gone, self.page, self.language = gone, page, language


async def _person(request: Request, session, settings, recipient_id: int,
                  key: str) -> Recipient:
    try:
        return await portal.by_link(session, settings.secret_key.get_secret_value(),
                                    recipient_id, key)
    except Gone as error:  # their record's language, which their emails and pages speak
        raise BadLink(gone=True, language=(await session.get(Recipient, recipient_id)).language
                      ) from error
    except NotFound as error:
        raise BadLink from error


async def bad_link(request: Request, error: BadLink) -> HTMLResponse:
    choose_language(request, language=error.language)
    return bilingual_page(request, error.page, {"gone": error.gone},
                          status_code=410 if error.gone else 404)


# "Email me my current link": the same answer whether or not the address is on file
add_asking_pages(router, "/r/new-link", "recipient/new_link.html", portal.LINK_ASKED,
                 portal.email_current_link)


@router.get("/language/{code}")
async def switch_language(code: str, next: str = "/") -> RedirectResponse:  # noqa: A002
    response = RedirectResponse(same_site_path(next), status_code=303)
    response.set_cookie(LANGUAGE_COOKIE, i18n.supported(code), max_age=YEAR, samesite="lax",
                        httponly=True, path="/")
    return response


async def _form(request: Request, session, person: Recipient, base: str, values: dict,
                errors: dict, status_code: int = 200) -> HTMLResponse:
    return bilingual_page(request, "recipient/register.html", {
        "person": person, "base": base, "values": values, "errors": errors,
        "location_name": await portal.location_name(session, person),
        "identity_locked": await portal.identity_locked(session, person), **portal.choices()},
        status_code)


@router.get("/r/{recipient_id}/{key}", response_class=HTMLResponse)
async def landing(request: Request, recipient_id: Id, key: str, session: SessionDep,
                  settings: SettingsDep) -> Response:
    person = await _person(request, session, settings, recipient_id, key)
    base = f"/r/{recipient_id}/{key}"
    if person.registered_at:
        return RedirectResponse(f"{base}/status", status_code=303)
    choose_language(request, person)
    return await _form(request, session, person, base, portal.form_values(person), {})


@router.get("/r/{recipient_id}/{key}/edit", response_class=HTMLResponse)
async def edit(request: Request, recipient_id: Id, key: str, session: SessionDep,
               settings: SettingsDep) -> HTMLResponse:
    person = await _person(request, session, settings, recipient_id, key)
    choose_language(request, person)
    return await _form(request, session, person, f"/r/{recipient_id}/{key}",
                       portal.form_values(person), {})


@router.post("/r/{recipient_id}/{key}", response_class=HTMLResponse)
async def save(request: Request, recipient_id: Id, key: str, session: SessionDep,
               settings: SettingsDep, gateway: ProcessesDep) -> Response:
    person = await _person(request, session, settings, recipient_id, key)
    choose_language(request, person)
    values = await form_values(request)
    base, version = f"/r/{recipient_id}/{key}", person.link_version
    status = 400
    try:
        errors = await portal.register(session, person, values)
        if not errors and person.link_version != version:
            # the address corrected: the new link goes to it, the old one stops working
            base = recipient_path(settings.secret_key.get_secret_value(), person.id,
                                  person.link_version)
            await email_new_link(gateway, session, person)
    except CVMSError as error:
        await session.rollback()
        person = await _person(request, session, settings, recipient_id, key)
        # in their language ("not done, try again" when the new link's email could not start)
        errors, status = i18n.translated(error.problems()), error.status_code
    if errors:
        return await _form(request, session, person, f"/r/{recipient_id}/{key}", values,
                           errors, status)
    # saved=2: the link moved on (the emailed one no longer works): the page says so
    return redirect(f"{base}/status?saved={2 if person.link_version != version else 1}")


@router.get("/r/{recipient_id}/{key}/status", response_class=HTMLResponse)
async def status(request: Request, recipient_id: Id, key: str, session: SessionDep,
                 settings: SettingsDep, saved: str = "") -> Response:
    # saved: a notice's mark (1 saved, 2 saved and the link moved on); any other (a link
    # cut or edited) is no notice, not a refusal in English
    person = await _person(request, session, settings, recipient_id, key)
    base = f"/r/{recipient_id}/{key}"
    if not person.registered_at:
        return RedirectResponse(base, status_code=303)
    choose_language(request, person)
    result, label, meaning = portal.status_of(person)
    return bilingual_page(request, "recipient/status.html", {
        "person": person, "base": base, "result": result, "status_label": label,
        "status_meaning": meaning, "saved": saved in ("1", "2"),
        # the link just moved on (`save`): the new one, written out to keep
        "new_link": settings.link(base) if saved == "2" else None,
        "series": await series_of(session, person),
        "booked": await appointments.booked_for(session, person),
        "location": await session.get(Location, person.location_id)})
