"""The public help pages in the visitor's language: the help centre and its knowledge base, with
the question form's English/Español switch (its articles, written in English, marked so), the
browser's Accept-Language when no language was chosen, and an address that names no page
answered in that language too. Account holders' pages stay English."""

import re

from models.enums import Role
from models.recipient_rules import recipient_path
from tests.support.accounts import make_user
from tests.support.care import vaccinating_site, walk_in
from tests.support.web import browser, raw_post, unique_email

SPANISH = {"cookies": {"cvms_lang": "es"}}


async def test_the_help_centre_and_its_articles_in_spanish(system):
    async with system.http(**SPANISH) as http:
        home = (await http.get("/help")).text
        assert '<html lang="es">' in home and "Buscar en la base de conocimientos" in home
        assert 'href="/language/en?next=/help"' in home
        assert "Los artículos de la base de conocimientos están en inglés." in home
        # the providers' registration it links is English: said before the click
        assert "El registro de proveedores y las páginas de proveedores están en inglés." in home
        assert 'href="/help/register" hreflang="en"' in home
        article = re.search(r'href="(/help/articles/\d+)" lang="en"', home)
        assert article, "an English article's title is marked as English"
        nothing = (await http.get("/help", params={"q": "zzqqxx"})).text
        assert "No se encontraron artículos." in nothing
        assert "<title>Resultados de la búsqueda de “zzqqxx” |" in nothing
        page = (await http.get(article[1])).text
        assert '<html lang="es">' in page and 'class="cvms-mail" lang="en"' in page
        assert re.search(r'<h1 lang="en">', page) and "Actualizado el " in page
        for path in ("/help/ask", "/help/articles/999999"):
            assert 'href="/help"' in (await http.get(path)).text, path


async def test_the_browser_language_is_the_fallback_on_public_pages_only(system):
    async with system.http() as http:
        for path in ("/help", "/help/ask", "/r/1/not-a-key"):
            spanish = await http.get(path, headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
            assert '<html lang="es">' in spanish.text, path
            english = await http.get(path, headers={"Accept-Language": "en-US,en;q=0.9,es;q=0.8"})
            assert '<html lang="en">' in english.text, path
        login = await http.get("/login", headers={"Accept-Language": "es"})
        assert '<html lang="en">' in login.text, "providers' and staff pages are English"
    async with system.http(cookies={"cvms_lang": "en"}) as http:
        chosen = await http.get("/help", headers={"Accept-Language": "es"})
        assert '<html lang="en">' in chosen.text, "the switch's choice comes first"


async def test_an_unknown_help_address_is_answered_in_the_visitors_language(system):
    email = unique_email("es")
    async with system.http(**SPANISH) as http:
        asked = await http.post("/api/v1/helpdesk/questions", json={
            "name": "Ana", "question": "¿Dónde me vacuno?", "email": email,
            "language": "es"})
        assert asked.status_code == 201, asked.text
        received = await system.smtp.one(to=email, subject="caso")
        link = "/" + received.link("/help/c/").split("/", 3)[3]
        for path in (f"{link}/files/99", "/help/no-such-page"):
            page = await http.get(path)
            assert page.status_code == 404, path
            assert '<html lang="es">' in page.text and 'href="/help"' in page.text, path
            assert "Página no encontrada" in page.text, path
        # the reply's address opened again (a refused reply is answered there): the case
        again = await http.get(f"{link}/reply")
        assert again.status_code == 303 and again.headers["location"] == link, again.headers
        case_page = await http.get(link)
        assert case_page.status_code == 200 and '<html lang="es">' in case_page.text


async def test_a_spanish_case_is_marked_spanish_on_the_agents_english_pages(system):
    email = unique_email("es")
    async with system.http() as http:
        asked = await http.post("/api/v1/helpdesk/questions", json={
            "name": "Ana", "question": "¿Puedo ir sin cita?", "email": email,
            "language": "es"})
    case_id = asked.json()["id"]
    staff = await make_user(system, Role.HELPDESK_AGENT, team="recipients")
    agent = browser(system)
    await agent.login(staff.email)
    await agent.submit(f"/helpdesk/cases/{case_id}", {"body": "Sí, puede ir sin cita."},
                       action=f"/helpdesk/cases/{case_id}/reply")
    page = (await agent.get(f"/helpdesk/cases/{case_id}")).text
    assert '<html lang="en">' in page
    assert re.search(r'<h1>CS\d+: <span lang="es">', page), "the subject is marked Spanish"
    assert 'lang="es">¿Puedo ir sin cita?<' in page and 'lang="es">Sí, puede ir sin cita.<' in page
    console = (await agent.get(f"/helpdesk?team=all&q={email}")).text
    assert re.search(r'data-label="Subject"[^>]*><span lang="es">', console), console[-3000:]
    await agent.http.aclose()


async def test_a_name_written_as_markup_is_refused_on_its_field_in_the_visitors_language(system):
    """The public question's name took "<script>…" and the emails greeted it with that."""
    async with system.http(**SPANISH) as http:
        asked = await http.post("/api/v1/helpdesk/questions", json={
            "name": "<script>alert(1)</script>", "question": "¿Dónde?", "email": "",
            "language": "es"})
        assert asked.status_code == 422, asked.text
        assert asked.json()["errors"]["name"] == "Write your name without < or >."
        page = await http.get("/help/ask")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
        answered = await http.post("/help/ask", data={
            "csrf_token": token, "name": "<b>Ana</b>", "question": "¿Dónde me vacuno?",
            "email": "ana@example.org"})
        assert answered.status_code == 400, answered.text
        assert "Escriba su nombre sin &lt; ni &gt;." in answered.text
        assert 'aria-describedby="name-error' in answered.text
        assert "¿Dónde me vacuno?" in answered.text, "what was typed is kept"


async def test_a_form_too_large_or_cut_off_is_answered_in_the_visitors_language(system):
    """Found by the outside check: a 60 MB scan attached to the public question form (in
    Spanish) met "Too large to send" in English, and a form cut off on the way "The request
    could not be read": the visitor's language, what happened and what to do, instead."""
    async with system.http(**SPANISH) as http:
        form = await http.get("/help/ask")  # the language cookie, as the switch set it
        assert '<html lang="es">' in form.text
        cut_off = await http.post("/help/ask", content=b"garbage", headers={
            "content-type": "multipart/form-data; boundary=zz"})
    assert cut_off.status_code == 400 and '<html lang="es">' in cut_off.text, cut_off.text
    assert "No se pudo leer lo que envió" in cut_off.text and "Atrás" in cut_off.text
    # the cookie a browser holds, sent with the huge body the server refuses before reading
    answer, _took = await raw_post(system, "/help/ask", 60 * 1024 * 1024,
                                   "multipart/form-data; boundary=b", b"--b\r\n", whole=True,
                                   headers={"Cookie": "cvms_lang=es"})
    assert answer.startswith("HTTP/1.1 413") and '<html lang="es">' in answer, answer[:600]
    assert "Demasiado grande para enviar" in answer and "51 MB" in answer
    assert "lo que escribió sigue ahí" in answer


async def test_a_form_too_large_on_a_recipients_link_speaks_their_records_language(system):
    """Left alone before: the 413 page on a recipient's personal link (/r/...) took the
    browser's language, not their record's as every page of theirs does when no language was
    chosen with the switch: a Spanish speaker on an English phone read it in English."""
    site = await vaccinating_site(system)
    person = await walk_in(site, language="es")
    link = recipient_path(system.settings.secret_key.get_secret_value(), person["id"])
    answer, _took = await raw_post(system, link, 60 * 1024 * 1024,
                                   "application/x-www-form-urlencoded", b"a=", whole=True,
                                   headers={"Accept-Language": "en-US,en;q=0.9"})
    assert answer.startswith("HTTP/1.1 413") and '<html lang="es">' in answer, answer[:600]
    assert "Demasiado grande para enviar" in answer
    other, _took = await raw_post(system, "/r/1/not-a-key", 60 * 1024 * 1024,
                                  "application/x-www-form-urlencoded", b"a=", whole=True,
                                  headers={"Accept-Language": "en-US,en;q=0.9"})
    assert other.startswith("HTTP/1.1 413") and '<html lang="en">' in other, other[:600]
