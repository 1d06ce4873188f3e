"""Jinja2 page rendering with the layout's shared context (user, CSRF token, notices)."""

from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from api.csrf import token_for

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
NOTICE_COOKIE = "cvms_notice"


def _csrf_input(request: Request) -> Markup:
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(token_for(request))


def _product_options(ids: list[str], products: dict) -> list[tuple[str, str]]:
    return [(i, f"{products[int(i)].name} (CVX {products[int(i)].cvx_code})") for i in ids]


def _lot_options(lots: list, products: dict) -> list[tuple[str, str]]:
    return [(str(lot.id), f"{lot.lot_number}: {products[lot.product_id].name}, {lot.on_hand} "
             f"doses, expires {lot.expiration_date}") for lot in lots]


templates.env.filters["zip_products"] = _product_options
templates.env.filters["lot_options"] = _lot_options
templates.env.globals["csrf_input"] = _csrf_input
templates.env.globals["csrf_token"] = token_for


def render(request: Request, name: str, context: dict[str, Any] | None = None,
           status_code: int = 200) -> HTMLResponse:
    values = {"user": getattr(request.state, "viewer", None), "values": {}, "errors": {},
              "notice": _read_notice(request),
              "dev": request.app.state.services.settings.is_development}
    values.update(context or {})
    response = templates.TemplateResponse(request, name, values, status_code=status_code)
    if values["notice"]:
        response.delete_cookie(NOTICE_COOKIE, path="/")
    return response


def _read_notice(request: Request) -> str | None:
    raw = request.cookies.get(NOTICE_COOKIE)
    return unquote(raw) if raw else None


def redirect(url: str, notice: str | None = None) -> RedirectResponse:
    """A 303 after a successful post, optionally carrying a one-time notice to the next page."""
    response = RedirectResponse(url, status_code=303)
    if notice:
        # Header values are Latin-1: percent-encode so names in any language ("Nguyễn",
        # "O’Brien") and typographic quotes survive the trip through the cookie.
        response.set_cookie(NOTICE_COOKIE, quote(notice, safe=""), max_age=60, httponly=True,
                            samesite="lax", path="/")
    return response
