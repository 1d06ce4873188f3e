"""The public question form is anyone's, and its receipt goes to whatever address is typed,
with no account and no agent in between: its subject line carried the question's first words
("We received your case CS-1: Cheap pills at ..."), so anyone could send the state's email,
with a subject of their choosing, to any address. The public receipt's subject now names only
the case (in English and in Spanish); a signed-in requester's still names their subject."""

from tests.support.helpdesk import open_case, register_requester
from tests.support.web import unique_email

TYPED = "Cheap pills at pills.example, visit now for the best prices"


async def test_the_public_receipt_names_only_the_case(system):
    for language, said in (("en", "We received your case"), ("es", "Recibimos su caso")):
        email = unique_email(f"spam-{language}")
        async with system.http() as http:
            asked = await http.post("/api/v1/helpdesk/questions", json={
                "name": "Pat Public", "email": email, "question": TYPED,
                "language": language})
        assert asked.status_code == 201, asked.text
        number = asked.json()["number"]
        receipt = await system.smtp.one(to=email, subject=said)
        assert receipt.subject == f"{said} {number}", receipt.subject
        assert "pills" not in receipt.text and "pills" not in receipt.html, receipt.text

    requester, email = await register_requester(system)
    created = await open_case(requester, "inventory", "Freezer alarm log")
    assert created.status_code == 201, created.text
    receipt = await system.smtp.one(to=email, subject=created.json()["number"])
    assert receipt.subject.endswith(f"{created.json()['number']}: Freezer alarm log"), (
        receipt.subject)
