"""The home page: a landing page for visitors, a role dashboard for people who log in."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import OptionalUser
from api.pages import render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, user: OptionalUser) -> HTMLResponse:
    return render(request, "home.html", {"user": user})
