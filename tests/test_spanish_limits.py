"""A limit's message with its number ("Use at most 10000 characters.") in Spanish on the public
pages: translated by its template, the number kept (found by the outside check: the question
form sent past its limit in Spanish said "Su pregunta: Use at most 10000 characters.")."""

from tests.support.web import browser


async def test_a_too_long_question_is_refused_in_spanish_with_its_limit(system):
    visitor = browser(system)
    visitor.http.cookies.set("cvms_lang", "es")
    asked = await visitor.submit("/help/ask", {
        "name": "Lucía Pérez", "phone": "919-555-0100", "question": "y" * 10001})
    assert asked.status_code in (400, 422), asked.status_code
    assert "Use como máximo 10000 caracteres." in asked.text
    assert "Use at most" not in asked.text

