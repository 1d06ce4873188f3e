"""Server-side login sessions: a random key in a cookie (or a bearer token), its hash in the DB."""

from datetime import timedelta

from fastapi import Request, Response
from sqlmodel import delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain.scope import Portal, portal_from
from core.security import new_token, token_hash
from models.accounts import User, WebSession
from models.base import as_utc, utcnow
from models.enrollment import Location, UserLocation
from models.schemas import TokenOut, UserOut

SESSION_COOKIE = "cvms_session"
CSRF_COOKIE = "cvms_csrf"
# A browser's last request is written at most this often (one write a minute per active
# browser, not one per request); the idle limit is counted from it.
SEEN_EVERY = timedelta(minutes=1)


def presented_key(request: Request) -> tuple[str | None, str]:
    """The session key and how it came: 'bearer', 'cookie' or 'none'."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip(), "bearer"
    cookie = request.cookies.get(SESSION_COOKIE)
    return (cookie, "cookie") if cookie else (None, "none")


def client_address(request: Request) -> str:
    """The TCP peer, or the client a trusted proxy named (see TRUSTED_PROXIES)."""
    return request.client.host if request.client else "unknown"


async def load_viewer(request: Request, session: AsyncSession) -> tuple[User | None, Portal]:
    """The signed-in person and their portal locations, in one query (this runs on every
    request): the session's row, its user, and each location the user holds with a profile.
    A browser's session (the cookie's) also ends after the settings' idle minutes without a
    request; its last request is kept to the minute."""
    key, how = presented_key(request)
    if not key:
        return None, Portal()
    rows = (await session.exec(
        select(User, WebSession.expires_at, WebSession.last_seen_at, WebSession.created_at,
               UserLocation, Location.name)
        .join(WebSession, WebSession.user_id == User.id)
        .outerjoin(UserLocation, (UserLocation.user_id == User.id)
                   & UserLocation.profile.is_not(None))
        .outerjoin(Location, Location.id == UserLocation.location_id)
        .where(WebSession.key_hash == token_hash(key))
        .order_by(UserLocation.direct.desc(), Location.name))).all()
    if not rows:
        return None, Portal()
    user, expires_at, last_seen, started = rows[0][:4]
    now = utcnow()
    if as_utc(expires_at) <= now or not user.can_log_in:
        return None, Portal()
    if how == "cookie":
        seen = as_utc(last_seen or started)
        idle = timedelta(minutes=request.app.state.services.settings.session_idle_minutes)
        if now - seen > idle:
            request.state.session_idle = True  # said on the page it leads to (api/errors.py)
            return None, Portal()
        if now - seen >= SEEN_EVERY:
            await session.exec(update(WebSession).where(WebSession.key_hash == token_hash(key))
                               .values(last_seen_at=now))
            await session.commit()
    return user, portal_from(user, [(held, name) for *_session, held, name in rows
                                    if held is not None and name is not None])


async def start_session(session: AsyncSession, user: User, request: Request,
                        hours: int) -> str:
    key = new_token()
    client = request.client.host if request.client else None
    session.add(WebSession(key_hash=token_hash(key), user_id=user.id,
                           expires_at=utcnow() + timedelta(hours=hours), ip_address=client,
                           user_agent=(request.headers.get("user-agent") or "")[:400]))
    user.last_login_at = utcnow()
    session.add(user)
    return key


async def bearer_token(session: AsyncSession, user: User, request: Request,
                       hours: int) -> TokenOut:
    """A new session for an API client: its bearer token, when it ends, and who it is."""
    key = await start_session(session, user, request, hours)
    return TokenOut(access_token=key, user=UserOut.model_validate(user),
                    expires_at=utcnow() + timedelta(hours=hours))


async def end_session(session: AsyncSession, request: Request) -> None:
    key, _how = presented_key(request)
    if key:
        await session.exec(delete(WebSession).where(WebSession.key_hash == token_hash(key)))


async def end_other_sessions(session: AsyncSession, user_id: int, keep_key: str | None) -> None:
    statement = delete(WebSession).where(WebSession.user_id == user_id)
    if keep_key:
        statement = statement.where(WebSession.key_hash != token_hash(keep_key))
    await session.exec(statement)


async def end_all_sessions(session: AsyncSession, user_id: int) -> None:
    await session.exec(delete(WebSession).where(WebSession.user_id == user_id))


def set_session_cookie(response: Response, key: str, *, secure: bool, hours: int) -> None:
    response.set_cookie(SESSION_COOKIE, key, max_age=hours * 3600, httponly=True,
                        secure=secure, samesite="lax", path="/")
