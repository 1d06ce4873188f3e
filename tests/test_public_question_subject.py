"""A public question's case is headed by its first words (the form asks no subject). Found by
the emails' outside check: the heading was the question's first 80 characters as typed, line
breaks and all, cut in the middle of a word, so the desk's 'reopened by the requester' email
read 'Case CS0000002 (¿Dónde está mi comprobante? No encuentro el enlace.' and ran on to the
next line; the heading is now one line cut between words, as every case subject is."""

from models.fields import NOT_ONE_LINE
from models.helpdesk import Case
from tests.support.web import unique_email


async def test_a_questions_heading_is_one_line_cut_between_words(system):
    question = ("¿Dónde está mi comprobante?\nNo encuentro el enlace.\r\n\tMi hija\u202e también "
                "necesita el suyo, por favor ayúdenme con las dos tarjetas de vacunación")
    email = unique_email("heading")
    async with system.http() as http:
        asked = await http.post("/api/v1/helpdesk/questions", json={
            "name": "Lucía Heading", "question": question, "email": email, "language": "es"})
    assert asked.status_code == 201, asked.text
    async with system.sessions() as session:
        case = await session.get(Case, asked.json()["id"])
    assert case.description == question, "the question itself is kept as asked"
    assert not NOT_ONE_LINE.search(case.subject) and "  " not in case.subject
    assert case.subject.startswith("¿Dónde está mi comprobante? No encuentro el enlace. Mi hija")
    assert case.subject.endswith("…") and len(case.subject) <= 81
    assert " ".join(NOT_ONE_LINE.sub(" ", question).split()).startswith(
        case.subject.removesuffix("…")), \
        "cut between two words, not inside one"
    # the receipt, to whatever address was typed, names only the case (7d98aac); the heading
    # heads the desk's console and its emails
    received = await system.smtp.one(to=email, subject="Recibimos su caso")
    assert received.subject_folded == f"recibimos su caso {case.number.lower()}", \
        received.subject_folded
