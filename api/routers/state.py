"""The state program's pages (Immunization Branch reviewers)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlmodel import select

from api.deps import SessionDep, require_roles
from api.pages import render
from models.accounts import User
from models.audit import AuditEvent
from models.enums import Role

pages = APIRouter(prefix="/state", include_in_schema=False)
Reviewer = Annotated[User, Depends(require_roles(Role.REVIEWER))]


@pages.get("/audit", response_class=HTMLResponse)
async def audit_log(request: Request, session: SessionDep, _user: Reviewer) -> HTMLResponse:
    result = await session.exec(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(200))
    return render(request, "state/audit.html", {"events": result.all()})
