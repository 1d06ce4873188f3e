"""Proof of vaccination for the recipient: their doses, and a SMART Health Card carrying them,
on a page and as a PDF (WeasyPrint) in English or Spanish with the card's QR code.

The same records feed the state registry's FHIR and HL7 exports (api/routers/registry_api.py)."""

import base64
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.concurrency import run_in_threadpool
from weasyprint import HTML

from api.domain import health_card, interop
from api.domain.administrations import doses_of
from api.domain.state_lists import pin
from api.pages import templates
from api.static_files import STATIC
from core import i18n
from core.settings import Settings
from models.accounts import User
from models.administrations import Administration
from models.base import as_utc, utcnow
from models.enrollment import Location, PracticingProvider
from models.inventory import Lot, Product
from models.recipients import Recipient


def person_of(recipient: Recipient) -> interop.Person:
    return interop.Person(id=recipient.id, first_name=recipient.first_name,
                          last_name=recipient.last_name, birth_date=recipient.date_of_birth,
                          street=recipient.street, city=recipient.city, state=recipient.state,
                          zip_code=recipient.zip_code,
                          phone="".join(c for c in recipient.phone if c.isdigit()))


async def dose_of(session: AsyncSession, dose: Administration) -> interop.Dose:
    product = await session.get(Product, dose.product_id)
    lot = await session.get(Lot, dose.lot_id)
    location = await session.get(Location, dose.location_id)
    return interop.Dose(id=dose.id, cvx_code=product.cvx_code, product_name=product.name,
                        manufacturer=product.manufacturer, lot_number=lot.lot_number,
                        lot_expires=lot.expiration_date,
                        administered_on=dose.administered_on, dose_number=dose.dose_number,
                        site=dose.site, route=dose.route, performer=dose.provider_name,
                        provider=await provider_of(session, dose),
                        entered_by=await entered_by(session, dose),
                        location_name=location.name, location_pin=pin(location.id),
                        recorded_at=as_utc(dose.created_at).replace(microsecond=0),
                        entered_late=dose.entered_late,
                        amount_ml=product.dose_ml(dose.dose_number), edited=dose.updated_at is not None,
                        removed=not dose.active, removal_reason=dose.removal_reason)


def _same_name(typed: str, name: str) -> bool:
    return " ".join(typed.split()).casefold() == " ".join(name.split()).casefold()


def _names(typed: str, first: str, last: str, full: str) -> bool:
    """The typed name is this person's: "Given Family" (with or without the middle initial),
    or "Family, Given" as the VXU itself reads a name; a title before it and credentials
    after it aside."""
    typed = interop.bare_name(typed)
    named = interop.provider_named(typed)
    return (_same_name(typed, full) or _same_name(typed, f"{first} {last}")
            or ("," in typed and _same_name(named.family, last)
                and _same_name(named.given, first)))


async def provider_of(session: AsyncSession, dose: Administration) -> interop.Provider | None:
    """The administering provider typed at the point of care, when it names one of the
    location's practicing providers (with their license) or the person who recorded it."""
    listed = (await session.exec(select(PracticingProvider).where(
        PracticingProvider.location_id == dose.location_id)
        .order_by(PracticingProvider.active.desc(), PracticingProvider.id))).all()
    for known in listed:
        if _names(dose.provider_name, known.first_name, known.last_name, known.full_name):
            return interop.Provider(known.last_name, known.first_name, known.middle_initial or "",
                                    known.license_number, known.license_type.value.upper())
    recorder = await session.get(User, dose.recorded_by)
    if recorder is not None and _names(dose.provider_name, recorder.first_name,
                                       recorder.last_name, recorder.full_name):
        return interop.Provider(recorder.last_name, recorder.first_name)
    return None


async def entered_by(session: AsyncSession, dose: Administration) -> interop.Provider | None:
    """The account that recorded the dose (a paper form's too: whoever entered it)."""
    recorder = await session.get(User, dose.recorded_by)
    return None if recorder is None else interop.Provider(recorder.last_name, recorder.first_name)


async def doses(session: AsyncSession, recipient: Recipient, *, removed: bool = False
                ) -> list[interop.Dose]:
    """The recipient's doses as given; with `removed`, those removed as entered in error too
    (the registry's copy withdraws them; a proof of vaccination leaves them out)."""
    return [await dose_of(session, d) for d in await doses_of(session, recipient.id,
                                                              active_only=not removed)]


def signed_cards(settings: Settings, person: interop.Person, given: list[interop.Dose],
                 issued_at: datetime) -> list[str]:
    """The doses' health cards: one, unless its JWS would not fit a single QR code (the spec's
    version 22); then as many as needed, in order, each with the patient and some doses."""
    def card(group: list[interop.Dose]) -> str:
        return health_card.sign(settings, interop.health_card_bundle(person, group), issued_at)

    if not given:
        return []
    whole = card(given)  # nearly always fits: signed once (the proof page signs at every view)
    if len(whole) <= health_card.MAX_QR_JWS:
        return [whole]
    tokens: list[str] = []
    group: list[interop.Dose] = []
    token = ""
    for dose in given:
        tried = card([*group, dose])
        if group and len(tried) > health_card.MAX_QR_JWS:
            tokens.append(token)
            group, tried = [], card([dose])
        group.append(dose)
        token = tried
    return [*tokens, token] if group else tokens


@dataclass
class Proof:
    person: interop.Person
    doses: list[interop.Dose]
    tokens: list[str]  # the signed health cards (none with no dose yet)

    @property
    def token(self) -> str | None:
        return self.tokens[0] if self.tokens else None

    @property
    def qr_data_uris(self) -> list[str]:
        return ["data:image/png;base64," + base64.b64encode(health_card.qr_png(t)).decode()
                for t in self.tokens]


async def proof_of(session: AsyncSession, settings: Settings, recipient: Recipient) -> Proof:
    person, given = person_of(recipient), await doses(session, recipient)
    return Proof(person, given, signed_cards(settings, person, given, utcnow()))


def _pdf(proof: Proof, language: str) -> bytes:
    with i18n.language(language) as lang:
        html = templates.env.get_template("proof/pdf.html").render(
            proof=proof, lang=lang, printed_at=utcnow(), static=STATIC.as_uri())
        return HTML(string=html, base_url=str(STATIC)).write_pdf(pdf_variant="pdf/ua-1")


async def proof_pdf(proof: Proof, language: str) -> bytes:
    """Printed off the event loop, in the language asked for."""
    return await run_in_threadpool(_pdf, proof, language)
