"""Jinja2 page rendering with the layout's shared context (user, CSRF token, notices)."""

import secrets
import typing
from collections.abc import Mapping
from contextvars import ContextVar
from functools import cache
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlencode

import annotated_types
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from pydantic import BaseModel

from api.csrf import token_for
from api.static_files import static_url
from core import i18n
from core.errors import CVMSError, TooManyRequests
from core.timefmt import age, clock, day, when
from core.wording import counted, thousands
from models.agreements import DOCUMENTS
from models.business_hours import describe_hours
from models.care_rules import product_name
from models.eligibility import staff_status
from models.enrollment_enums import HOME_STATE, WAITING_REVIEW, LocationStatus
from models.helpdesk_rules import CASE_STATUS_LABELS, case_status_label
from models.inventory_rules import (
    TransferStatus,
    actor_name,
    flag_label,
    flag_note,
    next_step,
)
from models.inventory_schemas import is_request_key
from models.portal_rules import tabs_for

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
NOTICE_COOKIE = "cvms_notice"
# A notice's USWDS alert style: "success" for a change made, "info" for an answer that changed
# nothing because it was done already (a second check-in, a second removal), "warning" for one
# where something typed was not used.
NOTICE_TONE_COOKIE = "cvms_notice_tone"
NOTICE_TONES = ("success", "info", "warning")
# This request's word that the person's active location was taken away (api.deps sets it):
# a page shows it, a redirect carries it to the next page.
MOVED: ContextVar[str | None] = ContextVar("cvms_moved", default=None)


def someone_else(user: Any, email: str) -> Any:
    """The person logged in in this browser when a link emailed to `email` (a coordinator's
    invitation, an officer's signing link, a point of contact's validation, a portal
    account's invitation) is opened there and they are not its person: the page names them
    and offers to log out first, and takes nothing sent from there (it would be theirs, or
    switch this browser to another account in the middle of their session)."""
    if user is None or user.email.lower() == email.lower():
        return None
    return user


def _csrf_input(request: Request) -> Markup:
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(token_for(request))


def _request_key_input(values: Mapping | None = None) -> Markup:
    """A form's one-time key (as the new-case form's `request_key`), so the form sent again
    after Back acts once. The page's script copies the key into the field: a value a script
    set is one the browser restores on Back (a page's own value, or a hidden input's, is
    fetched anew), so the form sent again carries the first key. A key refused with its form
    is kept."""
    posted = (values or {}).get("request_key")
    key = posted if is_request_key(posted) else secrets.token_hex(16)
    return Markup('<input type="text" hidden name="request_key" value="" '
                  'data-request-key="{}" autocomplete="on">').format(key)


def _product_options(ids: list[str], products: dict) -> list[tuple[str, str]]:
    return [(i, f"{products[int(i)].name} (CVX {products[int(i)].cvx_code})") for i in ids]


def _lot_options(lots: list, products: dict,
                 asked: dict[int, int] | None = None) -> list[tuple[str, str]]:
    """Each lot as chosen in a list; `asked`: the doses of each already asked for in transfers
    not yet shipped (the transfer form's list), which a new request cannot take: the doses
    left free to send are said with them."""
    def promised(lot) -> str:
        doses = (asked or {}).get(lot.id)
        free = max(lot.on_hand - (doses or 0), 0)
        return (f", {doses:,} of them asked for in transfers not yet shipped ({free:,} free to "
                f"send)") if doses else ""
    return [(str(lot.id), f"{lot.lot_number}: {products[lot.product_id].name}, "
             f"{counted(lot.on_hand, 'dose')}{promised(lot)}, expires "
             f"{day(lot.expiration_date)}") for lot in lots]


class FieldErrors(dict):
    """A page's errors, which learn each field's visible label as the page renders the field.

    The layout renders the page body first, then the error summary from `summary()`: the
    labels people see, in the order the fields appear, each linked to its field.
    """

    def __init__(self, errors: Mapping[str, str] | None = None) -> None:
        super().__init__(errors or {})
        self._seen: dict[str, tuple[str, str]] = {}

    def note(self, key: str, target: str, label: str) -> str:
        if key in self and key not in self._seen:
            self._seen[key] = (target, label)
        return ""

    def summary(self) -> list[tuple[str | None, str | None, str]]:
        """(field id, label, message): fields in page order, then errors of no field. The label
        leads into its message: "State:", or a question as asked ("...locations?")."""
        shown = [(target, label if label.endswith("?") else f"{label}:", self[key])
                 for key, (target, label) in self._seen.items()]
        rest = [(None, None, message) for key, message in self.items() if key not in self._seen]
        return shown + rest


@cache
def _field_limits() -> dict[str, int]:
    """The most characters any of our forms or records takes for each field name (their
    max_length), by name and by "Model.name": a page's input takes no more, as more could only
    be refused. Read once, at the first page (every form's model is imported by then)."""
    limits: dict[str, int] = {}
    models, seen = list(BaseModel.__subclasses__()), set()
    while models:
        model = models.pop()
        if model in seen:
            continue
        seen.add(model)
        models.extend(model.__subclasses__())
        if not model.__module__.startswith(("models.", "api.")):
            continue
        for name, info in getattr(model, "model_fields", {}).items():
            for rule in _rules(info):
                if isinstance(rule, annotated_types.MaxLen):
                    limits[name] = max(limits.get(name, 0), rule.max_length)
                    limits[f"{model.__name__}.{name}"] = rule.max_length
    return limits


def _rules(info: Any) -> list:
    """A field's constraints, also those of an optional field (`optional_text(120)`: the
    limit sits on the `str` inside `str | None`, where the field's own metadata does not show
    it, and the page's input took the longest of every form's field of that name instead)."""
    rules = list(info.metadata)
    for arg in typing.get_args(info.annotation):
        for meta in getattr(arg, "__metadata__", ()):
            rules.extend(getattr(meta, "metadata", [meta]))
    return rules


def field_limit(name: str) -> int | None:
    """`field_limit("email")`, or one model's where a page names its field otherwise
    (`field_limit("OfficerIn.title")` for the CEO's title, `ceo_title`)."""
    return _field_limits().get(name)


def status_label(status: object) -> str:
    """A status in people's words: enums carry a label; help-desk case statuses are strings."""
    label = getattr(status, "label", None)
    return label if isinstance(label, str) else case_status_label(str(status))


INVITING = "CVMS: sending the vaccine coordinator's invitation"


def waiting_on(location: Any, detail: str | None = None) -> str:
    """What a submitted location waits on, as its process last wrote it (or `detail`: whom
    and which document, api.domain.status.officers_waiting). In the seconds before the
    process's first write (just after Section A, or a location added after it) a new
    location's invitation is on its way."""
    if detail:
        return detail
    if location.waiting_on:
        return location.waiting_on
    return INVITING if location.status == LocationStatus.NEW else "-"


def shown_status(location: Any, detail: str | None = None) -> LocationStatus:
    """The status a location is shown in beside what it waits on (`detail`, as for
    `waiting_on`): one resubmitted with the officers' signatures already in place passes
    "awaiting signatures" for a moment on its way to review, and is shown as submitted, not
    as waiting on officers who are not asked again."""
    if location.status == LocationStatus.AWAITING_SIGNATURES and detail == WAITING_REVIEW:
        return LocationStatus.SUBMITTED
    return location.status


LOCATION_STATUS_LABELS = {status.value: status.label for status in LocationStatus}
# Each kind of record's statuses in people's words (the same value means different things).
STATUS_LABELS = {"case": CASE_STATUS_LABELS,
                 "transfer": {status.value: status.label for status in TransferStatus}}


# Actions written as words rather than "kind:value", each as the sentence the log shows.
AUDIT_SENTENCES = {
    "viewed": "Record opened by staff",
    "link shown": "Recipient Portal link and QR code shown",
    "served at another location": "Served at another location",
    "contact corrected": "Contact details corrected",
    "name or birth date corrected": "Name or birth date corrected",
    "requester email corrected": "Requester's email corrected",
    "exported_fhir": "Sent to the state registry (FHIR)",
    "exported_vxu": "Sent to the state registry (HL7 VXU message)",
    "signatures:officer-changed": "Signatures: a responsible officer changed",
}


def _words(text: str) -> str:
    return text.replace("_", " ").replace("-", " ").strip()


def audit_action(action: str, subject_type: str = "location") -> str:
    """An audit action ("status:pending_review") in people's words ("Status: Waiting for
    review"), a status named as its own kind of record names it (a case's, a transfer's); an
    action of words alone ("viewed") as its sentence, never an empty one."""
    if action in AUDIT_SENTENCES:
        return AUDIT_SENTENCES[action]
    kind, _, value = action.partition(":")
    if not value:
        return _words(kind).capitalize() or "Recorded"
    statuses = STATUS_LABELS.get(subject_type, LOCATION_STATUS_LABELS)
    shown = statuses.get(value) or document_titles.get(value) or _words(value)
    return f"{_words(kind).capitalize()}: {shown}"


document_titles = {kind.value: doc.title for kind, doc in DOCUMENTS.items()}


def audit_value(key: str, value) -> str:
    """One detail of an audit event in people's words: a status by its label, documents by
    their titles, a record's fields before or after a correction (a dict) by their values."""
    if isinstance(value, dict):
        return ", ".join(str(part) for part in value.values() if part not in (None, ""))
    if isinstance(value, list | tuple):
        return ", ".join(document_titles.get(str(part), str(part)) for part in value)
    if key in ("from", "to"):
        return LOCATION_STATUS_LABELS.get(str(value), str(value))
    return str(value)


templates.env.filters["audit_action"] = audit_action
templates.env.filters["audit_value"] = audit_value
templates.env.filters["zip_products"] = _product_options
templates.env.filters["lot_options"] = _lot_options
templates.env.filters["actor_name"] = actor_name
templates.env.filters["thousands"] = thousands
templates.env.globals["csrf_input"] = _csrf_input
templates.env.globals["request_key_input"] = _request_key_input
templates.env.globals["counted"] = counted
templates.env.globals["static"] = static_url
templates.env.globals["field_limit"] = field_limit
templates.env.globals["staff_eligibility"] = staff_status
templates.env.globals["home_state"] = HOME_STATE
templates.env.globals["portal_tabs"] = tabs_for
templates.env.globals["csrf_token"] = token_for
templates.env.globals["status_label"] = status_label
templates.env.globals["flag_label"] = flag_label
templates.env.globals["flag_note"] = flag_note
templates.env.globals["next_step"] = next_step
templates.env.globals["document_titles"] = document_titles
templates.env.globals["location_statuses"] = LOCATION_STATUS_LABELS
# A storage unit's review and a signer's role, in the reviewer's words.
templates.env.globals["unit_review_labels"] = {
    "with_section_b": "Reviewed with Section B", "pending": "Waiting for review",
    "approved": "Approved", "rejected": "Rejected"}
templates.env.globals["signer_roles"] = {"coordinator": "Vaccine coordinator", "ceo": "CEO",
                                         "cmo": "CMO"}
templates.env.filters["when"] = when
templates.env.filters["waiting_on"] = waiting_on
templates.env.filters["shown_status"] = shown_status
templates.env.filters["day"] = day
templates.env.filters["clock"] = clock
templates.env.filters["age"] = age
templates.env.filters["local_day"] = i18n.local_day
templates.env.filters["local_when"] = i18n.local_when
templates.env.filters["vaccine"] = product_name  # its brand kept, the rest translated
i18n.install(templates.env)  # recipient pages speak English and Spanish ({% trans %})


def render(request: Request, name: str, context: dict[str, Any] | None = None,
           status_code: int = 200, refused: CVMSError | None = None) -> HTMLResponse:
    """The page; `refused`: the error the form met, whose status it answers with (and, for a
    wait, its Retry-After, as the API's answer says it)."""
    settings = request.app.state.services.settings
    values = {"user": getattr(request.state, "viewer", None), "values": {}, "errors": {},
              "notice": _read_notice(request), "notice_tone": _read_tone(request),
              "dev": settings.is_development,
              "desk_phone": settings.helpdesk_phone,
              "desk_hours": describe_hours(settings.helpdesk_hours)}
    values.update(context or {})
    if moved := getattr(request.state, "moved", None):  # the active location was taken away
        values["notice"] = f"{moved} {values['notice']}" if values["notice"] else moved
        request.state.moved = None
        MOVED.set(None)
    if values.get("user") is not None:  # a page that passed the row gets the viewer's snapshot
        values["user"] = getattr(request.state, "viewer", None) or values["user"]
    if refused is not None:
        status_code = refused.status_code
    if status_code == HTTPStatus.ACCEPTED and values["errors"]:
        # accepted, its result not back in time (StillWorking): not a problem with what was
        # typed, so said as a notice, not under "Please correct the following"
        said = " ".join(dict.fromkeys(str(m) for m in values["errors"].values()))
        values["notice"] = f"{values['notice']} {said}" if values["notice"] else said
        values["notice_tone"], values["errors"] = "info", {}
    values["errors"] = FieldErrors(values["errors"])
    response = templates.TemplateResponse(request, name, values, status_code=status_code)
    if isinstance(refused, TooManyRequests):
        response.headers["Retry-After"] = str(refused.retry_after)
    if values["notice"]:
        response.delete_cookie(NOTICE_COOKIE, path="/")
    if request.cookies.get(NOTICE_TONE_COOKIE):
        response.delete_cookie(NOTICE_TONE_COOKIE, path="/")
    return response


def _read_notice(request: Request) -> str | None:
    raw = request.cookies.get(NOTICE_COOKIE)
    return unquote(raw) if raw else None


def _read_tone(request: Request) -> str:
    tone = request.cookies.get(NOTICE_TONE_COOKIE)
    return tone if tone in NOTICE_TONES else "success"


def same_site_path(target: str | None) -> str:
    """Where a `?next=` may lead: a path of this site, else the home page. "//host" and
    "/\\host" are another site's to a browser, and so is anything not starting with "/"."""
    if target and target.startswith("/") and target[1:2] not in ("/", "\\"):
        return target
    return "/"


def redirect(url: str, notice: str | None = None, tone: str = "success") -> RedirectResponse:
    """A 303 after a successful post, optionally carrying a one-time notice to the next page,
    shown in its `tone` (NOTICE_TONES)."""
    response = RedirectResponse(url, status_code=303)
    if moved := MOVED.get():  # said on the page it leads to
        notice = f"{moved} {notice}" if notice else moved
        MOVED.set(None)
    if notice:
        # Header values are Latin-1: percent-encode so names in any language ("Nguyễn",
        # "O’Brien") and typographic quotes survive the trip through the cookie.
        response.set_cookie(NOTICE_COOKIE, quote(notice, safe=""), max_age=60, httponly=True,
                            samesite="lax", path="/")
        if tone != "success":
            response.set_cookie(NOTICE_TONE_COOKIE, tone, max_age=60, httponly=True,
                                samesite="lax", path="/")
        else:  # one left by a notice never shown
            response.delete_cookie(NOTICE_TONE_COOKIE, path="/")
    return response


class PageLinks:
    """A GET page's search as the URLs of its pages, for the shared bounded pager
    (macros/listing.html `pager`: first, neighbours, last, ellipses, Previous and Next)."""

    def __init__(self, **values: Any) -> None:
        self.values = {k: v for k, v in values.items() if v not in ("", None)}

    def url(self, base: str, page: int = 1) -> str:
        query = {**self.values, **({"page": page} if page != 1 else {})}
        return base + ("?" + urlencode(query) if query else "")
