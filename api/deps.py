"""Request dependencies: the database session, Temporal, the current user and role checks."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain.portal_accounts import left_location
from api.domain.scope import roles_of
from api.errors import wants_json
from api.pages import MOVED
from api.processes import Gateway
from api.processes.gateway import ROLLBACK_ONLY
from api.services import Services
from api.sessions import load_viewer
from core.db import AFTER_COMMIT, run_after_commit
from core.errors import Forbidden, NotAuthenticated, PasswordChangeRequired
from core.settings import Settings
from models.accounts import User, Viewer
from models.enums import Role


async def get_services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_settings_dep(services: ServicesDep) -> Settings:
    return services.settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


async def get_session(services: ServicesDep) -> AsyncIterator[AsyncSession]:
    """One session per request; it commits when the endpoint returns without error, unless a
    process refused the action the request wrote rows for (then nothing is kept)."""
    async with services.sessions() as session:
        try:
            yield session
            if session.info.pop(ROLLBACK_ONLY, False):
                session.info.pop(AFTER_COMMIT, None)
                await session.rollback()
            else:
                await session.commit()
                await run_after_commit(session)
        except BaseException:
            await session.rollback()
            raise


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def get_processes(services: ServicesDep) -> Gateway:
    return services.processes


ProcessesDep = Annotated[Gateway, Depends(get_processes)]

# Pages a user who must change a temporary password may still open.
_PASSWORD_PATHS = ("/account/password", "/logout", "/api/v1/account/password", "/api/v1/auth/logout")


async def optional_user(request: Request, session: SessionDep) -> User | None:
    if not hasattr(request.state, "user"):
        user, request.state.portal = await load_viewer(request, session)
        request.state.user = user
        if user is not None and not request.url.path.startswith("/api/"):
            # told on the page, once: an API client's active location stays as it was
            request.state.moved = await left_location(session, user, request.state.portal)
            MOVED.set(request.state.moved)
            if request.state.moved:  # kept even when this page is refused (the lost
                await session.commit()  # location's own, reloaded): told once, not again
        # Pages (error pages too, after a rollback) render from this detached snapshot.
        request.state.viewer = Viewer.of(user, request.state.portal) if user else None
    return request.state.user


async def current_user(request: Request,
                       user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise NotAuthenticated("Log in to continue.")
    if user.must_change_password and request.url.path not in _PASSWORD_PATHS:
        raise PasswordChangeRequired("Choose a new password before continuing: your temporary "
                                     "password must be changed at first login.",
                                     field="password")
    return user


CurrentUser = Annotated[User, Depends(current_user)]
OptionalUser = Annotated[User | None, Depends(optional_user)]


def refuse_roles(request: Request, user: User, allowed: frozenset[Role]) -> None:
    """A 403 naming the roles needed and the one the person acts in, unless they hold one."""
    if roles_of(user, request.state.portal) & allowed:
        return
    needed = " or ".join(role.label for role in Role if role in allowed)
    portal = request.state.portal
    acting = portal.profile or user.role
    what = "This" if wants_json(request) else "This page"
    elsewhere = next((h for h in portal.holdings if h.profile in allowed), None) \
        if portal is not None and portal.active is not None else None
    if elsewhere is not None:  # the role is theirs at another of their locations
        refused = Forbidden(f"{what} is for the {needed} role. At {portal.active.name}, your "
                            f"active location, you work as {acting.label}: switch your active "
                            f"location to {elsewhere.name}, where you work as "
                            f"{elsewhere.profile.label}, then open it again.")
        refused.switch_to = (elsewhere.location_id, elsewhere.name)
        raise refused
    raise Forbidden(f"{what} is for the {needed} role. You are signed in as "
                    f"{acting.label}.")


def require_roles(*roles: Role):
    """A dependency allowing only these roles; everyone else gets a 403 naming the role needed."""
    allowed = frozenset(roles)

    async def check(request: Request, user: CurrentUser) -> User:
        refuse_roles(request, user, allowed)
        return user

    return check


async def rollback_keeping(session: AsyncSession, *objects: object) -> None:
    """Undo a refused action, then reload what the page re-renders (a rollback expires it)."""
    await session.rollback()
    for obj in objects:
        await session.refresh(obj)
