"""Finding a site among every site in the state by typing: a search-backed field instead of a
picker that lists them all. A person types part of a name, a city or a Provider PIN, chooses
a suggestion ("Name — City (NCA650012)"), and the server resolves what was typed."""

from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain.scope import sites_seen_by
from api.domain.state_lists import PIN, location_of_pin, pin
from api.domain.text_search import contains
from core.errors import Invalid
from models.accounts import User
from models.enrollment import Location
from models.enrollment_enums import LocationStatus

SUGGESTIONS = 20
NOT_FOUND = ("Type part of the site's name, its city or its Provider PIN, then choose the site "
             "from the suggestions.")


def label(location: Location) -> str:
    return f"{location.name} — {location.city} ({pin(location.id)})"


def _scope(enrolled_only: bool, exclude: int | None, viewer: User | None) -> list:
    conditions = [] if viewer is None else sites_seen_by(viewer)
    if enrolled_only:
        conditions.append(Location.status == LocationStatus.APPROVED)
    if exclude:
        conditions.append(Location.id != exclude)
    return conditions


async def search(session: AsyncSession, q: str, enrolled_only: bool = False,
                 exclude: int | None = None, limit: int = SUGGESTIONS,
                 viewer: User | None = None) -> list[Location]:
    """Sites matching `q` (among those `viewer` may find, when given)."""
    q = q.strip()
    if len(q) < 2:
        return []
    by_pin = location_of_pin(q)
    match = (Location.id == by_pin) if by_pin is not None else contains(
        q, Location.name, Location.city)
    found = await session.exec(select(Location).where(match, *_scope(enrolled_only, exclude, viewer))
                               .order_by(Location.name, Location.id).limit(limit))
    return list(found.all())


async def resolve(session: AsyncSession, typed: str | None, field: str,
                  enrolled_only: bool = False, viewer: User | None = None) -> int:
    """The site a field names: a suggestion's PIN, a bare number (the API's way), or a name
    that only one site has (among those `viewer` may find, when given)."""
    text = str(typed or "").strip()
    if not text or len(text) > 300 or any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise Invalid(NOT_FOUND, field=field)
    found_pin = PIN.search(text)
    if found_pin:
        candidate = location_of_pin(found_pin[0])
        conditions = [Location.id == candidate]
    elif text.isdigit() and len(text) <= 9:
        conditions = [Location.id == int(text)]
    else:
        conditions = [func.lower(Location.name) == text.lower()]
    rows = (await session.exec(select(Location.id).where(
        *conditions, *_scope(enrolled_only, None, viewer)).limit(2))).all()
    if not rows and not found_pin and not text.isdigit():
        # typed in part and sent without choosing (no script, or too quick): the one site it
        # matches is named, not chosen for them (a dose sent to a wrong site is not called back)
        matches = await search(session, text, enrolled_only, limit=2, viewer=viewer)
        if len(matches) == 1:
            raise Invalid(f"No site is named “{text}”. Did you mean {label(matches[0])}? "
                          f"Choose it from the suggestions.", field=field)
    if len(rows) != 1:
        raise Invalid(NOT_FOUND if not rows else "More than one site has this name: choose it "
                      "from the suggestions (they show the city and Provider PIN).", field=field)
    return rows[0]
