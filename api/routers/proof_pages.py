"""The recipient's proof of vaccination, from their emailed key link: the page and the PDF, in
the language chosen with the switch (else the one their record asks for; `?lang=` picks the
PDF's)."""

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from api.deps import SessionDep, SettingsDep
from api.domain import proof as proofs
from api.params import Id
from api.routers.recipient_portal import _person, bilingual_page, choose_language
from api.routing import Router
from core import i18n

router = Router(include_in_schema=False)


@router.get("/r/{recipient_id}/{key}/proof", response_class=HTMLResponse)
async def proof_page(request: Request, recipient_id: Id, key: str, session: SessionDep,
                     settings: SettingsDep) -> HTMLResponse:
    person = await _person(request, session, settings, recipient_id, key)
    choose_language(request, person)
    return bilingual_page(request, "proof/page.html", {
        "proof": await proofs.proof_of(session, settings, person),
        "base": f"/r/{recipient_id}/{key}"})


# The downloaded file's name, in the language of the record it holds (its title's words)
FILE_NAMES = {"en": "vaccination-record-en.pdf", "es": "registro-de-vacunacion-es.pdf"}


@router.get("/r/{recipient_id}/{key}/proof.pdf")
async def proof_pdf(request: Request, recipient_id: Id, key: str, session: SessionDep,
                    settings: SettingsDep, lang: str | None = None) -> Response:
    person = await _person(request, session, settings, recipient_id, key)
    # `?lang=` none of ours (a tampered link): English, as an unknown language is everywhere
    language = i18n.use(lang) if lang else choose_language(request, person)
    proof = await proofs.proof_of(session, settings, person)
    if not proof.doses:  # no link to it is shown, but the address may be typed or bookmarked
        return bilingual_page(request, "proof/no_doses.html",
                              {"base": f"/r/{recipient_id}/{key}"}, status_code=409)
    pdf = await proofs.proof_pdf(proof, language)
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{FILE_NAMES[language]}"',
        "Cache-Control": "no-store"})
