"""Server-side login sessions: a random key in a cookie (or a bearer token), its hash in the DB."""

from datetime import timedelta

from fastapi import Request, Response
from sqlmodel import delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.security import new_token, token_hash
from models.accounts import User, WebSession
from models.base import as_utc, utcnow
from models.schemas import TokenOut, UserOut

SESSION_COOKIE = "cvms_session"
CSRF_COOKIE = "cvms_csrf"


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


async def load_user(request: Request, session: AsyncSession) -> User | None:
    key, _how = presented_key(request)
    if not key:
        return None
    # One query for the session and its user: this runs on every request.
    found = (await session.exec(select(User, WebSession.expires_at).join(
        WebSession, WebSession.user_id == User.id).where(
        WebSession.key_hash == token_hash(key)))).first()
    if found is None or as_utc(found[1]) <= utcnow():
        return None
    return found[0] if found[0].can_log_in else None


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
