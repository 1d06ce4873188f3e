"""A follow-up names a closed case (found by the outside check of the help desk): a new case
linked to a case still open (the API, or the form's address with ?follow_up= typed) was
opened, and the agent's page said it "Follows up case CS…, closed." of a case still being
worked on, two open cases about one thing. Now refused on its field: the open case takes a
reply (a resolved one reopens with a comment)."""

from tests.support.helpdesk import open_case, register_requester


async def test_a_follow_up_of_a_case_still_open_is_refused_on_its_field(system):
    requester, _email = await register_requester(system)
    earlier = (await open_case(requester, "access", "Cannot sign in")).json()
    follow = await open_case(requester, "access", "Still cannot sign in",
                             related_case_id=earlier["id"])
    assert follow.status_code == 422, follow.text
    assert "closed" in follow.json()["errors"]["related_case_id"]
    await requester.aclose()
