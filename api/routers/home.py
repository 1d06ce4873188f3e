"""The home page: a landing page for visitors, a role dashboard for people who log in."""

from fastapi import Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from api.deps import OptionalUser
from api.pages import redirect, render
from api.routing import Router
from api.static_files import STATIC
from models.enums import Role
from models.portal_rules import PROFILES

router = Router(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, user: OptionalUser) -> Response:
    # Portal contacts and points of contact have their portal's home.
    if user is not None and user.role in PROFILES and request.state.portal.profile:
        return redirect("/portal")
    if user is not None and user.role == Role.ORG_CONTACT:
        return redirect("/org-portal")
    return render(request, "home.html", {"user": user})


@router.get("/favicon.ico")
async def favicon() -> FileResponse:
    """The site's icon where a page names none (a PDF, a JSON answer): browsers ask for it."""
    return FileResponse(STATIC / "uswds" / "img" / "favicons" / "favicon.ico", media_type="image/vnd.microsoft.icon",
                        headers={"Cache-Control": "public, max-age=86400"})
