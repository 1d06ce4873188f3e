"""A recipient who asked on the public form has no account: every email about the case carries
a personal link that opens the case without signing in, where they read the answers, reply,
and reopen it once resolved. A link with a wrong key, or to an account holder's case, opens
nothing. An agent's reply to someone who left only a phone number says to call them."""

import asyncio
import re

import httpx
from sqlmodel import select

from api.app import create_app
from api.domain.attachments import NOT_A_PICTURE, REFUSED
from core.i18n import catalogue
from models.enums import Role
from models.helpdesk import Case, CaseAttachment, CaseMessage
from tests.support.accounts import make_user
from tests.support.helpdesk import agent, open_case, register_requester
from tests.support.web import CSRF, bearer, browser, unique_email


async def ask(system, **contact) -> int:
    async with system.http() as http:
        asked = await http.post("/api/v1/helpdesk/questions", json={
            "name": "Pat Public", "question": "Can I bring my child to the Elm St clinic?",
            **contact})
    assert asked.status_code == 201, asked.text
    return asked.json()["id"]


async def agent_replies(system, case_id: int, body: str, role: Role = Role.HELPDESK_AGENT):
    """A recipients-team agent (or lead) signs in and replies on the case page: (the agent,
    the page)."""
    staff = await make_user(system, role, team="recipients")
    agent = browser(system)
    await agent.login(staff.email)
    return agent, await agent.submit(f"/helpdesk/cases/{case_id}", {"body": body},
                                     action=f"/helpdesk/cases/{case_id}/reply")


async def test_the_emailed_link_opens_the_case_to_reply_and_reopen_without_an_account(system):
    email = unique_email("public")
    case_id = await ask(system, email=email)
    received = await system.smtp.one(to=email, subject="We received your case")
    link = received.link("/help/c/")
    path = "/" + link.split("/", 3)[3]
    assert path.startswith(f"/help/c/{case_id}/")
    # Its help line leads to the question form, which needs no account (the help centre's
    # "Open a case" does), and that form opens in English.
    asked_again = await browser(system).http.get(received.link("/language/en?next=/help/ask"))
    assert asked_again.status_code == 200 and 'action="/help/ask"' in asked_again.text

    agent, replied = await agent_replies(system, case_id, "Yes, bring them.")
    assert "Your reply was sent." in replied.text
    updated = await system.smtp.one(to=email, subject="updated")
    assert updated.link("/help/c/") == link, "every email carries the same personal link"

    visitor = browser(system)  # never signed in
    page = await visitor.http.get(path)
    assert page.status_code == 200 and "Yes, bring them." in page.text, page.text[:300]
    assert "/login" not in str(page.url)
    answered = await visitor.submit(path, {"body": "Thank you! Which door?"},
                                    action=f"{path}/reply")
    assert answered.status_code == 200 and "Thank you! Which door?" in answered.text
    assert "Your reply was sent to the help desk." in answered.text

    resolved = await agent.submit(f"/helpdesk/cases/{case_id}", {"notes": "The north door."},
                                  action=f"/helpdesk/cases/{case_id}/resolve")
    assert resolved.status_code == 200, resolved.text[:300]
    assert (await system.smtp.one(to=email, subject="resolved")).link("/help/c/") == link
    resolved_page = await visitor.http.get(path)
    assert 'usa-alert__heading">Resolution<' in resolved_page.text
    reopened = await visitor.submit(path, {"body": "It was locked."}, action=f"{path}/reply")
    assert "Your comment reopened the case" in reopened.text
    # Worked on again: the resolution is no longer announced at the top (it stays in the
    # conversation).
    assert 'usa-alert__heading">Resolution<' not in reopened.text
    assert "The north door." in reopened.text
    async with system.sessions() as session:
        case = await session.get(Case, case_id)
    assert case.status == "in_progress" and case.requester_user_id is None

    refused = await visitor.submit(path, {"body": ""}, action=f"{path}/reply")
    assert refused.status_code == 400 and 'id="body-error"' in refused.text


async def test_a_wrong_key_or_an_account_holders_case_opens_nothing(system):
    case_id = await ask(system, email=unique_email("wrong"))
    visitor = browser(system)
    for path in (f"/help/c/{case_id}/{'0' * 40}", f"/help/c/{case_id}/short",
                 f"/help/c/{case_id + 10_000}/{'0' * 40}", "/help/c/abc/x",
                 f"/help/c/{case_id}/{'0' * 40}/files/x1"):
        page = await visitor.http.get(path)
        assert page.status_code == 404 and "does not open a case" in page.text, path
    await visitor.http.get("/language/es?next=/help/ask")
    spanish = await visitor.http.get(f"/help/c/{case_id}/{'0' * 40}")
    assert spanish.status_code == 404 and "Este enlace no abre ningún caso" in spanish.text
    requester, requester_email = await register_requester(system)
    own = await open_case(requester, "other", "My own case")
    assert own.status_code == 201, own.text
    mail = await system.smtp.one(to=requester_email, subject="We received your case")
    assert f"/help/cases/{own.json()['id']}" in mail.text, "an account holder signs in"
    assert "/help/c/" not in mail.text


async def test_a_reply_to_someone_who_left_only_a_phone_number_says_to_call(system):
    case_id = await ask(system, phone="919-555-0199")
    _agent, replied = await agent_replies(system, case_id, "We will call.")
    assert "gave no email address: call them at 919-555-0199" in replied.text


async def test_an_agents_reply_to_a_new_case_takes_it(system):
    """Answering a new, unassigned case picks it up: it is the agent's and in progress (it
    used to stay "New, not yet picked up" and unassigned after the answer went out)."""
    case_id = await ask(system, email=unique_email("taken"))
    _agent, replied = await agent_replies(system, case_id, "Here is the answer.")
    assert "Your reply was sent." in replied.text and "Being worked on" in replied.text
    async with system.sessions() as session:
        case = await session.get(Case, case_id)
        assert case.status == "in_progress" and case.assignee_id is not None
        assignee = case.assignee_id
    # another agent may not answer over its holder; a team lead may, without taking it
    _lead, second = await agent_replies(system, case_id, "And one more thing.",
                                        Role.HELPDESK_LEAD)
    assert "Your reply was sent." in second.text
    async with system.sessions() as session:
        assert (await session.get(Case, case_id)).assignee_id == assignee, "not taken again"


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def test_a_question_asked_in_spanish_is_answered_in_spanish_with_its_files(system):
    """The public form has the recipient pages' language switch; a question asked in Spanish
    gets its pages and emails in Spanish (dates too), and the files the help desk attaches to
    its answers open from the personal link; an internal note's never do."""
    email = unique_email("es")
    visitor = browser(system)
    await visitor.http.get("/language/es?next=/help/ask")
    form = await visitor.http.get("/help/ask")
    assert '<html lang="es">' in form.text and "Haga una pregunta a la mesa de ayuda" in form.text
    refused = await visitor.submit("/help/ask", {"name": "", "email": "", "phone": "",
                                                 "question": "¿Puedo ir sin cita?"})
    assert refused.status_code == 400 and "Este campo es obligatorio." in refused.text
    # every missing answer at once: the name, and a way to answer (not after the name is given)
    assert re.search(r'id="email-error">\s*Indique un correo electrónico o un número de '
                     r'teléfono', refused.text), "the contact is asked for in the same round"
    assert "¿Puedo ir sin cita?" in refused.text, "what was typed is kept"
    asked = await visitor.submit("/help/ask", {"name": "Paz Pública", "email": email,
                                               "phone": "", "question": "¿Puedo ir sin cita?"})
    assert asked.status_code == 200 and "Recibimos su pregunta" in asked.text
    received = await system.smtp.one(to=email, subject="Recibimos su caso")
    assert "Hola, Paz" in received.text and "Gracias por comunicarse" in received.text
    assert received.html and 'lang="es"' in received.html and "Abrir el caso" in received.html
    # its help line leads to the question form in Spanish (the help centre is English only)
    helper = browser(system)
    help_form = await helper.get(received.text.rstrip().splitlines()[-1])
    assert str(help_form.url).endswith("/help/ask") and '<html lang="es">' in help_form.text
    link = received.link("/help/c/")
    case_id = int(link.split("/help/c/")[1].split("/")[0])

    staff, _ = await agent(system, "recipients")
    answer = await staff.post(f"/api/v1/helpdesk/cases/{case_id}/messages",
                              data={"body": "Sí, sin cita. Vea el horario."},
                              files=[("attachments", ("horario.pdf", PDF, "application/pdf"))])
    note = await staff.post(f"/api/v1/helpdesk/cases/{case_id}/messages",
                            data={"body": "Internal: check the roster", "internal": "true"},
                            files=[("attachments", ("roster.pdf", PDF, "application/pdf"))])
    assert answer.status_code == 201 and note.status_code == 201, (answer.text, note.text)
    files = (await staff.get(f"/api/v1/helpdesk/cases/{case_id}")).json()["attachments"]
    by_name = {a["filename"]: a for a in files}
    async with system.sessions() as session:
        ids = {name: (await session.get(CaseAttachment, a["id"])).file_id
               for name, a in by_name.items()}
    updated = await system.smtp.one(to=email, subject="actualizado")
    assert "La mesa de ayuda respondió a su caso" in updated.text
    assert "Archivo adjunto: horario.pdf (abra el caso para verlo)." in updated.text, "the email names the file"
    assert "roster" not in "".join(m.text for m in system.smtp.find(to=email))

    stranger = browser(system)  # another browser, no language chosen: the case's language
    path = "/" + link.split("/", 3)[3]
    page = await stranger.http.get(path)
    assert page.status_code == 200 and "Conversación" in page.text and "horario.pdf" in page.text
    assert "roster" not in page.text and "Internal" not in page.text
    opened = await stranger.http.get(f"{path}/files/{ids['horario.pdf']}")
    assert opened.status_code == 200 and opened.content == PDF
    hidden = await stranger.http.get(f"{path}/files/{ids['roster.pdf']}")
    assert hidden.status_code == 404, "an internal note's file is the help desk's only"
    wrong_key = await stranger.http.get(f"/help/c/{case_id}/{'0' * 40}/files/{ids['horario.pdf']}")
    assert wrong_key.status_code == 404

    replied = await stranger.submit(path, {"body": "Gracias."}, action=f"{path}/reply")
    assert "Su respuesta se envió a la mesa de ayuda." in replied.text
    empty = await stranger.submit(path, {"body": "   "}, action=f"{path}/reply")
    assert empty.status_code == 400 and "Este campo es obligatorio." in empty.text
    assert "This field is required" not in empty.text
    resolved = await staff.post(f"/api/v1/helpdesk/cases/{case_id}/resolve",
                                json={"notes": "Puede ir sin cita."})
    assert resolved.status_code == 200, resolved.text
    mail = await system.smtp.one(to=email, subject="resuelto")
    assert "puede reabrir el caso hasta el" in mail.text and " de 20" in mail.text, mail.text


async def test_a_requester_never_gets_an_internal_notes_file(system):
    requester, _email = await register_requester(system)
    case = (await open_case(requester, "other", "Where is my order?")).json()
    staff, _ = await agent(system, "general")
    note = await staff.post(f"/api/v1/helpdesk/cases/{case['id']}/messages",
                            data={"body": "Internal: vendor invoice", "internal": "true"},
                            files=[("attachments", ("invoice.pdf", PDF, "application/pdf"))])
    assert note.status_code == 201, note.text
    attachment_id = (await staff.get(f"/api/v1/helpdesk/cases/{case['id']}")).json()[
        "attachments"][-1]["id"]
    async with system.sessions() as session:
        file_id = (await session.get(CaseAttachment, attachment_id)).file_id
    seen = (await requester.get(f"/api/v1/helpdesk/cases/{case['id']}")).json()
    assert seen["attachments"] == [], "not even its name"
    assert (await requester.get(f"/files/{file_id}")).status_code == 404
    assert (await staff.get(f"/files/{file_id}")).status_code == 200
    stranger, _ = await register_requester(system)  # another person's case: a file, not found
    refused = await stranger.get(f"/files/{file_id}")
    assert refused.status_code == 404 and "That file is not available" in refused.text
    assert "among the ones you can open" not in refused.text, "not a case or location message"


async def test_an_agent_attaches_a_file_on_the_case_page_and_nothing_is_lost(system):
    """The agent's case page sends files with a reply; a reply refused (no message) keeps
    them, the next one sends them, and the requester opens them from the personal link. The
    page says who has the case and, for a question asked in Spanish, to answer in Spanish."""
    email = unique_email("files")
    async with system.http() as http:
        asked = await http.post("/api/v1/helpdesk/questions", json={
            "name": "Paz Pública", "email": email, "question": "¿Qué llevo?", "language": "es"})
    assert asked.status_code == 201, asked.text
    case_id = asked.json()["id"]
    staff = await make_user(system, Role.HELPDESK_AGENT, team="recipients")
    agent = browser(system)
    await agent.login(staff.email)
    page = f"/helpdesk/cases/{case_id}"
    opened = await agent.http.get(page)
    assert "Nobody yet" in opened.text and "Take this case" in opened.text
    assert "Español: the requester asked in it" in opened.text
    refused = await agent.submit(page, {"body": ""}, action=f"{page}/reply",
                                 files={"attachments": ("lista.pdf", PDF, "application/pdf")})
    assert refused.status_code == 422 and "lista.pdf" in refused.text, "the file is kept"
    kept = re.findall(r'name="kept\[\]" value="([^"]+)"', refused.text)
    assert len(kept) == 1
    sent = await agent.submit(page, {"body": "Traiga su identificación.", "kept[]": kept[0]},
                              action=f"{page}/reply")
    assert "Your reply was sent." in sent.text and "lista.pdf" in sent.text
    assert f"<dd>{staff.full_name}</dd>" in sent.text and "Take this case" not in sent.text
    link = (await system.smtp.one(to=email, subject="actualizado")).link("/help/c/")
    path = "/" + link.split("/", 3)[3]
    visitor = browser(system)
    shown = await visitor.http.get(path)
    file_path = re.search(rf'href="({re.escape(path)}/files/\d+)"', shown.text)[1]
    assert (await visitor.http.get(file_path)).content == PDF


async def test_questions_to_one_address_are_a_few_an_hour(system):
    """Anyone may ask without an account, and each question emails the address typed: the
    fourth in an hour to one address is refused (429, Retry-After, the reason next to the email
    field in the asker's language, what was typed kept), and emails nothing."""
    email = unique_email("asks")
    body = {"name": "Ada Asker", "email": email, "question": "When is my second dose?"}
    async with system.http() as http:
        for _ in range(3):
            assert (await http.post("/api/v1/helpdesk/questions", json=body)).status_code == 201
        refused = await http.post("/api/v1/helpdesk/questions", json=body)
    assert refused.status_code == 429, refused.text
    assert 3000 < int(refused.headers["retry-after"]) <= 3600
    assert "several questions in the last hour" in refused.json()["detail"]
    visitor = browser(system)
    await visitor.http.get("/language/es?next=/help/ask")
    page = await visitor.submit("/help/ask", {**body, "phone": "", "question": "¿Y la tercera?"})
    assert page.status_code == 429 and 3000 < int(page.headers["retry-after"]) <= 3600
    assert 'id="email-error"' in page.text and "varias preguntas en la última hora" in page.text
    assert "¿Y la tercera?" in page.text and email in page.text, "what was typed is kept"
    await system.smtp.wait_for(to=email, count=3)
    async with system.sessions() as session:
        asked = (await session.exec(select(Case).where(Case.requester_email == email))).all()
    assert len(asked) == 3 and len(system.smtp.find(to=email)) == 3


async def test_one_client_asks_a_limited_number_of_questions_an_hour(system):
    """However many addresses it types, one client address gets PUBLIC_QUESTIONS_PER_CLIENT_HOUR
    questions an hour (here 2) before it is refused."""
    settings = system.settings.model_copy(update={"public_questions_per_client_hour": 2})
    app = create_app(settings, engine=system.engine, gateway=system.gateway(settings))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 4000))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            answers = [await http.post("/api/v1/helpdesk/questions", json={
                "name": "Sam Sprayer", "email": unique_email("spray"), "question": "Hello?"})
                for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 429], answers[-1].text


async def test_asking_someone_who_left_only_a_phone_number_for_information_says_to_call(system):
    """Found by the outside check: "Ask the requester for information" on a phone-only case
    told nobody, said the case waits for them, and the case closed on its own 5 days later."""
    case_id = await ask(system, phone="919-555-0199")
    staff = await make_user(system, Role.HELPDESK_AGENT, team="recipients")
    agent = browser(system)
    await agent.login(staff.email)
    page = await agent.get(f"/helpdesk/cases/{case_id}")
    assert "Ask the requester for information" not in page.text
    assert "to ask for information, call them at 919-555-0199" in page.text
    asked = await agent.submit(f"/helpdesk/cases/{case_id}", {"body": "Which clinic?"},
                               action=f"/helpdesk/cases/{case_id}/request-info")
    assert asked.status_code == 409, asked.status_code
    assert "gave no email address: call them at 919-555-0199" in asked.text
    assert "Which clinic?" in asked.text, "the page keeps what was typed"
    async with system.sessions() as session:
        case = await session.get(Case, case_id)
    assert case.status != "awaiting_requester", "no countdown to closing for nobody told"
    async with system.http(headers={"Authorization": await bearer(system, staff.email)}) as http:
        api = await http.post(f"/api/v1/helpdesk/cases/{case_id}/request-info",
                              json={"body": "Which clinic?"})
    assert api.status_code == 409 and "call them at 919-555-0199" in api.json()["detail"]


async def test_an_action_that_does_not_exist_is_not_found(system):
    """Found by the outside check: a requester's POST to /help/cases/9/resolve, /internal or
    /bogus (with a body) answered 303 and posted a public comment each time."""
    requester, email = await register_requester(system)
    case_id = (await open_case(requester, "other", "Made-up actions")).json()["id"]
    person = browser(system)
    await person.login(email)
    page = f"/help/cases/{case_id}"
    for action in ("resolve", "internal", "bogus"):
        sent = await person.submit(page, {"body": f"via {action}"}, action=f"{page}/{action}")
        assert sent.status_code == 404, (action, sent.status_code)
    staff = await make_user(system, Role.HELPDESK_AGENT, team="general")
    agent = browser(system)
    await agent.login(staff.email)
    console = f"/helpdesk/cases/{case_id}"
    made_up = await agent.submit(console, {"body": "via bogus"}, action=f"{console}/bogus")
    assert made_up.status_code == 404
    async with system.sessions() as session:
        bodies = (await session.exec(select(CaseMessage.body).where(
            CaseMessage.case_id == case_id))).all()
    assert not bodies, bodies


async def test_a_requester_waiting_page_says_when_the_case_closes(system):
    """Found by the outside check: the requester's page said "Without one, the case closes on
    its own." without the date the email and the agent's page give."""
    from tests.support.web import Browserish

    staff, _ = await agent(system, "general")
    requester, email = await register_requester(system)
    own = (await open_case(requester, "other", "Waiting on me")).json()
    asked = await staff.post(f"/api/v1/helpdesk/cases/{own['id']}/request-info",
                             json={"body": "Which browser?"})
    assert asked.status_code == 200, asked.text
    live = (await staff.get(f"/helpdesk/cases/{own['id']}")).text
    person = browser(system)
    await person.login(email)
    page = await person.get(f"/help/cases/{own['id']}")
    closes = re.search(r"<dt>Closes on its own</dt><dd>([^<]+)</dd>", live)
    assert closes, "the agent's page gives the date"
    assert f"the case closes on its own on {closes[1]}." in page.text

    public_email = unique_email("waiting")
    case_id = await ask(system, email=public_email)
    recipients_staff, _ = await agent(system, "recipients")
    await recipients_staff.post(f"/api/v1/helpdesk/cases/{case_id}/request-info",
                                json={"body": "Which clinic?"})
    mail = await system.smtp.one(to=public_email, subject="information")
    async with system.http(follow_redirects=True) as http:
        public = await Browserish(http).get("/" + mail.link("/help/c/").split("/", 3)[3])
    assert re.search(r"the case closes on its own on [^<]*\d", public.text), public.text[-800:]


def png_bytes(width: int = 30, height: int = 20) -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    image = Image.new("RGB", (width, height), "teal")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # the camera's maker: metadata a re-encoding drops
    image.save(out, "PNG", exif=exif)
    return out.getvalue()


async def test_a_recipient_attaches_files_to_a_question_and_to_a_reply(system):
    """Found by the outside check: the public question form, the personal link's reply and
    the questions API took no files, so a recipient could not send the photo of a card an
    agent needed. Now they take them as the providers' forms do: the same kinds and limits,
    a refused file named while the good ones and the typed text are kept (bound to the
    browser: a reference copied elsewhere names nothing), pictures re-encoded bare; in
    Spanish on a Spanish page; and only the case's own link opens its files."""
    email = unique_email("attach")
    visitor = browser(system)
    await visitor.http.get("/language/es?next=/help/ask")
    form = await visitor.http.get("/help/ask")
    assert 'enctype="multipart/form-data"' in form.text and 'name="attachments"' in form.text
    spanish = catalogue("es").gettext  # the field's words through the Spanish catalogue
    assert spanish("Attachments (optional)") in form.text
    assert spanish("Already attached (kept with this form):") not in form.text
    typed = {"name": "Paz Pública", "email": email, "phone": "", "question": "¿Mi tarjeta?"}
    refused = await visitor.submit("/help/ask", typed, files=[
        ("attachments", ("tarjeta.png", png_bytes(), "image/png")),
        ("attachments", ("virus.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"))])
    assert refused.status_code == 400, refused.text[:300]
    assert "virus.pdf" in refused.text and "¿Mi tarjeta?" in refused.text
    assert "Paz Pública" in refused.text, "what was typed is kept"
    kept = re.findall(r'name="kept\[\]" value="([^"]+)"', refused.text)
    assert len(kept) == 1 and "tarjeta.png" in refused.text, "the good file is kept"
    assert spanish("Already attached (kept with this form):") in refused.text
    assert spanish(REFUSED).format(name="virus.pdf") in refused.text

    thief = browser(system)  # another browser holding the reference: it names nothing
    stolen = await thief.submit("/help/ask", {**typed, "email": unique_email("thief"),
                                              "kept[]": kept[0]})
    assert stolen.status_code == 200, stolen.text[:300]
    thief_case = int(re.search(r"CS0*(\d+)", stolen.text)[1])

    asked = await visitor.submit("/help/ask", {**typed, "kept[]": kept[0]}, files=[
        ("attachments", ("receta.pdf", PDF, "application/pdf"))])
    assert asked.status_code == 200 and "Recibimos su pregunta" in asked.text, asked.text[:300]
    link = (await system.smtp.one(to=email, subject="Recibimos su caso")).link("/help/c/")
    path = "/" + link.split("/", 3)[3]
    case_id = int(path.split("/")[3])
    page = await visitor.http.get(path)
    files = dict(re.findall(rf'href="({re.escape(path)}/files/\d+)">([^<]+)<', page.text))
    assert sorted(files.values()) == ["receta.pdf", "tarjeta.png"], page.text[-1500:]
    by_name = {name: href for href, name in files.items()}
    picture = await visitor.http.get(by_name["tarjeta.png"])
    assert picture.headers["content-type"] == "image/png"
    assert picture.content.startswith(b"\x89PNG") and b"SecretCam" not in picture.content
    assert (await visitor.http.get(by_name["receta.pdf"])).content == PDF
    async with system.sessions() as session:
        stored = (await session.exec(select(CaseAttachment).where(
            CaseAttachment.case_id.in_([case_id, thief_case])))).all()
    assert {(a.case_id, a.filename) for a in stored} == {
        (case_id, "tarjeta.png"), (case_id, "receta.pdf")}, "the stolen reference named none"

    # Only this case's link opens its files: not another case's link, not a forged key, not
    # /files without an account.
    other_email = unique_email("other")
    await visitor.submit("/help/ask", {**typed, "email": other_email})
    other = (await system.smtp.one(to=other_email, subject="Recibimos su caso")).link("/help/c/")
    other_path = "/" + other.split("/", 3)[3]
    file_id = by_name["receta.pdf"].rsplit("/", 1)[1]
    assert (await visitor.http.get(f"{other_path}/files/{file_id}")).status_code == 404
    assert (await visitor.http.get(f"/help/c/{case_id}/{'0' * 40}/files/{file_id}")
            ).status_code == 404
    assert (await browser(system).http.get(f"/files/{file_id}")).status_code in (401, 303, 200)
    assert PDF not in (await browser(system).http.get(f"/files/{file_id}")).content

    # The reply from the personal link takes files the same way.
    staff, _ = await agent(system, "recipients")
    agent_view = (await staff.get(f"/api/v1/helpdesk/cases/{case_id}")).json()
    assert sorted(a["filename"] for a in agent_view["attachments"]) == [
        "receta.pdf", "tarjeta.png"], "the agent sees the question's files"
    empty = await visitor.submit(path, {"body": ""}, action=f"{path}/reply", files=[
        ("attachments", ("foto.png", png_bytes(), "image/png"))])
    assert empty.status_code == 400 and "Este campo es obligatorio." in empty.text
    reply_kept = re.findall(r'name="kept\[\]" value="([^"]+)"', empty.text)
    assert len(reply_kept) == 1 and "foto.png" in empty.text
    too_many = await visitor.submit(path, {"body": "Seis archivos."}, action=f"{path}/reply",
                                    files=[("attachments", (f"f{n}.pdf", PDF, "application/pdf"))
                                           for n in range(6)])
    assert too_many.status_code == 400 and 'id="attachments-error"' in too_many.text
    sent = await visitor.submit(path, {"body": "Aquí está la foto.", "kept[]": reply_kept[0]},
                                action=f"{path}/reply")
    assert "Su respuesta se envió a la mesa de ayuda." in sent.text
    assert re.search(rf'href="{re.escape(path)}/files/\d+">foto.png<', sent.text)
    agent_view = (await staff.get(f"/api/v1/helpdesk/cases/{case_id}")).json()
    replied = [a for a in agent_view["attachments"] if a["message_id"]]
    assert [a["filename"] for a in replied] == ["foto.png"]


async def test_the_questions_api_takes_files_as_multipart_and_json_still_works(system):
    """POST /api/v1/helpdesk/questions: JSON as before (no files), or multipart with files
    checked as the case API checks them (a bad one refuses the question, naming it, and asks
    nothing), an unknown field named; files counted per client address."""
    email = unique_email("apifiles")
    async with system.http() as http:
        as_json = await http.post("/api/v1/helpdesk/questions", json={
            "name": "Jay Json", "email": unique_email("json"), "question": "Plain?"})
        assert as_json.status_code == 201, as_json.text
        bad = await http.post("/api/v1/helpdesk/questions", data={
            "name": "Mo Multipart", "email": email, "question": "With files?"},
            files=[("attachments", ("card.jpg", PDF, "image/jpeg")),
                   ("attachments", ("run.pdf", b"MZ\x90", "application/pdf"))])
        assert bad.status_code == 422, bad.text
        assert "run.pdf" in bad.json()["errors"]["attachments"]
        unknown = await http.post("/api/v1/helpdesk/questions", data={
            "name": "Mo", "email": email, "question": "Q", "attachment": "x"},
            files=[("attachments", ("card.pdf", PDF, "application/pdf"))])
        assert unknown.status_code == 422 and "attachment" in unknown.json()["errors"]
        as_text = await http.post("/api/v1/helpdesk/questions", data={
            "name": "Mo", "email": email, "question": "Q"},
            files=[("attachments", (None, "not a file"))])
        assert as_text.status_code == 422 and "attachments" in as_text.json()["errors"]
        good = await http.post("/api/v1/helpdesk/questions", data={
            "name": "Mo Multipart", "email": email, "question": "With files?",
            "language": "es"}, files=[("attachments", ("card.jpg", PDF, "image/jpeg")),
                                      ("attachments", ("shot.png", png_bytes(), "image/png"))])
        assert good.status_code == 201, good.text
        missing = await http.post("/api/v1/helpdesk/questions", data={"name": "Mo"},
                                  files=[("attachments", ("a.pdf", PDF, "application/pdf"))])
        assert missing.status_code == 422 and "question" in missing.json()["errors"]
    case_id = good.json()["id"]
    async with system.sessions() as session:
        names = sorted((await session.exec(select(CaseAttachment.filename).where(
            CaseAttachment.case_id == case_id))).all())
        asked = (await session.exec(select(Case).where(Case.requester_email == email))).all()
    assert names == ["card.pdf", "shot.png"], "a PDF sent as .jpg is named as a PDF"
    assert len(asked) == 1, "the refused question asked nothing"
    link = (await system.smtp.one(to=email, subject="Recibimos su caso")).link("/help/c/")
    page = await browser(system).http.get("/" + link.split("/", 3)[3])
    assert "card.pdf" in page.text and "shot.png" in page.text


async def test_files_from_visitors_without_an_account_are_bounded_per_client(system):
    """Anyone may attach without an account: one client address stores a bounded number of
    files an hour (25), past which the files are refused (429) and nothing is stored."""
    settings = system.settings.model_copy(update={"public_questions_per_client_hour": 100})
    app = create_app(settings, engine=system.engine, gateway=system.gateway(settings))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.77", 4000))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            answers = [await http.post("/api/v1/helpdesk/questions", data={
                "name": "Fay Filer", "email": unique_email("filer"), "question": "Files?"},
                files=[("attachments", (f"f{n}.pdf", PDF, "application/pdf"))
                       for n in range(5)]) for _ in range(6)]
    assert [a.status_code for a in answers] == [201] * 5 + [429], answers[-1].text
    assert "files" in answers[-1].json()["errors"]["attachments"]


async def test_a_question_sent_twice_at_the_same_instant_is_one_case(system):
    """A double click sends the form twice at once, both before either is stored: the form's
    key is unique among questions asked without an account, so the second send meets it and
    lands on the question the first asked (one case, one email), not on a second case. The
    sends that met it count nothing against the address's 3 questions an hour: a quadruple
    click (the browser shows the last send's answer) is the question asked, not "too many
    questions", and the address may still ask two more."""
    email = unique_email("twice")
    visitor = browser(system)
    page = await visitor.get("/help/ask")
    form = {"csrf_token": CSRF.search(page.text)[1],
            "request_key": re.search(r'data-request-key="([0-9a-f]+)"', page.text)[1],
            "name": "Dee Double", "email": email, "phone": "",
            "question": "Did my question go through twice?"}
    sends = await asyncio.gather(*(visitor.http.post("/help/ask", data=form) for _ in range(4)))
    assert [s.status_code for s in sends] == [200] * 4, [s.status_code for s in sends]
    assert len({str(s.url) for s in sends}) == 1 and "/help/c/" in str(sends[0].url)
    await system.smtp.wait_for(to=email, count=1)
    async with system.sessions() as session:
        asked = (await session.exec(select(Case).where(Case.requester_email == email))).all()
    assert len(asked) == 1
    await asyncio.sleep(1)
    assert len(system.smtp.find(to=email)) == 1
    body = {"name": "Dee Double", "email": email, "question": "And another thing?"}
    async with system.http() as http:
        more = [(await http.post("/api/v1/helpdesk/questions", json=body)).status_code
                for _ in range(3)]
    assert more == [201, 201, 429], "the quadruple click counted once against the 3 an hour"


async def test_five_questions_at_once_to_one_address_are_three_asked(system):
    """Five different questions sent to one address at the same instant: the allowance counts
    each exactly once, so three are asked and two refused (counts read at once and written
    over each other would let more through)."""
    email = unique_email("burst")
    async with system.http() as http:
        answers = await asyncio.gather(*(http.post("/api/v1/helpdesk/questions", json={
            "name": "Bo Burst", "email": email, "question": f"Question number {n}?"})
            for n in range(5)))
    assert sorted(a.status_code for a in answers) == [201] * 3 + [429] * 2, \
        [a.text for a in answers]
    async with system.sessions() as session:
        asked = (await session.exec(select(Case).where(Case.requester_email == email))).all()
    assert len(asked) == 3


async def test_a_question_from_an_address_written_in_its_own_letters_is_answered(system):
    """Found by the outside check: the form took josé@… (and a domain such as clínica…) and
    opened the case, but the email could never be sent (the SMTP envelope was ASCII only), so
    the case's process retried it for ever, and its later emails and timers waited behind it.
    Such an address is now sent to: its domain as the DNS spells it (xn--…), its own letters
    through SMTPUTF8; and the case's later emails follow."""
    uuid = unique_email("x").split("-")[1].split("@")[0]
    local = f"josé.núñez-{uuid}@example.org"
    idn = f"ana-{uuid}@clínica.example.org"
    own = await ask(system, email=local)
    by_domain = await ask(system, email=idn)
    received = await system.smtp.one(to=local, subject="We received your case")
    assert local in received.message["To"]
    assert "/help/c/" in received.link("/help/c/")
    await system.smtp.one(to=f"ana-{uuid}@xn--clnica-4va.example.org",
                          subject="We received your case")
    _agent, replied = await agent_replies(system, own, "Yes, we answer you.")
    assert "Your reply was sent." in replied.text
    updated = await system.smtp.one(to=local, subject="updated")
    assert "Yes, we answer you." in updated.text
    assert by_domain


async def test_a_damaged_picture_is_named_in_the_askers_language_and_the_good_file_kept(system):
    """Found by the outside check: a picture that does not open (a PNG cut short) attached to a
    question was refused with "Upload a JPEG or PNG photo taken of the storage unit", in
    English on the Spanish form, without its name, and the good file beside it was lost. It is
    now named as the other refused files are, in the asker's language, and the good one kept;
    on a provider's case form too."""
    visitor = browser(system)
    await visitor.http.get("/language/es?next=/help/ask")
    typed = {"name": "Paz Pública", "email": unique_email("cut"), "phone": "",
             "question": "¿Mi tarjeta?"}
    refused = await visitor.submit("/help/ask", typed, files=[
        ("attachments", ("nota.txt", b"hola", "text/plain")),
        ("attachments", ("foto.png", png_bytes()[:40], "image/png"))])
    assert refused.status_code == 400, refused.text[:300]
    assert "storage unit" not in refused.text
    spanish = catalogue("es").gettext
    assert spanish(NOT_A_PICTURE) != NOT_A_PICTURE, "said in Spanish"
    assert spanish(NOT_A_PICTURE).format(name="foto.png") in refused.text
    assert len(re.findall(r'name="kept\[\]" value="([^"]+)"', refused.text)) == 1
    assert "nota.txt" in refused.text, "the good file is kept"

    requester, _email = await register_requester(system)
    await requester.aclose()
    person = browser(system)
    await person.login(_email)
    case = await person.submit("/help/cases/new", {
        "category": "other", "subject": "A screenshot", "description": "See the picture.",
        "suggested": "1", "action": "submit"},
        files=[("attachments", ("screen.png", png_bytes()[:40], "image/png"))])
    assert case.status_code == 400 and "storage unit" not in case.text
    assert NOT_A_PICTURE.format(name="screen.png") in case.text
