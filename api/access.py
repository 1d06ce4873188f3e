"""Deny by default: every route declares who may call it and on what scope.

`ROUTES` names each route ("METHOD /path") with the roles allowed and the scope its handler
checks (which records of that kind a role reaches). `enforce`, a dependency of the whole app,
refuses a route that has no declaration - for everyone - and a role the declaration does not
name, before the handler runs. The handlers still check the scope (api/domain/scope.py); an
API route that names a record in its path also declares that check (`check`), which `enforce`
makes before the body or the query is read, so a caller who may not touch the record is
refused alike whatever they sent (never told which fields the route wants);
tests/test_access_matrix.py walks every route x every role x own/foreign records and fails on
any access the declarations do not grant.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum

from fastapi import Request
from sqlmodel.ext.asyncio.session import AsyncSession

from api.deps import SessionDep, current_user, optional_user, refuse_roles
from api.domain import (
    administrations,
    appointments,
    care,
    employers,
    helpdesk,
    portal_accounts,
    transfers,
)
from api.domain.recipients_scope import recipient_location, upload_location
from api.domain.scope import (
    employer_for,
    location_for,
    my_location_ids,
    organization_for,
    site_for_staff,
)
from api.forms import form_values
from api.params import id_or_none
from core.errors import Forbidden
from models.accounts import User
from models.enrollment_rules import SECTION_B_ROLES
from models.enums import Role
from models.portal_rules import MANAGER


class Scope(StrEnum):
    PUBLIC = "public"  # no account needed
    TOKEN = "token"  # noqa: S105 - the emailed link in the path is the key
    SELF = "self"  # signed in; the person's own records only
    LOCATION = "location"  # {location_id}: a location the person holds
    ORGANIZATION = "organization"  # {org_id}: the administrator's own organization
    EMPLOYER = "employer"  # {employer_id}: an employer of a location the person manages
    CONTACT = "contact"  # {contact_id}: a point of contact of such an employer
    PORTAL_USER = "portal_user"  # {user_id}: a portal contact at a location the manager holds
    CASE = "case"  # {case_id}: the requester's own case; agents: every case
    TRANSFER = "transfer"  # {transfer_id}: into or out of a location the person holds
    FILE = "file"  # {file_id}: a file of a record the person may open
    STATE = "state"  # program-wide views of state staff
    UPLOAD = "upload"  # {upload_id}: a recipient upload at a location the person manages
    RECIPIENT = "recipient"  # {recipient_id}: a recipient of a location the person manages
    ADMINISTRATION = "administration"  # {administration_id}: a dose given where one works


ALL = frozenset(Role)
DESK = frozenset({Role.HELPDESK_AGENT, Role.HELPDESK_LEAD})
STATE_STAFF = frozenset({Role.REVIEWER})
SECTION_B_READERS = frozenset({Role.COORDINATOR, Role.ORG_ADMIN, Role.REVIEWER})
SECTION_B_WRITERS = SECTION_B_ROLES
MANAGERS = frozenset({Role.LOCATION_MANAGER})
UPLOADERS = frozenset({Role.LOCATION_MANAGER, Role.ORG_CONTACT})  # recipient files
SITE_READERS = frozenset({Role.LOCATION_MANAGER, Role.REVIEWER})
PORTAL = frozenset({Role.LOCATION_MANAGER, Role.PROVIDER, Role.PROVIDER_READONLY})
EMPLOYER_STAFF = frozenset({Role.LOCATION_MANAGER, Role.REVIEWER})
CARE = frozenset({Role.LOCATION_MANAGER, Role.PROVIDER})  # who records doses


# The check an API route's handler makes of the record its path names (the ids in the path,
# whether the request changes it), run by `enforce` before the body or the query is read: a
# caller who may not touch the record is told so (403, or 404 as if it did not exist), never
# which fields the route wants (422). Each is the handler's own check, so the answer is the
# same whatever was sent.
Check = Callable[[AsyncSession, User, dict[str, int], bool], Awaitable[object]]


async def _organization(session: AsyncSession, user: User, ids: dict[str, int], write: bool):
    return await organization_for(session, user, ids["org_id"], write=write)


async def _section_b(session: AsyncSession, user: User, ids: dict[str, int], write: bool):
    return await location_for(session, user, ids["location_id"], write=write)


async def _inventory(session: AsyncSession, user: User, ids: dict[str, int], write: bool):
    """inventory.site_for's scope (its managers change, the state reads)."""
    return await site_for_staff(session, user, ids["location_id"],
                                profiles=frozenset({MANAGER}), state_reads=not write)


async def _care(session: AsyncSession, user: User, ids: dict[str, int], write: bool):
    return await care.care_site(session, user, ids["location_id"], write=write)


async def _managed(session: AsyncSession, user: User, ids: dict[str, int], write: bool):
    return await site_for_staff(session, user, ids["location_id"],
                                profiles=frozenset({MANAGER}), state_reads=False)


async def _slot(session: AsyncSession, user: User, ids: dict[str, int], write: bool):
    """An offered time of a location the user manages."""
    await _managed(session, user, ids, write)
    return await appointments.slot_at(session, ids["location_id"], ids["slot_id"])


async def _care_recipient(session: AsyncSession, user: User, ids: dict[str, int], write: bool):
    """The location's point of care, and the person the body names (`body_ids`) served there."""
    location = await _care(session, user, ids, write)
    if "recipient_id" in ids:
        await care.recipient_at(session, location, ids["recipient_id"])
    return location


async def _dose(session: AsyncSession, user: User, ids: dict[str, int], write: bool):
    dose = await administrations.administration_for(
        session, await my_location_ids(session, user), ids["administration_id"])
    return await care.care_site(session, user, dose.location_id, write=write)


async def _recipients(session: AsyncSession, user: User, ids: dict[str, int], write: bool):
    return await recipient_location(session, user, ids["location_id"])


async def _uploads(session: AsyncSession, user: User, ids: dict[str, int], write: bool):
    return await upload_location(session, user, ids["location_id"])


async def _employer(session: AsyncSession, user: User, ids: dict[str, int], write: bool):
    employer = await employer_for(session, user, ids["employer_id"])
    if "contact_id" in ids:
        await employers.contact_at(session, employer, ids["contact_id"])
    return employer


async def _portal_user(session: AsyncSession, user: User, ids: dict[str, int], write: bool):
    return await portal_accounts.contact_for(session, user, ids["user_id"])


async def _transfer(session: AsyncSession, user: User, ids: dict[str, int], write: bool):
    return await transfers.transfer_for(session, user, ids["transfer_id"])


async def _case(session: AsyncSession, user: User, ids: dict[str, int], write: bool):
    return await helpdesk.case_for(session, user, ids["case_id"])


@dataclass(frozen=True)
class Access:
    roles: frozenset[Role] | None  # None: anyone, signed in or not
    scope: Scope
    # Roles that reach every record of the scope (state staff, help-desk agents).
    wide: frozenset[Role] = field(default_factory=frozenset)
    check: Check | None = None  # an API route's scope check, made before its input is read
    # A page form that names the location it acts for (`location_id`): a role held there counts
    # as at the active location (switched in another tab since, what was typed is saved where
    # the form said, not refused and lost). Its handler checks that location itself.
    form_location: bool = False
    # Records a JSON body names by id (a dose's person), checked with the path's: a person
    # served elsewhere is refused (404) before the rest of the body is read, as a path's is.
    body_ids: tuple[str, ...] = ()


def public(scope: Scope = Scope.PUBLIC) -> Access:
    return Access(None, scope)


def only(roles: frozenset[Role], scope: Scope, wide: frozenset[Role] = frozenset(),
         check: Check | None = None, *, form_location: bool = False,
         body_ids: tuple[str, ...] = ()) -> Access:
    return Access(frozenset(roles), scope, frozenset(wide), check, form_location, body_ids)


def api_only(path: str, check: Check) -> Check | None:
    """A check for the API's form of a route (pages check on their own, and render)."""
    return check if path.startswith("/api/") else None


CARE_API = "/api/v1/locations/{location_id}/care"
DOSE_API = "/api/v1/administrations/{administration_id}"
# Point of care: every portal profile looks; Location Managers and Providers act.
POINT_OF_CARE: dict[str, Access] = {
    f"GET {CARE_API}/recipients": only(PORTAL, Scope.LOCATION, check=_care),
    f"GET {CARE_API}/recipients/{{recipient_id}}/administrations": only(PORTAL, Scope.LOCATION,
                                                                        check=_care),
    f"POST {CARE_API}/walk-ins": only(CARE, Scope.LOCATION, check=_care),
    f"POST {CARE_API}/recipients/{{recipient_id}}/check-ins": only(CARE, Scope.LOCATION,
                                                                   check=_care),
    f"POST {CARE_API}/administrations": only(CARE, Scope.LOCATION, check=_care_recipient,
                                             body_ids=("recipient_id",)),
    f"GET {DOSE_API}": only(PORTAL, Scope.ADMINISTRATION, check=_dose),
    f"PUT {DOSE_API}": only(CARE, Scope.ADMINISTRATION, check=_dose),
    f"POST {DOSE_API}/removal": only(CARE, Scope.ADMINISTRATION, check=_dose),
    "GET /r/{recipient_id}/{key}/proof": public(Scope.TOKEN),
    "GET /r/{recipient_id}/{key}/proof.pdf": public(Scope.TOKEN),
    "GET /api/v1/registry/recipients/{recipient_id}/immunizations": only(STATE_STAFF,
                                                                         Scope.STATE),
    "GET /api/v1/registry/administrations": only(STATE_STAFF, Scope.STATE),
    "GET /api/v1/registry/administrations/{administration_id}/vxu": only(STATE_STAFF,
                                                                        Scope.STATE),
    "GET /r/{recipient_id}/{key}/appointments": public(Scope.TOKEN),
    "POST /r/{recipient_id}/{key}/appointments": public(Scope.TOKEN),
    "POST /r/{recipient_id}/{key}/appointments/{appointment_id}/cancel": public(Scope.TOKEN),
    "POST /r/{recipient_id}/{key}/appointments/{appointment_id}/reschedule":
        public(Scope.TOKEN),
    # a post's answer opened again (a new tab, a restored session): back to the booking page
    "GET /r/{recipient_id}/{key}/appointments/{appointment_id}/cancel": public(Scope.TOKEN),
    "GET /r/{recipient_id}/{key}/appointments/{appointment_id}/reschedule":
        public(Scope.TOKEN),
    "PUT /api/v1/locations/{location_id}/appointment-scheduling": only(
        MANAGERS, Scope.LOCATION, check=_managed),
    "POST /care/{location_id}/appointments/scheduling": only(MANAGERS, Scope.LOCATION),
    "POST /care/{location_id}/appointments/slots": only(MANAGERS, Scope.LOCATION),
    "POST /api/v1/locations/{location_id}/appointment-slots": only(MANAGERS, Scope.LOCATION,
                                                                   check=_care),
    "GET /api/v1/locations/{location_id}/appointments": only(PORTAL, Scope.LOCATION,
                                                             check=_care),
    "GET /api/v1/locations/{location_id}/appointment-slots": only(PORTAL, Scope.LOCATION,
                                                                  check=_care),
    "PATCH /api/v1/locations/{location_id}/appointment-slots/{slot_id}": only(
        MANAGERS, Scope.LOCATION, check=_slot),
    "DELETE /api/v1/locations/{location_id}/appointment-slots/{slot_id}": only(
        MANAGERS, Scope.LOCATION, check=_slot),
    "GET /care/{location_id}/appointments/slots/{slot_id}": only(MANAGERS, Scope.LOCATION),
    "POST /care/{location_id}/appointments/slots/{slot_id}": only(MANAGERS, Scope.LOCATION),
    "POST /care/{location_id}/appointments/slots/{slot_id}/withdraw": only(MANAGERS,
                                                                          Scope.LOCATION),
    "GET /care/{location_id}/reports": only(MANAGERS, Scope.LOCATION),
    "GET /care/{location_id}/reports/{report}.csv": only(MANAGERS, Scope.LOCATION),
    "GET /care/{location_id}/forms/{form}.pdf": only(PORTAL, Scope.LOCATION),
    "GET /care/{location_id}/appointments": only(PORTAL, Scope.LOCATION),
    "GET /care": only(PORTAL, Scope.SELF),
    "GET /care/{location_id}": only(PORTAL, Scope.LOCATION),
    "GET /care/{location_id}/recipients/{recipient_id}": only(PORTAL, Scope.LOCATION),
    "GET /care/{location_id}/recipients/{recipient_id}/link": only(CARE, Scope.LOCATION),
    "GET /care/{location_id}/walk-in": only(CARE, Scope.LOCATION),
    "POST /care/{location_id}/walk-in": only(CARE, Scope.LOCATION),
    "POST /care/{location_id}/recipients/{recipient_id}/{action}": only(CARE, Scope.LOCATION),
    # a refused removal's address opened again: the dose's correction page (not the page above
    # it: other forms' addresses opened again go there, api/errors.page_above)
    "GET /care/doses/{administration_id}/remove": only(CARE, Scope.ADMINISTRATION),
    "GET /care/{location_id}/recipients/{recipient_id}/appointment": only(PORTAL,
                                                                          Scope.LOCATION),
    "POST /care/{location_id}/recipients/{recipient_id}/appointment/book": only(
        CARE, Scope.LOCATION),
    "POST /care/{location_id}/recipients/{recipient_id}/appointment/{appointment_id}/move": only(
        CARE, Scope.LOCATION),
    "POST /care/{location_id}/recipients/{recipient_id}/appointment/{appointment_id}/cancel":
        only(CARE, Scope.LOCATION),
    # a post's answer opened again: back to the person's appointment page
    "GET /care/{location_id}/recipients/{recipient_id}/appointment/book": only(
        PORTAL, Scope.LOCATION),
    "GET /care/{location_id}/recipients/{recipient_id}/appointment/{appointment_id}/move": only(
        PORTAL, Scope.LOCATION),
    "GET /care/{location_id}/recipients/{recipient_id}/appointment/{appointment_id}/cancel":
        only(PORTAL, Scope.LOCATION),
    "GET /api/v1/locations/{location_id}/recipients/{recipient_id}/appointments": only(
        PORTAL, Scope.LOCATION, check=_care),
    "POST /api/v1/locations/{location_id}/recipients/{recipient_id}/appointments": only(
        CARE, Scope.LOCATION, check=_care),
    "PUT /api/v1/locations/{location_id}/recipients/{recipient_id}/appointments/"
    "{appointment_id}": only(CARE, Scope.LOCATION, check=_care),
    "DELETE /api/v1/locations/{location_id}/recipients/{recipient_id}/appointments/"
    "{appointment_id}": only(CARE, Scope.LOCATION, check=_care),
    "GET /care/doses/{administration_id}/edit": only(CARE, Scope.ADMINISTRATION),
    "POST /care/doses/{administration_id}/{action}": only(CARE, Scope.ADMINISTRATION),
}

ROUTES: dict[str, Access] = {
    # health, home, sign-in, registration, the dev mailbox
    "GET /healthz": public(),
    "GET /api/docs": public(),
    "GET /favicon.ico": public(),
    "GET /.well-known/jwks.json": public(),
    # recipients: bulk uploads by Location Managers and organizations' points of contact (their
    # employer's location, their own uploads), the list by Location Managers, the recipient's own
    # pages by emailed key
    "GET /recipients/template.xlsx": only(UPLOADERS, Scope.SELF),
    "GET /api/v1/recipients/template.xlsx": only(UPLOADERS, Scope.SELF),
    "GET /recipients": only(UPLOADERS, Scope.SELF),
    "POST /recipients/uploads": only(UPLOADERS, Scope.SELF, form_location=True),
    "GET /recipients/uploads/{upload_id}": only(UPLOADERS, Scope.UPLOAD),
    "POST /recipients/uploads/{upload_id}/valid-rows": only(UPLOADERS, Scope.UPLOAD,
                                                           form_location=True),
    "GET /recipients/uploads/{upload_id}/errors": only(UPLOADERS, Scope.UPLOAD),
    "GET /api/v1/recipient-uploads/{upload_id}": only(UPLOADERS, Scope.UPLOAD),
    "GET /api/v1/recipient-uploads/{upload_id}/errors": only(UPLOADERS, Scope.UPLOAD),
    "POST /api/v1/locations/{location_id}/recipient-uploads": only(UPLOADERS, Scope.LOCATION,
                                                                   check=_uploads),
    "GET /api/v1/locations/{location_id}/recipients": only(MANAGERS, Scope.LOCATION,
                                                           check=_recipients),
    "GET /recipients/people/{recipient_id}": only(MANAGERS, Scope.RECIPIENT),
    "GET /recipients/people/{recipient_id}/link": only(MANAGERS, Scope.RECIPIENT),
    "GET /recipients/people/{recipient_id}/contact": only(MANAGERS, Scope.RECIPIENT),
    "POST /recipients/people/{recipient_id}/contact": only(MANAGERS, Scope.RECIPIENT),
    "GET /language/{code}": public(),
    "GET /r/new-link": public(), "POST /r/new-link": public(),  # the current link, emailed
    "GET /r/{recipient_id}/{key}": public(Scope.TOKEN),
    "GET /r/{recipient_id}/{key}/edit": public(Scope.TOKEN),
    "POST /r/{recipient_id}/{key}": public(Scope.TOKEN),
    "GET /r/{recipient_id}/{key}/status": public(Scope.TOKEN),  # the health-card issuer's public keys
    "GET /": public(),
    "GET /login": public(), "POST /login": public(), "POST /logout": public(),
    "GET /account": only(ALL, Scope.SELF),
    "GET /account/password": only(ALL, Scope.SELF),
    "POST /account/password": only(ALL, Scope.SELF),
    "GET /password/forgot": public(), "POST /password/forgot": public(),
    "GET /password/reset/{token}": public(Scope.TOKEN),
    "POST /password/reset/{token}": public(Scope.TOKEN),
    "POST /api/v1/auth/token": public(),
    "POST /api/v1/auth/logout": only(ALL, Scope.SELF),
    "GET /api/v1/me": only(ALL, Scope.SELF),
    "POST /api/v1/account/password": only(ALL, Scope.SELF),
    "POST /api/v1/auth/password-reset": public(),
    "POST /api/v1/auth/password-reset/{token}": public(Scope.TOKEN),
    "GET /register": public(), "POST /register": public(), "GET /register/sent": public(),
    "GET /register/verify/{token}": public(Scope.TOKEN),
    "POST /register/verify/{token}": public(Scope.TOKEN),
    "POST /api/v1/registrations": public(),
    "POST /api/v1/registrations/confirm": public(Scope.TOKEN),
    "GET /dev/mailbox": public(), "GET /dev/mailbox/{key}": public(Scope.TOKEN),
    "GET /state/audit": only(STATE_STAFF, Scope.STATE),
    # Section A (the Organization Administrator)
    "POST /api/v1/organizations": only({Role.ORG_ADMIN}, Scope.SELF),
    "GET /api/v1/organizations/mine": only({Role.ORG_ADMIN}, Scope.SELF),
    "GET /api/v1/organizations/{org_id}": only({Role.ORG_ADMIN, Role.REVIEWER},
                                               Scope.ORGANIZATION, STATE_STAFF, _organization),
    **{f"{method} /api/v1/organizations/{{org_id}}{tail}": only(
        {Role.ORG_ADMIN}, Scope.ORGANIZATION, check=_organization)
       for method, tail in (("PUT", "/details"), ("POST", "/locations"),
                            ("PUT", "/locations/{location_id}"),
                            ("DELETE", "/locations/{location_id}"),
                            ("PUT", "/officers/{role}"), ("POST", "/submit"),
                            ("PUT", "/locations/{location_id}/coordinator"))},
    **{f"{method} {path}": only({Role.ORG_ADMIN}, Scope.SELF) for method, path in (
        ("GET", "/organization"), ("GET", "/organization/section-a/{step}"),
        ("POST", "/organization/section-a/details"),
        ("POST", "/organization/section-a/locations"),
        ("POST", "/organization/section-a/officers"),
        ("POST", "/organization/section-a/review"), ("GET", "/organization/details"),
        ("POST", "/organization/details"), ("POST", "/organization/locations"),
        ("GET", "/organization/officers/{role}"), ("POST", "/organization/officers/{role}"))},
    **{f"{method} /organization/locations/{{location_id}}/coordinator": only(
        {Role.ORG_ADMIN}, Scope.LOCATION) for method in ("GET", "POST")},
    # coordinator invitations and officers' signing links
    "GET /api/v1/invitations/{token}": public(Scope.TOKEN),
    "POST /api/v1/invitations/{token}/register": public(Scope.TOKEN),
    "POST /api/v1/invitations/{token}/accept": public(Scope.TOKEN),
    "POST /api/v1/invitations/{token}/renew": public(Scope.TOKEN),
    "GET /invite/{token}": public(Scope.TOKEN), "POST /invite/{token}": public(Scope.TOKEN),
    "POST /invite/{token}/renew": public(Scope.TOKEN),
    "GET /invite/{token}/renewed": public(Scope.TOKEN),  # where a new link's ask leads
    "GET /sign/request-link": public(), "POST /sign/request-link": public(),
    "GET /sign/{token}": public(Scope.TOKEN), "POST /sign/{token}": public(Scope.TOKEN),
    "GET /sign/copies/{signature_id}/agreement.pdf": public(Scope.TOKEN),
    "POST /sign/{token}/renew": public(Scope.TOKEN),
    "GET /sign/{token}/renewed": public(Scope.TOKEN),  # where a new link's ask leads
    "GET /sign/{token}/signed": public(Scope.TOKEN),  # where a signature leads (reloadable)
    "POST /api/v1/signing/request-link": public(),
    "GET /api/v1/signing/{token}": public(Scope.TOKEN),
    "POST /api/v1/signing/{token}": public(Scope.TOKEN),
    "POST /api/v1/signing/{token}/renew": public(Scope.TOKEN),
    # Section B (the location's coordinator; its administrator and the state read it)
    "GET /locations": only(SECTION_B_WRITERS, Scope.SELF),
    **{f"GET {path}": only(SECTION_B_READERS, Scope.LOCATION, STATE_STAFF,
                           api_only(path, _section_b)) for path in (
        "/locations/{location_id}/section-b", "/locations/{location_id}/section-b/{step}",
        "/locations/{location_id}/section-b/providers/{provider_id}/edit",
        "/locations/{location_id}/section-b/storage-units/{unit_id}/photos",
        "/api/v1/locations/{location_id}/section-b", "/api/v1/locations/{location_id}/status",
        "/locations/{location_id}/agreement.pdf")},
    **{f"{method} {path}": only(SECTION_B_WRITERS, Scope.LOCATION,
                                check=api_only(path, _section_b)) for method, path in (
        ("POST", "/locations/{location_id}/section-b/resubmit"),
        ("POST", "/locations/{location_id}/section-b/{step}"),
        ("POST", "/locations/{location_id}/section-b/providers/{provider_id}/edit"),
        ("PUT", "/api/v1/locations/{location_id}/section-b/bulk-upload"),
        ("PUT", "/api/v1/locations/{location_id}/section-b/{step}"),
        ("POST", "/api/v1/locations/{location_id}/storage-units"),
        ("DELETE", "/api/v1/locations/{location_id}/storage-units/{unit_id}"),
        ("POST", "/api/v1/locations/{location_id}/storage-units/{unit_id}/photos"),
        ("POST", "/locations/{location_id}/section-b/storage-units/{unit_id}/photos"),
        ("POST", "/api/v1/locations/{location_id}/providers"),
        ("PUT", "/api/v1/locations/{location_id}/providers/{provider_id}"),
        ("POST", "/api/v1/locations/{location_id}/providers/deactivate"),
        ("POST", "/api/v1/locations/{location_id}/section-b/signatures/{document}"),
        ("POST", "/api/v1/locations/{location_id}/section-b/resubmit"),
        ("POST", "/api/v1/locations/{location_id}/section-b/submit"))},
    "GET /files/{file_id}": only(ALL, Scope.FILE, STATE_STAFF),
    # review (state staff)
    **{f"{method} {path}": only(STATE_STAFF, Scope.STATE) for method, path in (
        ("GET", "/review"), ("GET", "/review/locations/{location_id}"),
        ("POST", "/review/locations/{location_id}/decision"),
        ("GET", "/review/locations/{location_id}/decision"), ("GET", "/state/locations"),
        ("GET", "/api/v1/review/queue"), ("GET", "/api/v1/review/locations/{location_id}"),
        ("POST", "/api/v1/review/locations/{location_id}/decision"),
        ("GET", "/api/v1/locations/{location_id}/timeline"),
        ("GET", "/api/v1/state/transfers"), ("GET", "/state/transfers"),
        ("GET", "/review.csv"), ("GET", "/state/locations.csv"),
        ("GET", "/state/locations/organizations.csv"), ("GET", "/state/transfers.csv"),
        ("GET", "/state/audit.csv"),
        ("POST", "/api/v1/transfers/{transfer_id}/decision"),
        ("POST", "/api/v1/transfers/{transfer_id}/resolution"))},
    # help desk: anyone may ask; requesters see their own cases, agents every case
    "POST /api/v1/helpdesk/registrations": public(),
    "POST /api/v1/helpdesk/questions": public(),
    "POST /api/v1/helpdesk/cases": only(ALL, Scope.SELF),
    "GET /api/v1/helpdesk/cases": only(ALL, Scope.SELF),
    "GET /api/v1/helpdesk/cases/{case_id}": only(ALL, Scope.CASE, DESK, _case),
    "POST /api/v1/helpdesk/cases/{case_id}/messages": only(ALL, Scope.CASE, DESK, _case),
    "POST /api/v1/helpdesk/cases/{case_id}/reopen": only(ALL, Scope.CASE, check=_case),
    **{f"POST /api/v1/helpdesk/cases/{{case_id}}/{action}": only(DESK, Scope.CASE, DESK, _case)
       for action in ("assign", "request-info", "resolve", "imports/check", "imports")},
    "GET /api/v1/helpdesk/templates/practicing-providers.xlsx": public(),
    "GET /api/v1/helpdesk/articles": public(),
    "POST /api/v1/helpdesk/articles": only(DESK, Scope.STATE),
    "PUT /api/v1/helpdesk/articles/{article_id}": only(DESK, Scope.STATE),
    "GET /help": public(), "GET /help/articles/{article_id}": public(),
    "GET /help/practicing-provider-template": public(),
    "GET /help/practicing-provider-template.xlsx": public(),
    # the type-ahead site search (names, cities and PINs of enrolled sites)
    "GET /api/v1/sites": only(ALL, Scope.SELF),
    "GET /help/register": public(), "POST /help/register": public(),
    "GET /help/register/sent": public(),
    "GET /help/ask": public(), "POST /help/ask": public(),
    "GET /help/new-link": public(), "POST /help/new-link": public(),  # a case's link, emailed
    "GET /help/c/{case_id}/{key}": public(Scope.TOKEN),
    "GET /help/c/{case_id}/{key}/files/{file_id}": public(Scope.TOKEN),
    "POST /help/c/{case_id}/{key}/reply": public(Scope.TOKEN),
    "GET /help/cases": only(ALL, Scope.SELF), "GET /help/cases/new": only(ALL, Scope.SELF),
    "POST /help/cases/new": only(ALL, Scope.SELF),
    "GET /help/cases/{case_id}": only(ALL, Scope.CASE),
    "POST /help/cases/{case_id}/{action}": only(ALL, Scope.CASE),
    "GET /helpdesk": only(DESK, Scope.STATE),
    "GET /helpdesk.csv": only(DESK, Scope.STATE),
    "GET /helpdesk/cases/{case_id}": only(DESK, Scope.CASE, DESK),
    # a public question's mistyped address corrected (its link moves on)
    "POST /helpdesk/cases/{case_id}/requester-email": only(DESK, Scope.CASE, DESK),
    "POST /helpdesk/cases/{case_id}/{action}": only(DESK, Scope.CASE, DESK),
    "GET /helpdesk/kb": only(DESK, Scope.STATE), "POST /helpdesk/kb": only(DESK, Scope.STATE),
    "GET /helpdesk/kb/{article_id}": only(DESK, Scope.STATE),
    # inventory and transfers (Location Managers; the state reads and decides)
    "GET /api/v1/products": only(SITE_READERS, Scope.STATE),
    "GET /api/v1/locations/{location_id}/inventory": only(SITE_READERS, Scope.LOCATION,
                                                          STATE_STAFF, _inventory),
    "GET /api/v1/locations/{location_id}/ledger": only(SITE_READERS, Scope.LOCATION,
                                                       STATE_STAFF, _inventory),
    "GET /api/v1/locations/{location_id}/transfers": only(SITE_READERS, Scope.LOCATION,
                                                          STATE_STAFF, _inventory),
    "POST /api/v1/locations/{location_id}/inventory/receipts": only(MANAGERS, Scope.LOCATION,
                                                                    check=_inventory),
    "POST /api/v1/locations/{location_id}/inventory/lots/{lot_id}/adjustments":
        only(MANAGERS, Scope.LOCATION, check=_inventory),
    "PUT /api/v1/locations/{location_id}/inventory/lots/{lot_id}/expiration":
        only(MANAGERS, Scope.LOCATION, check=_inventory),
    "POST /api/v1/transfers": only(MANAGERS, Scope.SELF),
    "GET /api/v1/transfers/{transfer_id}": only(SITE_READERS, Scope.TRANSFER, STATE_STAFF,
                                                _transfer),
    "POST /api/v1/transfers/{transfer_id}/{action}": only(MANAGERS, Scope.TRANSFER,
                                                          check=_transfer),
    "GET /inventory": only(MANAGERS, Scope.SELF),
    "GET /inventory/{location_id}": only(SITE_READERS, Scope.LOCATION, STATE_STAFF),
    "POST /inventory/{location_id}/{action}": only(MANAGERS, Scope.LOCATION),
    "GET /inventory/{location_id}/{action}": only(MANAGERS, Scope.LOCATION),
    "GET /transfers/{transfer_id}": only(SITE_READERS, Scope.TRANSFER, STATE_STAFF),
    "POST /transfers/{transfer_id}/{action}": only(SITE_READERS, Scope.TRANSFER, STATE_STAFF),
    "GET /transfers/{transfer_id}/{action}": only(SITE_READERS, Scope.TRANSFER, STATE_STAFF),
    # provider portal: the active location, account management (Location Managers)
    "GET /api/v1/portal/me": only(ALL, Scope.SELF),
    "PUT /api/v1/portal/active-location": only(PORTAL, Scope.SELF),
    "POST /portal/active-location": only(PORTAL, Scope.SELF),
    "GET /portal": only(PORTAL, Scope.SELF),
    "GET /portal/tabs/{tab}": only(PORTAL, Scope.SELF),
    "GET /api/v1/portal/users": only(MANAGERS, Scope.SELF),
    "POST /api/v1/portal/users": only(MANAGERS, Scope.SELF),
    "POST /api/v1/portal/users/join": only(MANAGERS, Scope.SELF),
    "GET /portal/accounts": only(MANAGERS, Scope.SELF),
    "GET /portal/accounts/new": only(MANAGERS, Scope.SELF),
    "POST /portal/accounts/new": only(MANAGERS, Scope.SELF, form_location=True),
    **{f"{method} {path}": only(MANAGERS, Scope.PORTAL_USER,
                                check=api_only(path, _portal_user)) for method, path in (
        ("GET", "/api/v1/portal/users/{user_id}"), ("PATCH", "/api/v1/portal/users/{user_id}"),
        ("POST", "/api/v1/portal/users/{user_id}/locations"),
        ("DELETE", "/api/v1/portal/users/{user_id}/locations/{location_id}"),
        ("POST", "/api/v1/portal/users/{user_id}/deactivate"),
        ("POST", "/api/v1/portal/users/{user_id}/reactivate"),
        ("POST", "/api/v1/portal/users/{user_id}/invitation"),
        ("GET", "/portal/accounts/{user_id}"))},
    # a record's forms that name a location (the profile's, one added or removed) count the
    # profile held there, as a new contact's form does (`form_location`)
    "POST /portal/accounts/{user_id}/{action}": only(MANAGERS, Scope.PORTAL_USER,
                                                     form_location=True),
    "POST /api/v1/portal/invitations/{token}": public(Scope.TOKEN),
    "GET /account/invitation/{token}": public(Scope.TOKEN),
    "POST /account/invitation/{token}": public(Scope.TOKEN),
    # organization management (employers) and the Organization Portal
    "GET /api/v1/employers": only(EMPLOYER_STAFF, Scope.STATE),
    "POST /api/v1/employers": only(EMPLOYER_STAFF, Scope.SELF),
    "GET /portal/organizations": only(EMPLOYER_STAFF, Scope.STATE),
    "GET /portal/organizations/new": only(EMPLOYER_STAFF, Scope.SELF),
    "POST /portal/organizations/new": only(EMPLOYER_STAFF, Scope.SELF, form_location=True),
    **{f"{method} {path}": only(EMPLOYER_STAFF, Scope.EMPLOYER, STATE_STAFF,
                                api_only(path, _employer))
       for method, path in (
        ("GET", "/api/v1/employers/{employer_id}"), ("PUT", "/api/v1/employers/{employer_id}"),
        ("GET", "/api/v1/employers/{employer_id}/contacts"),
        ("POST", "/api/v1/employers/{employer_id}/contacts"),
        ("PUT", "/api/v1/employers/{employer_id}/contacts/{contact_id}"),
        ("POST", "/api/v1/employers/{employer_id}/contacts/{contact_id}/resend"),
        ("POST", "/api/v1/employers/{employer_id}/contacts/{contact_id}/deactivate"),
        ("POST", "/api/v1/employers/{employer_id}/contacts/{contact_id}/reactivate"),
        ("GET", "/portal/organizations/{employer_id}"),
        ("POST", "/portal/organizations/{employer_id}"),
        ("POST", "/portal/organizations/{employer_id}/contacts"),
        ("GET", "/portal/organizations/{employer_id}/contacts/{contact_id}"),
        ("POST", "/portal/organizations/{employer_id}/contacts/{contact_id}"),
        ("POST", "/portal/organizations/{employer_id}/contacts/{contact_id}/resend"),
        ("POST", "/portal/organizations/{employer_id}/contacts/{contact_id}/deactivate"),
        ("POST", "/portal/organizations/{employer_id}/contacts/{contact_id}/reactivate"))},
    # state staff link an organization the state created to a vaccinating location
    **{f"{method} {path}": only(STATE_STAFF, Scope.EMPLOYER, STATE_STAFF,
                                api_only(path, _employer))
       for method, path in (("PUT", "/api/v1/employers/{employer_id}/location"),
                            ("POST", "/portal/organizations/{employer_id}/location"))},
    "POST /api/v1/org-contacts/validate/{token}": public(Scope.TOKEN),
    "POST /api/v1/org-contacts/validate/{token}/new-link": public(Scope.TOKEN),
    "GET /org-contact/validate/{token}": public(Scope.TOKEN),
    "POST /org-contact/validate/{token}": public(Scope.TOKEN),
    "POST /org-contact/validate/{token}/new-link": public(Scope.TOKEN),
    "GET /api/v1/portal/templates/portal-users.xlsx": only(MANAGERS | DESK, Scope.STATE),
    **{f"POST /api/v1/helpdesk/cases/{{case_id}}/{tail}": only(DESK, Scope.CASE, DESK, _case)
       for tail in ("portal-users/check", "portal-users", "portal-users/location",
                    "recipients/check", "recipients")},
    "GET /api/v1/org-portal": only({Role.ORG_CONTACT}, Scope.SELF),
    "POST /api/v1/org-portal/confirm": only({Role.ORG_CONTACT}, Scope.SELF),
    "GET /org-portal": only({Role.ORG_CONTACT}, Scope.SELF),
    "POST /org-portal/confirm": only({Role.ORG_CONTACT}, Scope.SELF),
    **POINT_OF_CARE,
}


def key(method: str, path: str) -> str:
    return f"{method} {path}"


def declared(request: Request) -> Access | None:
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    method = "GET" if request.method == "HEAD" else request.method
    return ROUTES.get(key(method, path)) if path else None


async def enforce(request: Request, session: SessionDep) -> None:
    """Refuse what no declaration grants, before anything else runs; then, for an API route
    that declares its scope check, a record the caller may not touch, before the body or the
    query is read (a GET with no query too: a query it requires, missing, would answer 422
    first), with the records the body names by id (`body_ids`)."""
    access = declared(request)
    if access is None:
        raise Forbidden("This address declares no access, so it is refused to everyone.")
    if access.roles is None:
        return
    user = await current_user(request, await optional_user(request, session))
    if not (access.form_location and await _held_where_form_says(request, access.roles)):
        refuse_roles(request, user, access.roles)
    if access.check is None:
        return
    if (ids := path_ids(request)) is not None:
        ids |= await _body_ids(request, access.body_ids)
        await access.check(session, user, ids, request.method not in ("GET", "HEAD"))


async def _body_ids(request: Request, names: tuple[str, ...]) -> dict[str, int]:
    """The ids a JSON body gives for `names` (one not an id, or a body not JSON: left to the
    body's own 422)."""
    if not names:
        return {}
    try:
        body = await request.json()
    except ValueError:
        return {}
    if not isinstance(body, dict):
        return {}
    return {name: found for name in names if not isinstance(body.get(name), bool)
            and (found := id_or_none(body.get(name))) is not None}


async def _held_where_form_says(request: Request, roles: frozenset[Role]) -> bool:
    """The person works with one of `roles` at the location the posted form names."""
    portal = request.state.portal
    location_id = id_or_none((await form_values(request)).get("location_id"))
    return portal is not None and location_id is not None and \
        portal.profile_at(location_id) in roles


def path_ids(request: Request) -> dict[str, int] | None:
    """The ids the path names, or None when one is not an id (the path's 422 answers)."""
    ids = {name: id_or_none(value) for name, value in request.path_params.items()
           if name.endswith("_id")}
    return None if None in ids.values() else ids


def route_keys(app) -> set[str]:
    """Every "METHOD /path" the app serves (FastAPI's own docs pages included)."""
    from fastapi.routing import iter_route_contexts

    return {key(method, context.path) for context in iter_route_contexts(app.routes)
            for method in (context.methods or set()) - {"HEAD"}}


# The document FastAPI serves itself: public, outside the table's reach.
FRAMEWORK = {"GET /api/openapi.json"}


def undeclared(app) -> list[str]:
    """Routes with no declaration: each is refused to everyone, and the suite fails."""
    return sorted(route_keys(app) - set(ROUTES) - FRAMEWORK)
