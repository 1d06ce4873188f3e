"""Creating people for tests: directly for staff roles, through the real flow for self-registration."""

from models.accounts import User
from models.enums import Role
from tests.support.system import System
from tests.support.web import PASSWORD, PASSWORD_HASH, unique_email, until_done


async def make_user(system: System, role: Role, *, email: str | None = None,
                    organization_id: int | None = None, **fields) -> User:
    user = User(email=email or unique_email(role.value), first_name=fields.pop("first_name", "Test"),
                last_name=fields.pop("last_name", role.label.split()[-1]), role=role,
                password_hash=PASSWORD_HASH, organization_id=organization_id, **fields)
    async with system.sessions() as session:
        session.add(user)
        await session.commit()
        await session.refresh(user)
    return user


async def register_org_admin(system: System, email: str | None = None,
                             first_name: str = "Olivia") -> str:
    """Register through the API and confirm from the emailed link, as a person would."""
    email = email or unique_email("oa")
    async with system.http() as http:
        response = await until_done(lambda: http.post("/api/v1/registrations", json={
            "first_name": first_name, "last_name": "Admin", "email": email,
            "password": PASSWORD, "password_confirm": PASSWORD}))
        assert response.status_code == 202, response.text
        mail = await system.smtp.one(to=email, subject="Confirm your email")
        token = mail.link("/register/verify/").rsplit("/", 1)[1]
        confirmed = await until_done(lambda: http.post("/api/v1/registrations/confirm",
                                                       json={"token": token}))
        assert confirmed.status_code == 200, confirmed.text
    return email
