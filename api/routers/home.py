"""The home page: a landing page for visitors, a role dashboard for people who log in."""

from fastapi import Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from sqlmodel import select

from api.deps import OptionalUser, SessionDep
from api.pages import redirect, render
from api.routing import Router
from api.static_files import STATIC
from models.enrollment import Location
from models.enrollment_enums import LocationStatus
from models.enums import Role
from models.portal_rules import PROFILES

router = Router(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, user: OptionalUser, session: SessionDep) -> Response:
    # Portal contacts and points of contact have their portal's home.
    if user is not None and user.role in PROFILES and request.state.portal.profile:
        return redirect("/portal")
    if user is not None and user.role == Role.ORG_CONTACT:
        return redirect("/org-portal")
    context = {"user": user}
    if user is not None and user.role == Role.COORDINATOR:
        context.update(await _coordinated(session, user.id))
    return render(request, "home.html", context)


async def _coordinated(session, user_id: int) -> dict:
    """A coordinator's locations: those approved (where they now vaccinate, as their first
    Location Manager) and those whose Section B is still theirs to finish."""
    rows = (await session.exec(select(Location.id, Location.name, Location.status).where(
        Location.coordinator_user_id == user_id).order_by(Location.name))).all()
    return {"approved": [(i, n) for i, n, s in rows if s == LocationStatus.APPROVED],
            "enrolling": [(n, LocationStatus(s).label) for _i, n, s in rows
                          if s != LocationStatus.APPROVED]}


@router.get("/favicon.ico")
async def favicon() -> FileResponse:
    """The site's icon where a page names none (a PDF, a JSON answer): browsers ask for it."""
    return FileResponse(STATIC / "uswds" / "img" / "favicons" / "favicon.ico", media_type="image/vnd.microsoft.icon",
                        headers={"Cache-Control": "public, max-age=86400"})
