""""Email me my current link" pages (a recipient's personal link, a public question's case
link): an address typed, without an account, and the same answer whether or not it is on file;
`?sent=1` is where an ask leads, so a reload of it asks nothing again."""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel.ext.asyncio.session import AsyncSession

from api.deps import ProcessesDep, SessionDep
from api.forms import form_values, parse
from api.pages import redirect
from core import i18n
from core.errors import Unavailable
from models.fields import Blankable
from models.inventory_schemas import RequestKey
from models.recipient_rules import GivenEmail
from models.schemas import Stripped


class LinkAskIn(Stripped):
    """The address whose personal links are asked for, and the form's one-time key
    (pages.request_key_input): the same ask sent twice (a double click) emails once."""

    email: GivenEmail
    request_key: Annotated[RequestKey | None, Blankable] = None


def add_asking_pages(router, path: str, template: str, answer: str,
                     email_links: Callable[[AsyncSession, Any, str, str | None],
                                           Awaitable[None]]) -> None:
    """GET `path`: the form (or the answer); POST: an ask, whose address `email_links(session,
    gateway, email, request_key)` emails the current links of. Public pages (api/access.py
    lists them)."""

    async def page(request: Request) -> HTMLResponse:
        return asking_page(request, template, answer)

    async def ask(request: Request, session: SessionDep, gateway: ProcessesDep) -> Response:
        return await asked(request, template,
                           lambda email, key: email_links(session, gateway, email, key))

    page.__doc__ = ask.__doc__ = email_links.__doc__
    router.get(path, response_class=HTMLResponse)(page)
    router.post(path, response_class=HTMLResponse)(ask)


def asking_page(request: Request, template: str, answer: str) -> HTMLResponse:
    """The form, or (`?sent=1`) the answer to an ask, in the visitor's language."""
    from api.routers.recipient_portal import bilingual_page, choose_language

    choose_language(request)
    sent = request.query_params.get("sent") == "1"
    return bilingual_page(request, template, {"sent": i18n.gettext(answer) if sent else None})


async def asked(request: Request, template: str,
                email_links: Callable[[str, str | None], Awaitable[None]]) -> Response:
    """An ask: its address given to `email_links`, then the answer; a bad address named on
    its field, what was typed kept."""
    from api.routers.recipient_portal import bilingual_page, choose_language

    choose_language(request)
    values = await form_values(request)
    data, errors = parse(LinkAskIn, values)
    status = 400
    if data:
        try:
            await email_links(data.email, data.request_key)
            return redirect(f"{request.url.path}?sent=1")
        except Unavailable as error:  # not sent: said in their language, the address kept
            errors, status = error.problems("email"), error.status_code
    return bilingual_page(request, template,
                          {"values": values, "errors": i18n.translated(errors)}, status)
