"""Suggestions for a search-backed site field: never the whole state's list at once."""

from typing import Annotated

from fastapi import Query
from pydantic import BaseModel

from api.deps import CurrentUser, SessionDep
from api.domain import sites
from api.domain.state_lists import pin
from api.params import Id
from api.routing import Router
from models.input import NO_CONTROL

router = Router(prefix="/api/v1", tags=["sites"])


class SiteOut(BaseModel):
    id: int
    pin: str
    name: str
    city: str
    label: str


@router.get("/sites", response_model=list[SiteOut],
            summary="Sites whose name, city or Provider PIN matches (at most 20)")
async def find_sites(user: CurrentUser, session: SessionDep,
                     q: Annotated[str, Query(max_length=100, pattern=NO_CONTROL)] = "",
                     enrolled: bool = False, exclude: Id | None = None) -> list[SiteOut]:
    """Enrolled sites, and the caller's own organization's in any status (the state's staff
    find every site); `enrolled=true` keeps to enrolled ones."""
    found = await sites.search(session, q, enrolled_only=enrolled, exclude=exclude, viewer=user)
    return [SiteOut(id=s.id, pin=pin(s.id), name=s.name, city=s.city, label=sites.label(s))
            for s in found]
