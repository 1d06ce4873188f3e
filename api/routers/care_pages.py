"""Point of care pages: find or register a walk-in, check in, record, edit and remove doses.
Read-only profiles see the same pages without their forms and buttons."""

import uuid
from datetime import date, timedelta

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from api.deps import CurrentUser, ProcessesDep, SessionDep, SettingsDep, rollback_keeping
from api.domain import administrations, appointments, care, care_reports, inventory, paper_forms
from api.domain import recipient_portal as portal
from api.domain.recipient_link import personal_link
from api.domain.recipients import eligibility_now
from api.domain.scope import my_location_ids, site_for_staff
from api.domain.series import series_of
from api.forms import form_values, validated_form
from api.pages import PageLinks, redirect, render
from api.params import Id, id_or_none, page_number
from api.routing import Router
from core.errors import CVMSError, Invalid, NotFound
from core.timefmt import day
from models.administration_schemas import AdministrationEdit, AdministrationIn, RemovalIn
from models.administration_store import reminder_due
from models.administrations import ENTERED_IN_ERROR
from models.base import as_utc
from models.care_rules import DOSE_DAYS, ROUTES, SITES, local_today, reminder_time
from models.enrollment import Location
from models.helpdesk import NOTHING_TO_SEARCH, nothing_to_search
from models.inventory import Lot, Product
from models.inventory_rules import inventory_today
from models.portal_rules import MANAGER
from models.recipient_schemas import ask_yes_or_no
from models.recipients import Recipient

pages = Router(include_in_schema=False)
NEW_PERSON = {"state": "NC", "industry": "other", "language": "en"}


@pages.get("/care", response_class=HTMLResponse)
async def my_site(request: Request, _user: CurrentUser) -> Response:
    return redirect(f"/care/{request.state.portal.active.location_id}")


NO_SUCH_DAY = "Enter a real date of birth: day, month and year (this one does not exist)."


@pages.get("/care/{location_id}", response_class=HTMLResponse)
async def find(request: Request, location_id: Id, user: CurrentUser,
               session: SessionDep) -> HTMLResponse:
    location = await care.care_site(session, user, location_id)
    query = request.query_params
    name, born = query.get("name", "")[:160], query.get("date_of_birth", "")[:10]
    page = query.get("page", "1")
    errors, found = {}, None
    try:
        day_born = date.fromisoformat(born) if born else None
    except ValueError:  # 1990-02-31: said on the field, the search kept as typed
        errors["date_of_birth"] = NO_SUCH_DAY
    if nothing_to_search(name):  # "'" alone found everyone
        errors["name"] = NOTHING_TO_SEARCH
    if (name or born) and not errors:
        found = await care.find(session, location, name, day_born,
                                page_number(page))
    return render(request, "care/find.html", {
        "location": location, "found": found, "q": {"name": name, "date_of_birth": born},
        "errors": errors, "links": PageLinks(name=name, date_of_birth=born),
        "acting": await care.may_act(session, user, location.id), "tab": "recipients"},
        status_code=422 if errors else 200)


async def _walk_in_page(request, session, user, location_id: int, values: dict,
                        errors: dict | None = None, status_code: int = 200) -> HTMLResponse:
    location = await care.care_site(session, user, location_id, write=True)
    return render(request, "care/walk_in.html", {
        "location": location, "values": values, "errors": errors or {}, "tab": "recipients",
        **portal.choices()}, status_code=status_code)


@pages.get("/care/{location_id}/walk-in", response_class=HTMLResponse)
async def walk_in_form(request: Request, location_id: Id, user: CurrentUser,
                       session: SessionDep) -> HTMLResponse:
    return await _walk_in_page(request, session, user, location_id, dict(NEW_PERSON))


@pages.post("/care/{location_id}/walk-in", response_class=HTMLResponse)
async def walk_in(request: Request, location_id: Id, user: CurrentUser,
                  session: SessionDep, gateway: ProcessesDep) -> Response:
    values = await form_values(request)
    try:
        location = await care.care_site(session, user, location_id, write=True)
        now = await gateway.now()
        person, outcome = await care.walk_in(session, user, location,
                                             care.walk_in_form(values, now), now)
        emailed = await care.email_link(gateway, session, person, outcome)
        await session.commit()
    except CVMSError as error:
        await rollback_keeping(session, user)
        return await _walk_in_page(request, session, user, location_id, values,
                                   ask_yes_or_no(error.problems()), error.status_code)
    link = (f"Their Recipient Portal link (eligibility, appointments, proof of vaccination) "
            f"is emailed to {person.email}; you can also print or show it below."
            if emailed else "Their Recipient Portal link (eligibility, appointments, proof of "
            "vaccination) is not emailed (no email address): print or show it to them below.")
    notice = care.walk_in_notice(person, outcome)
    return redirect(f"/care/{location_id}/recipients/{person.id}", notice=(
        f"{notice} {link}" if notice and outcome != care.KNOWN else notice or
        f"{person.full_name} is registered. {link}"),
        tone="warning" if outcome == care.KNOWN else "success")  # what was typed went unused


async def _usable_lots(session, location, today: date,
                       since: date) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The lots with doses free here not expired on `today`, in expiry order, and apart
    those expired since `since`, the latest first (for a paper form's dose entered late, or a
    correction of an older dose, dated before the lot's expiry: their expiry said; a dose
    dated after it is refused beside the field)."""
    stock = await inventory.lots(session, location)
    products = {p.id: p for p in await inventory.products(session)}
    held = [lot for lot in (*stock.usable, *stock.expired) if lot.on_hand > lot.promised]
    good = [lot for lot in held if lot.expiration_date >= today]  # in expiry order
    gone = sorted((lot for lot in held if since <= lot.expiration_date < today),
                  key=lambda lot: lot.expiration_date, reverse=True)
    name = {lot.id: f"{products[lot.product_id].name}, lot {lot.lot_number}" for lot in held}
    return [(str(lot.id), f"{name[lot.id]} ({_doses_free(lot)}, expires "
             f"{day(lot.expiration_date)})") for lot in good], [
        (str(lot.id), f"{name[lot.id]} ({_doses_free(lot)}, expired "
         f"{day(lot.expiration_date)}: only for a dose given by then)") for lot in gone]


async def _keeping(session, lots: list[tuple[str, str]], chosen: str | None,
                   location_id: int) -> list[tuple[str, str]]:
    """The lot list with the lot a refused form named (used up or expired since the page
    was opened, or the dose's own lot) kept in it, first: the page keeps what was chosen, its
    problem said beside it. A lot of another location is not named."""
    lot_id = id_or_none(chosen)
    if lot_id is None or str(lot_id) in dict(lots):
        return lots
    lot = await session.get(Lot, lot_id)
    if lot is None or lot.location_id != location_id:
        return lots
    product = await session.get(Product, lot.product_id)
    # the option's value as the form sends it back: the dose's lot (a number) and the lot a
    # refused form named (text) are the same option, not two
    return [(str(lot_id), f"{product.name}, lot {lot.lot_number}"), *lots]


def _doses_free(lot) -> str:
    """A lot's doses as the point of care may use them: those promised to an approved
    transfer not yet shipped are not (`inventory.free_of` refuses them)."""
    if not lot.promised:
        return f"{lot.on_hand:,} on hand"
    return (f"{lot.on_hand - lot.promised:,} free: {lot.on_hand:,} on hand, "
            f"{lot.promised:,} promised to {', '.join(lot.promised_to)}")


async def _person_page(request, session, gateway, user, location_id: int, recipient_id: int,
                       values: dict | None = None, errors: dict | None = None,
                       status_code: int = 200) -> HTMLResponse:
    location = await care.care_site(session, user, location_id)
    person = await care.recipient_at(session, location, recipient_id)
    doses = await administrations.doses_of(session, person.id)
    today = local_today(await gateway.now())
    series = await series_of(session, person)  # the rule the Recipient Portal says it by
    visit = await care.last_check_in(session, location, person)
    # A complete series suggests no next dose: one given anyway is typed, and its checks ask
    defaults = {"dose_number": "" if series.complete else str(series.next_number),
                "administered_on": today.isoformat(), "route": "IM",
                "provider_name": user.full_name}
    # Expired lots are not offered; a paper form's dose from a lot expired since (entered
    # within the year) asks for them by the link beside the list, and a refused form keeps them
    usable, expired = await _usable_lots(session, location, today,
                                         since=today - timedelta(days=DOSE_DAYS))
    paper = (request.query_params.get("expired") == "1"
             or (values or {}).get("expired") == "1")
    return render(request, "care/person.html", {
        "location": location, "person": person, "doses": doses, "today": today,
        "series": series,
        "check_in": visit, "checked_in_today": visit is not None and local_today(
            as_utc(visit.checked_in_at)) == today,
        "lots": await _keeping(session, usable + (expired if paper else []),
                               (values or {}).get("lot_id"), location.id),
        "paper": paper, "expired_lots": len(expired),
        "names": await _dose_names(session, doses),
        "places": {i: (await session.get(Location, i)).name
                   for i in {d.location_id for d in doses}},
        "acting": await care.may_act(session, user, location.id), "tab": "recipients",
        "details": await care.keeps_details(session, location.id, person),
        "eligibility": eligibility_now(person)[0],
        "appointments": (await appointments.booked_for(session, person)
                         if person.location_id == location.id else []),
        "sites": list(SITES.items()), "routes": list(ROUTES.items()), "key": uuid.uuid4().hex,
        "values": {**defaults, **(values or {})}, "errors": errors or {}},
        status_code=status_code)


async def _dose_names(session, doses) -> dict[int, str]:
    names = {}
    for dose in doses:
        lot, product = await session.get(Lot, dose.lot_id), await session.get(Product,
                                                                              dose.product_id)
        names[dose.id] = f"{product.name}, lot {lot.lot_number}"
    return names


@pages.get("/care/{location_id}/recipients/{recipient_id}", response_class=HTMLResponse)
async def person_page(request: Request, location_id: Id, recipient_id: Id, user: CurrentUser,
                      session: SessionDep, gateway: ProcessesDep) -> HTMLResponse:
    return await _person_page(request, session, gateway, user, location_id, recipient_id)


@pages.get("/care/{location_id}/recipients/{recipient_id}/link", response_class=HTMLResponse)
async def link_page(request: Request, location_id: Id, recipient_id: Id, user: CurrentUser,
                    session: SessionDep, settings: SettingsDep) -> HTMLResponse:
    """The person's Recipient Portal link to print or show (someone without email has no
    other way to it): the location's staff who may act there (care_site, write)."""
    location = await care.care_site(session, user, location_id, write=True)
    person = await care.recipient_at(session, location, recipient_id)
    if not await care.keeps_details(session, location.id, person):
        raise care.other_organization(person)
    shown = personal_link(session, settings, user, person)
    await session.commit()
    return render(request, "recipients/link.html", {
        "person": person, "link": shown,
        "back": f"/care/{location.id}/recipients/{person.id}"})


@pages.post("/care/{location_id}/recipients/{recipient_id}/{action}",
            response_class=HTMLResponse)
async def person_action(request: Request, location_id: Id, recipient_id: Id, action: str,
                        user: CurrentUser, session: SessionDep,
                        gateway: ProcessesDep) -> Response:
    values = await form_values(request)
    here = f"/care/{location_id}/recipients/{recipient_id}"
    try:
        location = await care.care_site(session, user, location_id, write=True)
        person = await care.recipient_at(session, location, recipient_id)
        if action == "check-in":
            visit = await care.check_in(session, user, location, person, await gateway.now())
            await session.commit()
            return redirect(here, notice=visit.notice(person),
                            tone="success" if visit.new else "info")
        if action == "identity":
            if not await care.keeps_details(session, location.id, person):
                raise care.other_organization(person)
            errors = await portal.correct_identity(session, user, person, values)
            if errors:
                raise Invalid("Check the name and date of birth.", errors=errors)
            await session.commit()
            return redirect(here, notice=f"The legal name and date of birth are corrected: "
                                         f"{person.full_name}.")
        if action != "record":
            raise Invalid("Unknown action.")
        data = await administrations.dose_form(
            session, gateway, AdministrationIn, {**values, "recipient_id": str(person.id)},
            person, location)
        dose = await administrations.record(session, gateway, user, location, data)
        await session.commit()
        reminder = await _reminder_said(session, gateway, person, dose)
    except CVMSError as error:
        await rollback_keeping(session, user)
        return await _person_page(request, session, gateway, user, location_id, recipient_id,
                                  values, error.problems(),
                                  error.status_code)
    return redirect(here, notice=f"Dose {dose.dose_number} is recorded.{reminder}")


async def _reminder_said(session, gateway, person: Recipient, dose) -> str:
    """What follows a first dose of a two-dose product, for the provider to tell the person:
    the day the reminder is emailed and to which address, or that none is (no address)."""
    due = await reminder_due(session, dose)
    if due is None:
        return ""
    sent = local_today(reminder_time(due, await gateway.now()))
    if person.email:
        return (f" A reminder for dose 2 is emailed to {person.email} on {day(sent)}.")
    return (f" No reminder is emailed (no email address on their record): tell them dose 2 "
            f"is due from {day(local_today(due))}.")


async def _dose(session, user, administration_id: int):
    dose = await administrations.administration_for(
        session, await my_location_ids(session, user), administration_id)
    await care.care_site(session, user, dose.location_id, write=True)
    return dose


@pages.get("/care/doses/{administration_id}/edit", response_class=HTMLResponse)
async def edit_form(request: Request, administration_id: Id, user: CurrentUser,
                    session: SessionDep) -> HTMLResponse:
    dose = await _dose(session, user, administration_id)
    return await _edit_page(request, session, dose, _stored(dose), {})


@pages.get("/care/doses/{administration_id}/remove")
async def back_to_dose(administration_id: Id, user: CurrentUser,
                       session: SessionDep) -> Response:
    """A refused removal's address opened again: the dose's correction page, where the
    removal's form is, not the page above it (api/errors.page_above: the others)."""
    dose = await _dose(session, user, administration_id)
    return redirect(f"/care/doses/{dose.id}/edit")


def _stored(dose) -> dict:
    """The correction form's values: the dose as recorded ("confirmed" is asked for only when
    a change breaks the series' rules)."""
    return {k: str(getattr(dose, k)) for k in AdministrationEdit.model_fields
            if k != "confirmed"}


async def _edit_page(request, session, dose, values, errors, status_code: int = 200):
    location = await session.get(Location, dose.location_id)
    usable, expired = await _usable_lots(session, location, inventory_today(),
                                         since=dose.administered_on)
    lots = usable + expired  # the lots this dose could have come out of on its day
    name = (await _dose_names(session, [dose]))[dose.id]
    for kept in (dose.lot_id, values.get("lot_id")):
        lots = await _keeping(session, lots, kept, location.id)
    return render(request, "care/edit.html", {
        "dose": dose, "values": values, "errors": errors, "tab": "recipients", "lots": lots,
        "name": name,
        "sites": list(SITES.items()), "routes": list(ROUTES.items())}, status_code=status_code)


@pages.post("/care/doses/{administration_id}/{action}", response_class=HTMLResponse)
async def dose_action(request: Request, administration_id: Id, action: str, user: CurrentUser,
                      session: SessionDep, gateway: ProcessesDep) -> Response:
    values = await form_values(request)
    dose = await _dose(session, user, administration_id)
    back = f"/care/{dose.location_id}/recipients/{dose.recipient_id}"
    try:
        if action == "edit":
            data = await administrations.dose_form(
                session, gateway, AdministrationEdit, values,
                await session.get(Recipient, dose.recipient_id),
                await session.get(Location, dose.location_id), dose)
            await administrations.edit(session, gateway, user, dose, data)
            # a first dose's day moves its reminder: said as recording the dose says it
            reminder = await _reminder_said(
                session, gateway, await session.get(Recipient, dose.recipient_id), dose)
            return redirect(back, notice=f"The dose is corrected.{reminder}")
        if action == "remove":
            if dose.status == ENTERED_IN_ERROR:  # Back, or a second tab: nothing changes
                return redirect(back, notice=f"Dose {dose.dose_number} was already removed as "
                                             "entered in error; nothing was changed.", tone="info")
            await administrations.remove(session, gateway, user, dose,
                                         validated_form(RemovalIn, values))
            return redirect(back, notice="The dose is removed as entered in error; its dose "
                                         "is back in the lot.")
        raise Invalid("Unknown action.")
    except CVMSError as error:
        await rollback_keeping(session, user, dose)
        if action == "remove":  # the correction form shows the record; the reason is kept
            values = {**_stored(dose), "reason": values.get("reason", "")}
        return await _edit_page(request, session, dose, values,
                                error.problems(), error.status_code)


@pages.get("/care/{location_id}/reports", response_class=HTMLResponse)
async def reports(request: Request, location_id: Id, user: CurrentUser,
                  session: SessionDep) -> HTMLResponse:
    location = await care_reports_site(session, user, location_id)
    return render(request, "care/reports.html", {
        "location": location, "reports": await care_reports.all_reports(session, location),
        "tab": "reports"})


@pages.get("/care/{location_id}/reports/{report}.csv")
async def report_csv(location_id: Id, report: str, user: CurrentUser,
                     session: SessionDep) -> Response:
    location = await care_reports_site(session, user, location_id)
    build = care_reports.REPORTS.get(report)
    if build is None:
        raise NotFound("There is no such report.")
    found = await build(session, location)
    return Response(found.csv(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{report}-{location.id}.csv"'})


async def care_reports_site(session, user, location_id: int):
    """Reports are the location's managers' (their profile there)."""
    return await site_for_staff(session, user, location_id, profiles=frozenset({MANAGER}),
                                state_reads=False)


@pages.get("/care/{location_id}/forms/{form}.pdf")
async def paper_form(location_id: Id, form: str, user: CurrentUser, session: SessionDep,
                     lang: str = "en") -> Response:
    """A printable form for offline work, in English or Spanish."""
    location = await care.care_site(session, user, location_id)
    if form not in paper_forms.FORMS:
        raise NotFound("There is no such form.")
    language = paper_forms.language_of(form, lang)
    pdf = await paper_forms.paper_form(session, location, form, language)
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{form}-{language}.pdf"'})
