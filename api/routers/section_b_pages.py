"""Section B pages for the vaccine coordinator: 12 steps with Previous, Next and Pause."""

from fastapi import Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlmodel import select

from api.deps import CurrentUser, ProcessesDep, SessionDep, rollback_keeping
from api.domain import section_b
from api.domain.files import keep_reference, kept_file_id
from api.domain.scope import location_for, my_location_ids
from api.domain.section_b import Upload
from api.domain.section_b_view import CHOICES, form_values_of, neighbours, summary
from api.domain.signatures import client_of
from api.domain.status import next_reminder, officers_signed, officers_waiting
from api.forms import form_values, parse
from api.pages import redirect, render
from api.params import Id, as_id, form_ids
from api.routing import Router
from api.services import secret
from core.errors import Conflict, CVMSError, Invalid, NotFound
from core.wording import counted
from models.agreements import DOCUMENTS, DocumentKind
from models.enrollment import Location, Organization
from models.enrollment_enums import EDITABLE_STATUSES, LocationStatus
from models.enrollment_schemas import ProviderIn, SignatureIn, StorageUnitIn
from models.review import ReviewDecision
from models.section_b import MAX_STORAGE_UNITS, STEP_BY_KEY, STEPS
from models.section_b_rules import (
    active_provider_count,
    backup_problems,
    coordinator_signatures,
    problems_of,
    section_b_problems,
    step_valid,
    storage_unit_count,
)

router = Router(prefix="/locations", include_in_schema=False)
# Steps a coordinator may still open after submitting: providers can change at any time, and an
# enrolled site may add a storage unit (reviewed on its own).
PROVIDER_STEPS = {"providers", "edit_providers", "deactivate_providers"}
SIGNING = {"agreement": DocumentKind.PROVIDER_AGREEMENT,
           "attestation": DocumentKind.STORAGE_ATTESTATION}
PAUSED = "Section B is saved. Come back any time to continue where you left off."


def step_url(location_id: int, step: str | None = None) -> str:
    return f"/locations/{location_id}/section-b" + (f"/{step}" if step else "")


@router.get("", response_class=HTMLResponse)
async def my_locations(request: Request, user: CurrentUser, session: SessionDep) -> HTMLResponse:
    ids = await my_location_ids(session, user)
    result = await session.exec(select(Location).where(Location.id.in_(ids)).order_by(Location.id))
    locations = list(result.all())
    return render(request, "section_b/my_locations.html", {
        "locations": locations, "officers_waiting": await officers_waiting(session, locations)})


@router.get("/{location_id}/section-b", response_class=HTMLResponse)
async def overview(request: Request, location_id: Id, user: CurrentUser,
                   session: SessionDep) -> HTMLResponse:
    location = await location_for(session, user, location_id)
    section = await section_b.section_of(session, location)
    return render(request, "section_b/overview.html", {
        "location": location, "section": section, "steps": STEPS,
        **await _progress(session, location, section),
        "org": await session.get(Organization, location.organization_id),
        "next_reminder": next_reminder(location, section.updated_at if section.revision else None),
        "editable": location.status in EDITABLE_STATUSES and user.id == location.coordinator_user_id,
        "can_resubmit": user.id == location.coordinator_user_id,
        "rejection": await _last_rejection(session, location.id),
        "unit_changes": await _unit_changes(session, location),
        "officers_waiting": await officers_waiting(session, [location]),
        "officers_signed": await officers_signed(session, location)})


async def _progress(session, location: Location, section) -> dict:
    """What Section B lacks and the steps finished, from one read of its units, providers and
    signatures: a form step when its answers are whole; storage units (1 to 5), practicing
    providers (one active, or the bulk upload chosen) and the two signatures by what is there
    (they were shown "To do" however much was done)."""
    units = await storage_unit_count(session, location.id)
    active = await active_provider_count(session, location.id)
    signed = {s.document for s in await coordinator_signatures(session, location.id)}
    done = set(section.complete_steps)
    if 1 <= units <= MAX_STORAGE_UNITS:
        done.add("storage")
    if section.bulk_upload_planned or active:
        done |= {"providers", "edit_providers", "deactivate_providers"}
    done |= {key for key, document in (("agreement", DocumentKind.PROVIDER_AGREEMENT),
                                       ("attestation", DocumentKind.STORAGE_ATTESTATION))
             if document in signed}
    return {"done": done, "problems": problems_of(section, units, active, signed,
                                                  location.coordinator_email)}


async def _unit_reviews(session, location: Location) -> dict[int, str]:
    """An enrolled site's storage units not approved, each with the reviewer's reason: the
    coordinator reads it where the unit is listed, not only in the email."""
    if location.status != LocationStatus.APPROVED:
        return {}
    result = await session.exec(select(ReviewDecision).where(
        ReviewDecision.location_id == location.id, ReviewDecision.approved.is_(False),
        ReviewDecision.storage_unit_id.is_not(None)).order_by(ReviewDecision.id))
    return {decision.storage_unit_id: decision.reason or "" for decision in result.all()}


async def _unit_changes(session, location: Location) -> dict:
    """What an enrolled site's added storage units wait on: those still in review, and the
    latest one not approved (with its reason) unless a unit was added after it."""
    if location.status != LocationStatus.APPROVED:
        return {}
    units = await section_b.units_of(session, location)
    reviews = await _unit_reviews(session, location)
    rejected = [u for u in units if u.review_status == "rejected"]
    latest = rejected[-1] if rejected else None
    if latest is not None and any(u.id > latest.id for u in units):
        latest = None
    return {"pending": [u for u in units if u.review_status == "pending"],
            "rejected": latest, "reason": reviews.get(latest.id, "") if latest else ""}


async def _last_rejection(session, location_id: int):
    result = await session.exec(select(ReviewDecision).where(
        ReviewDecision.location_id == location_id, ReviewDecision.approved.is_(False))
        .order_by(ReviewDecision.id.desc()))
    return result.first()





# Where a resubmitted Section B went, said to a Resubmit pressed again from an old page.
RESUBMITTED = {
    LocationStatus.SUBMITTED: "It waits for the responsible officers' signatures.",
    LocationStatus.AWAITING_SIGNATURES: "It waits for the responsible officers' signatures.",
    LocationStatus.PENDING_REVIEW: "It is with the Immunization Branch's reviewers.",
    LocationStatus.APPROVED: "The Immunization Branch approved it.",
}


@router.post("/{location_id}/section-b/resubmit")
async def resubmit(location_id: Id, user: CurrentUser, session: SessionDep,
                   gateway: ProcessesDep) -> Response:
    location = await location_for(session, user, location_id, write=True)
    try:
        await section_b.resubmit(session, gateway, location, user)
    except CVMSError:
        # pressed again (a second tab, a double press, Back and reload) after Section B was
        # reopened, or after it was resubmitted: where it went, said so; any other refusal
        # (the process did not answer: try again) is the error page's
        await rollback_keeping(session, location)
        if location.status == LocationStatus.IN_PROGRESS:
            return redirect(step_url(location_id, "location"), tone="info", notice=(
                "Section B is already open again with everything you entered. Correct it, "
                "then sign the last page to resubmit."))
        if location.status in RESUBMITTED:
            return redirect(step_url(location_id), tone="info", notice=(
                f"Section B was already resubmitted. {RESUBMITTED[location.status]} The "
                f"location's status: {location.status.label}."))
        raise
    return redirect(step_url(location_id, "location"), notice="Section B is open again with "
                    "everything you entered. Correct it, then sign the last page to resubmit.")


def _from_section_a(location: Location, step: str, saved: dict) -> dict:
    """Step 2's shipping address starts as the location's address from Section A (typed once,
    not twice), until the coordinator saves the step."""
    if step != "location" or saved:
        return {}
    return {"shipping_street": location.street, "shipping_city": location.city,
            "shipping_state": location.state, "shipping_zip": location.zip_code}


async def _context(session, location: Location, step: str, **extra) -> dict:
    section = await section_b.section_of(session, location)
    previous, following = neighbours(step)
    saved = section.steps.get(step) or {}
    prefilled = _from_section_a(location, step, saved)
    # the step indicator says what is done, not every step before this one: a step opened from
    # its address follows steps that may not be
    done = (await _progress(session, location, section))["done"]
    return {"location": location, "section": section, "step": STEP_BY_KEY[step], "steps": STEPS,
            "done_numbers": {1} | {STEP_BY_KEY[key].number for key in done},
            "previous": previous, "next": following, **CHOICES,
            "units": await section_b.units_of(session, location),
            "unit_reviews": await _unit_reviews(session, location),
            "providers": await section_b.providers_of(session, location),
            "values": {**prefilled, **form_values_of(saved)}, "prefilled": bool(prefilled),
            "submitted": location.status not in EDITABLE_STATUSES, **extra}


async def _show(request: Request, session, location: Location, step: str,
                status_code: int = 200, **extra) -> HTMLResponse:
    context = await _context(session, location, step, **extra)
    if step in SIGNING:
        context.update(await _signing_context(session, location, SIGNING[step]))
    return render(request, f"section_b/{_template(step)}.html", context, status_code=status_code)


def _template(step: str) -> str:
    if step in SIGNING:
        return "sign"
    return "form_step" if STEP_BY_KEY[step].schema else step.replace("_providers", "")


async def _signing_context(session, location: Location, kind: DocumentKind) -> dict:
    section = await section_b.section_of(session, location)
    signed = {s.document: s for s in await coordinator_signatures(session, location.id)}
    # what this page's own signature would settle is not listed (step 12 lists step 11)
    own = ("Step 11", "Step 12") if kind == DocumentKind.PROVIDER_AGREEMENT else ("Step 12",)
    problems = [p for p in await section_b_problems(session, location.id)
                if not p.startswith(own)]
    return {"document": DOCUMENTS[kind], "summary": summary(section.steps),
            "signed": signed.get(kind), "problems": problems,
            "org": await session.get(Organization, location.organization_id)}


@router.get("/{location_id}/section-b/{step}", response_class=HTMLResponse)
async def step_page(request: Request, location_id: Id, step: str, user: CurrentUser,
                    session: SessionDep) -> Response:
    location = await location_for(session, user, location_id, write=True)
    if step not in STEP_BY_KEY:
        raise NotFound("Section B has no such step.")
    if not _open_after_submission(location, step):
        return _closed(location_id)
    errors = {}
    if request.query_params.get("check") and STEP_BY_KEY[step].schema:
        errors = _draft_errors(await section_b.section_of(session, location), location, step)
    return await _show(request, session, location, step, errors=errors)


def _draft_errors(section, location: Location, step: str) -> dict[str, str]:
    """A form step's problems, from its draft as saved: what its Next refused, shown on the
    step's page that Next leads to (Post/Redirect/Get: Back after a refusal shows that page,
    not the browser's "Confirm form resubmission")."""
    saved = section.steps.get(step) or {}
    errors = backup_problems({step: saved}, location.coordinator_email)
    if step_valid(step, saved):  # a whole step is stored as its schema gave it
        return errors
    return {**errors, **parse(STEP_BY_KEY[step].schema, saved)[1]}


def _open_after_submission(location: Location, step: str) -> bool:
    if location.status in EDITABLE_STATUSES or step in PROVIDER_STEPS:
        return True
    return step == "storage" and location.status == LocationStatus.APPROVED


async def _navigate(session, location: Location, step: str, action: str,
                    unfinished: bool = False) -> Response:
    """Go to the previous or next step, remembering where the person is for their return. A
    step kept with answers still to correct (paused, or left for the previous one) says so."""
    if location.status not in EDITABLE_STATUSES:
        return redirect(step_url(location.id))
    previous, following = neighbours(step)
    target = {"pause": step, "previous": previous}.get(action, following) or step
    section = await section_b.section_of(session, location)
    section.last_step = target
    session.add(section)
    still = _still_to_correct(step) if unfinished else None
    if action == "pause":
        return redirect(step_url(location.id), notice=f"{PAUSED} {still or ''}".strip())
    return redirect(step_url(location.id, target), notice=still)


def _still_to_correct(step: str) -> str:
    info = STEP_BY_KEY[step]
    return (f"Step {info.number}, {info.title}, is saved with answers still to correct: Next "
            "on that step shows them. Section B can be submitted once they are corrected.")


@router.post("/{location_id}/section-b/{step}", response_class=HTMLResponse)
async def step_post(request: Request, location_id: Id, step: str, user: CurrentUser,
                    session: SessionDep, gateway: ProcessesDep) -> Response:
    location = await location_for(session, user, location_id, write=True)
    if step not in STEP_BY_KEY:
        raise NotFound("Section B has no such step.")
    values = await form_values(request)
    if not _open_after_submission(location, step):
        return _closed(location_id)
    action = values.pop("action", "next")
    handler = _HANDLERS.get(step, _form_step)
    try:
        return await handler(request, session, gateway, location, step, action, values, user)
    except CVMSError as error:
        if error.status_code == 409 and not error.errors:  # not a field's: the state moved on
            await rollback_keeping(session, user, location)
            if not _open_after_submission(location, step):  # submitted meanwhile (a second
                return _closed(location_id)  # press, another tab): as the step says now
            # the step is still open (providers after submission, a unit added to an enrolled
            # site): the refusal is said on the step's page as it is now, by a redirect, so a
            # reload sends nothing again
            return redirect(step_url(location_id, step), notice=error.message, tone="warning")
        # nothing half-stored; what was typed goes back to the page
        await rollback_keeping(session, user, location)
        return await _show(request, session, location, step, status_code=error.status_code,
                           errors=error.problems(),
                           posted=values)


async def _form_step(request, session, gateway, location, step, action, values, _user):
    data, errors = parse(STEP_BY_KEY[step].schema, values)
    whole = data.model_dump(mode="json") if data else values
    errors = {**backup_problems({step: whole}, location.coordinator_email), **errors}
    # a step with something to correct is kept as typed: its page shows it so (see step_page)
    await section_b.save_step(session, gateway, location, step, values if errors else whole)
    if errors and action == "next":  # kept as typed; its page shows what to correct
        return redirect(step_url(location.id, step) + "?check=1")
    return await _navigate(session, location, step, action, unfinished=bool(errors))


async def _storage(request, session, gateway, location, step, action, values, user):
    if action.startswith(("remove-", "confirm-remove-")):  # asked first: a click alone
        unit_id = as_id(action.rsplit("-", 1)[1], "action")  # removes nothing
        unit = await _unit_of(session, location, unit_id)
        if unit is None:
            return _unit_gone(location.id)  # removed already (pressed twice, another tab)
        if action.startswith("remove-"):
            return await _show(request, session, location, step, confirm_remove=unit)
        await section_b.remove_storage_unit(session, gateway, location, unit_id)
        return redirect(step_url(location.id, step), notice="The storage unit was removed.")
    if action == "add":
        return await _add_unit(request, session, gateway, location, values, user.id)
    if await _typed_unit(request, values):  # typed but not "Added": add it, or stop and say so
        await _add_unit(request, session, gateway, location, values, user.id, unadded=True)
        return await _navigate(session, location, step, action)
    if action == "next" and not await section_b.units_of(session, location):
        raise _invalid("storage_units", "Add at least one storage unit, with an inside and an "
                                        "outside photo, before continuing.")
    return await _navigate(session, location, step, action)


def _invalid(field: str, message: str) -> CVMSError:
    return Invalid(message, field=field)


UNADDED_UNIT = ("You typed a storage unit but did not add it. Complete what is marked and choose "
                "Add storage unit, or clear its fields.")


async def _typed_unit(request, values: dict) -> bool:
    """Something of a storage unit came with Next, Previous or Pause (one form holds both)."""
    if any(str(values.get(f) or "").strip() for f in StorageUnitIn.model_fields):
        return True
    form = await request.form()
    return any(values.get(f"kept_{name}") or getattr(form.get(name), "filename", None)
               for name in ("inside_photo", "outside_photo"))


async def _add_unit(request, session, gateway, location, values, by: int,
                    unadded: bool = False):
    """Add the unit typed; `unadded`: it came with Next (or Previous, Pause), which go on once
    it is added, and a refusal says it was not added."""
    key = secret(request)
    names = ("inside_photo", "outside_photo")
    kept = {name: kept_file_id(key, values.pop(f"kept_{name}", None)) for name in names}
    for name in names:
        values.pop(f"kept_{name}_name", None)
    data, errors = parse(StorageUnitIn, {k: v for k, v in values.items() if k not in names})
    form = await request.form()
    uploads = {name: await _read(form.get(name)) for name in names}
    photos = await section_b.check_photos(session, uploads, kept, by=by)
    if errors or photos.errors:
        # The good photo survives the refusal: stored now, carried back by the form.
        await session.commit()
        for name, file in photos.stored.items():
            values[f"kept_{name}"] = keep_reference(key, file.id)
            values[f"kept_{name}_name"] = file.filename
        unkept = {"storage_units": UNADDED_UNIT} if unadded else {}
        raise Invalid("Check the storage unit's details.",
                      errors={**unkept, **errors, **photos.errors})
    try:
        unit = await section_b.add_storage_unit(session, gateway, location, data, photos)
    except section_b.UnitListed as listed:  # sent again: what was sent is listed
        await rollback_keeping(session, location)  # the photos just stored again are not kept
        if unadded:
            return listed.unit
        return redirect(step_url(location.id, "storage"), tone="info", notice=listed.message)
    if unadded:
        return unit
    if unit.review_status == "pending":
        return redirect(step_url(location.id), notice="The storage unit was added and sent to "
                                                      "the Immunization Branch for review.")
    return redirect(step_url(location.id, "storage"), notice="The storage unit was added.")


async def _read(upload) -> Upload | None:
    """The file chosen, empty or not (an empty one is named as such); None when none was (a
    browser sends an unnamed, empty part)."""
    if not isinstance(upload, UploadFile) and not hasattr(upload, "read"):
        return None
    data = await upload.read()
    return Upload(upload.filename or "photo", data) if data or upload.filename else None


UNADDED_PROVIDER = ("You typed a practicing provider but did not create them. Complete what is "
                    "marked and choose Create provider, or clear the provider's fields.")


async def _providers(request, session, gateway, location, step, action, values, _user):
    if action == "create":
        if listed := await _add_provider(session, gateway, location, values):
            return redirect(step_url(location.id, step), tone="info",
                            notice=_listed_already(listed))
        return redirect(step_url(location.id, step), notice=f"{values['first_name']} "
                                                            f"{values['last_name']} was added.")
    if values.get("bulk_choice_shown") and location.status not in EDITABLE_STATUSES:
        return await _old_tab_after_submission(session, gateway, location, step, action, values)
    if action == "bulk":  # saved, and said so (the page came back as it was, without a word)
        planned = await _bulk_choice(session, gateway, location, values)
        return redirect(step_url(location.id, step), notice=BULK_SAVED if planned else LIST_SAVED)
    if any(str(values.get(f) or "").strip() for f in ProviderIn.model_fields):
        await _add_provider(session, gateway, location, values, unadded=True)  # came with Next
    if values.get("bulk_choice_shown"):  # the choice as the page shows it, saved or not
        await _bulk_choice(session, gateway, location, values)
    section = await section_b.section_of(session, location)
    active = [p for p in await section_b.providers_of(session, location) if p.active]
    if action == "next" and not active and not section.bulk_upload_planned:
        raise _invalid("providers", "Add at least one practicing provider, or choose to send "
                                     "the bulk upload template (25 or more providers).")
    return await _navigate(session, location, step, action)


CHOICE_KEPT = ("Section B was already submitted, so its choice about 25 or more practicing "
               "providers was not changed: {}")
CHOSEN = {True: "you send them with the bulk upload template through a help-desk case (the "
                "location can be approved once they are imported).",
          False: "you list them on this page."}


async def _old_tab_after_submission(session, gateway, location, step, action, values):
    """Step 8 sent from a tab opened before Section B was submitted (it still offers the
    25-or-more choice, which can no longer change): the provider typed is created as Next
    would, and shown on the step with the choice said as it stands, not refused whole."""
    said, tone = [], "success"
    if any(str(values.get(f) or "").strip() for f in ProviderIn.model_fields):
        listed = await _add_provider(session, gateway, location, values, unadded=True)
        said.append(_listed_already(listed) if listed else
                    f"{values['first_name']} {values['last_name']} was added.")
        tone = "info" if listed else tone
    saved = (await section_b.section_of(session, location)).bulk_upload_planned
    if (values.get("bulk_upload_planned") in ("on", "yes", "true")) != saved:
        said.append(CHOICE_KEPT.format(CHOSEN[saved]))
        tone = "info"
    elif action == "bulk":  # "Save this choice", as it stands: saved, and said so
        said.append(BULK_SAVED if saved else LIST_SAVED)
    return redirect(step_url(location.id, step), notice=" ".join(said) or None, tone=tone)


def _listed_already(listed) -> str:
    return (f"{listed.full_name} is already listed, with license "
            f"{getattr(listed.license_type, 'value', listed.license_type)} "
            f"{listed.license_number}.")


async def _add_provider(session, gateway, location, values: dict, unadded: bool = False):
    """Create the provider typed; `unadded`: it came with Next (or Previous, Pause), and a
    refusal says it was not created. The provider listed already exactly as typed (Create
    pressed twice, or again from an old tab) is returned, nothing added: what was typed is
    there, not a mistake to correct (another name with the license is one, on its field)."""
    data, errors = parse(ProviderIn, values)
    if errors:
        raise Invalid("Check the practicing provider's details.",
                      errors={**({"providers": UNADDED_PROVIDER} if unadded else {}), **errors})
    try:
        await section_b.add_provider(session, gateway, location, data)
    except Conflict:
        listed = next((p for p in await section_b.providers_of(session, location)
                       if p.active and _as_typed(p, data)), None)
        if listed is None:
            raise
        return listed
    values.update(first_name=data.first_name, last_name=data.last_name)
    return None


def _as_typed(provider, data: ProviderIn) -> bool:
    """`provider` is the one typed: names (ignoring case) and license (also hyphens)."""
    def key(p) -> tuple:
        return (p.first_name.casefold(), (p.middle_initial or "").casefold(),
                p.last_name.casefold(), p.license_type,
                p.license_number.replace("-", "").upper())
    return key(provider) == key(data)


BULK_SAVED = ("Saved: you will send the practicing providers with the bulk upload template "
              "through a help-desk case. Section B can be submitted without them; the location "
              "can be approved once they are imported.")
LIST_SAVED = "Saved: you will list the practicing providers on this page."


async def _bulk_choice(session, gateway, location, values: dict) -> bool:
    planned = values.get("bulk_upload_planned") in ("on", "yes", "true")
    if planned != (await section_b.section_of(session, location)).bulk_upload_planned:
        await section_b.set_bulk_upload(session, gateway, location, planned)
    return planned


async def _edit_providers(request, session, gateway, location, step, action, values, _user):
    return await _navigate(session, location, step, action)


async def _deactivate(request, session, gateway, location, step, action, values, _user):
    if action.startswith("reactivate-"):
        provider = await section_b.reactivate_provider(
            session, gateway, location, as_id(action.removeprefix("reactivate-"), "action"))
        return redirect(step_url(location.id, step),
                        notice=f"{provider.full_name} is active again.")
    if action == "deactivate":
        ids = form_ids(values, "provider_ids")
        if not ids:
            raise _invalid("provider_ids", "Select one or more providers to deactivate.")
        count = await section_b.deactivate_providers(session, gateway, location, ids)
        if not count:  # pressed twice, or from an old tab: as the list shows them now
            return redirect(step_url(location.id, step), tone="info", notice=(
                "The selected provider was already deactivated." if len(ids) == 1 else
                "The selected providers were already deactivated."))
        return redirect(step_url(location.id, step), notice=f"{counted(count, 'provider')} deactivated.")
    return await _navigate(session, location, step, action)


def _filled_in(values: dict, user) -> bool:
    """A signature filled in on the page (consent ticked, a drawing, or a name other than the
    account's the page offered) that the person did not adopt."""
    drawn = values.get("method") == "drawn" and bool(values.get("image"))
    typed = (values.get("typed_name") or "").strip()
    return values.get("consent") == "yes" or drawn or (
        values.get("method", "typed") == "typed" and bool(typed) and typed != user.full_name)


async def _sign(request, session, gateway, location, step, action, values, user):
    if action != "sign":
        if "typed_name" in values and _filled_in(values, user):
            button = ("Adopt and use, and submit Section B" if step == "attestation"
                      else "Adopt and use")
            raise _invalid("signature", f"You filled in your signature but did not sign: choose "
                                        f"\"{button}\" to sign, or clear it to go on without "
                                        "signing.")
        if action == "next" and step == "agreement":
            signed = {s.document for s in await coordinator_signatures(session, location.id)}
            if DocumentKind.PROVIDER_AGREEMENT not in signed:
                raise _invalid("signature", "Sign the provider agreement before continuing.")
        return await _navigate(session, location, step, action)
    data, errors = parse(SignatureIn, {**values, "consent": values.get("consent") == "yes"})
    if errors:
        raise Invalid("Check your signature.", errors=errors)
    await section_b.sign(session, location, user, SIGNING[step], data, client_of(request))
    if step == "agreement":
        await session.commit()
        return redirect(step_url(location.id, "attestation"),
                        notice="The provider agreement is signed.")
    await section_b.submit(session, gateway, location, user)
    return redirect(step_url(location.id), notice="Section B is complete and submitted. Thank "
                                                  "you! We emailed you what happens next.")


_HANDLERS = {"storage": _storage, "providers": _providers, "edit_providers": _edit_providers,
             "deactivate_providers": _deactivate, "agreement": _sign, "attestation": _sign}


async def _listed_provider(session, location, provider_id: int):
    """The location's practicing provider `provider_id`; not found when it lists no such one
    (another location's, removed, or never there)."""
    provider = next((p for p in await section_b.providers_of(session, location)
                     if p.id == provider_id), None)
    if provider is None:
        raise NotFound("That practicing provider is not listed at this location.")
    return provider


async def _unit_of(session, location, unit_id: int):
    """The location's storage unit `unit_id`, or None when it lists no such one."""
    return next((u for u in await section_b.units_of(session, location) if u.id == unit_id),
                None)


async def _listed_unit(session, location, unit_id: int):
    """The location's storage unit `unit_id`; not found when it lists no such one."""
    unit = await _unit_of(session, location, unit_id)
    if unit is None:
        raise NotFound("That storage unit is not part of this location.")
    return unit


@router.get("/{location_id}/section-b/storage-units/{unit_id}/photos",
            response_class=HTMLResponse)
async def storage_photos_page(request: Request, location_id: Id, unit_id: Id,
                              user: CurrentUser, session: SessionDep) -> Response:
    """Replace a storage unit's wrong photo on its own, its other details kept (it was
    removed and added again), until Section B is submitted."""
    location = await location_for(session, user, location_id, write=True)
    unit = await _listed_unit(session, location, unit_id)
    if location.status not in EDITABLE_STATUSES:
        return _closed(location_id)
    return render(request, "section_b/storage_photos.html", {"location": location, "unit": unit})


def _unit_gone(location_id: int) -> Response:
    """A storage unit acted on from an old page (Remove pressed twice, its photos replaced in
    another tab) that is no longer listed: the list as it is now, by a redirect."""
    return redirect(step_url(location_id, "storage"), tone="info", notice=(
        "That storage unit is no longer listed: it was already removed."))


def _closed(location_id: int) -> Response:
    return redirect(step_url(location_id), notice="Section B is submitted and can no longer "
                                                  "be changed.", tone="warning")


@router.post("/{location_id}/section-b/storage-units/{unit_id}/photos",
             response_class=HTMLResponse)
async def replace_storage_photos(request: Request, location_id: Id, unit_id: Id,
                                 user: CurrentUser, session: SessionDep,
                                 gateway: ProcessesDep) -> Response:
    location = await location_for(session, user, location_id, write=True)
    if location.status not in EDITABLE_STATUSES:  # before a photo is read, let alone stored
        return _closed(location_id)
    unit = await _unit_of(session, location, unit_id)
    if unit is None:
        return _unit_gone(location_id)  # removed in another tab since this page was opened
    name = f"{unit.brand} {unit.model}"
    form = await request.form()
    names = ("inside_photo", "outside_photo")
    key = secret(request)  # a good photo chosen with a refused one comes back kept, as a unit's
    kept = {field: kept_file_id(key, form.get(f"kept_{field}")) for field in names}
    uploads = {field: await _read(form.get(field)) for field in names}
    photos = await section_b.check_photos(session, uploads, kept, both=False, by=user.id)
    posted = {}
    if photos.errors:
        await session.commit()  # the good photo is stored, carried back by the form
        for field, file in photos.stored.items():
            posted |= {f"kept_{field}": keep_reference(key, file.id),
                       f"kept_{field}_name": file.filename}
    try:
        await section_b.replace_storage_photos(session, gateway, location, unit_id, photos)
    except CVMSError as error:
        if not error.errors:  # Section B submitted meanwhile: not a field's
            raise
        await rollback_keeping(session, user, location, unit)
        return render(request, "section_b/storage_photos.html", {
            "location": location, "unit": unit, "errors": error.problems(),
            "posted": posted}, status_code=400)
    said = (f"The inside and outside photos of {name} were replaced." if len(photos.stored) == 2
            else f"The {next(iter(photos.stored)).split('_')[0]} photo of {name} was replaced.")
    return redirect(step_url(location_id, "storage"), notice=said)


@router.get("/{location_id}/section-b/providers/{provider_id}/edit", response_class=HTMLResponse)
async def edit_provider_page(request: Request, location_id: Id, provider_id: Id,
                             user: CurrentUser, session: SessionDep) -> HTMLResponse:
    location = await location_for(session, user, location_id, write=True)
    provider = await _listed_provider(session, location, provider_id)
    return render(request, "section_b/provider_edit.html", {
        "location": location, "provider": provider, "values": provider.model_dump(), **CHOICES})


@router.post("/{location_id}/section-b/providers/{provider_id}/edit", response_class=HTMLResponse)
async def edit_provider(request: Request, location_id: Id, provider_id: Id, user: CurrentUser,
                        session: SessionDep, gateway: ProcessesDep) -> Response:
    location = await location_for(session, user, location_id, write=True)
    provider = await _listed_provider(session, location, provider_id)  # before anything else
    values = await form_values(request)
    data, errors = parse(ProviderIn, values)
    if data:
        try:
            await section_b.update_provider(session, gateway, location, provider_id, data)
            return redirect(step_url(location_id, "edit_providers"),
                            notice="The provider is saved.")
        except CVMSError as error:  # another provider's license: named on its field
            if not error.errors:
                raise
            await rollback_keeping(session, user, location, provider)
            errors = error.problems()
    return render(request, "section_b/provider_edit.html", {
        "location": location, "provider": provider, "values": values, "errors": errors,
        **CHOICES}, status_code=400)
