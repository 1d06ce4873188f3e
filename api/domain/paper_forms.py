"""Printable paper forms for working offline, mirroring the screens: recipient registration (with
the eligibility questionnaire) and administration (English or Spanish) and the location's
inventory levels (staff work, English as the staff pages are). Records written on
them are entered later with their real dates (an administration in the past is accepted and
marked as entered late)."""


from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.concurrency import run_in_threadpool
from weasyprint import HTML

from api.domain import inventory
from api.domain import recipient_portal as portal
from api.pages import templates
from api.static_files import STATIC
from core import i18n
from models.base import utcnow
from models.care_rules import ROUTES, SITES, product_name
from models.enrollment import Location

FORMS = ("registration", "administration", "inventory")
STAFF_ENGLISH = {"inventory"}  # the count sheet is staff work, in English as the staff pages are


def language_of(form: str, asked: str) -> str:
    """The form's language: the one asked for when the form has it (else English)."""
    return "en" if form in STAFF_ENGLISH else i18n.supported(asked)


def _render(form: str, language: str, context: dict) -> bytes:
    with i18n.language(language) as lang:
        named = [(key, product_name(name)) for key, name in context["product_choices"]]
        html = templates.env.get_template("proof/paper_form.html").render(
            form=form, lang=lang, printed_at=utcnow(), static=STATIC.as_uri(),
            **{**context, "product_choices": named}, **portal.choices())
        return HTML(string=html, base_url=str(STATIC)).write_pdf(pdf_variant="pdf/ua-1")


async def paper_form(session: AsyncSession, location: Location, form: str,
                     language: str) -> bytes:
    usable = (await inventory.lots(session, location)).usable
    products = {p.id: p for p in await inventory.products(session)}
    context = {"location": location, "lots": usable, "products": products,
               "product_choices": [(p.id, p.name) for p in products.values()],
               "sites": list(SITES.items()), "routes": list(ROUTES.items())}
    return await run_in_threadpool(_render, form, language, context)
