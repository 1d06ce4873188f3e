"""Found by the outside check of the recipient side: a registered person cleared the (optional)
email address on their own page and saved. That moves their personal link on (the address may
have been someone else's, who holds the old link), so the link in every email they were told
to keep stopped working, and nothing can email them the new one; yet the page they landed on
said only "Your answers are saved." and "Keep the link to this page (... or keep the email ...)".
Closing the tab lost them their record and proof of vaccination. Now the saved page says their
link changed, that the emailed one no longer works, and shows the new link to bookmark or write
down (or where it was emailed, when they gave a new address), in their language; a save that
keeps the link says only that the answers are saved."""

from tests.support.care import NO_TO_ALL, vaccinating_site, walk_in
from tests.support.recipients import form_of, tag
from tests.support.web import browser

CHANGED = {"en": "Your personal link changed", "es": "Su enlace personal cambió"}
NO_EMAIL = {"en": "we cannot email it to you", "es": "no podemos enviárselo por correo"}
EMAILED = {"en": "We emailed it to", "es": "Se lo enviamos a"}


async def _registered(system, language: str) -> str:
    """A walk-in who gave an email address: the personal link emailed to them."""
    site = await vaccinating_site(system)
    email = f"moved.{tag().lower()}@example.org"
    await walk_in(site, email=email, language=language)
    return (await system.smtp.one(to=email)).link("/r/")


async def test_clearing_the_email_address_shows_the_new_link_to_keep(system):
    for language in ("en", "es"):
        link = await _registered(system, language)
        me = browser(system)
        form = await me.get(link + "/edit")
        done = await me.submit(link + "/edit", {**form_of(form.text), **NO_TO_ALL, "email": ""},
                               action=link)
        assert done.status_code == 200 and "/status" in str(done.url), done.text[:300]
        new_link = str(done.url).split("/status")[0]
        assert new_link != link and (await me.get(link)).status_code == 410
        assert CHANGED[language] in done.text, done.text
        assert NO_EMAIL[language] in done.text
        assert f">{new_link}</" in done.text  # written out, to bookmark or copy

        # saved again from the new link, nothing moves: only "saved"
        again = await me.submit(new_link + "/edit",
                                {**form_of((await me.get(new_link + "/edit")).text),
                                 **NO_TO_ALL, "email": ""}, action=new_link)
        assert again.status_code == 200 and str(again.url).startswith(new_link)
        assert CHANGED[language] not in again.text


async def test_a_new_address_is_told_where_the_new_link_went(system):
    link = await _registered(system, "es")
    me = browser(system)
    form = await me.get(link + "/edit")
    other = f"new.{tag().lower()}@example.org"
    done = await me.submit(link + "/edit", {**form_of(form.text), **NO_TO_ALL, "email": other},
                           action=link)
    assert done.status_code == 200 and "/status" in str(done.url)
    assert CHANGED["es"] in done.text and EMAILED["es"] in done.text and other in done.text
    assert NO_EMAIL["es"] not in done.text


async def test_a_tampered_saved_mark_is_ignored_in_the_persons_language(system):
    """Also found then: /status?saved=abc (a link cut or edited) answered 422 with an English
    "Check what was entered" page to a Spanish-speaking person; the mark is only a notice, so
    anything but 1 or 2 shows the page without it, in their language."""
    link = await _registered(system, "es")
    me = browser(system)
    for mark in ("abc", "99", "", "1.5"):
        page = await me.get(f"{link}/status?saved={mark}")
        assert page.status_code == 200 and '<html lang="es">' in page.text, (mark, page.text)
        assert "Sus respuestas están guardadas." not in page.text
        assert CHANGED["es"] not in page.text
