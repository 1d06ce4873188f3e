"""Two agents changing one knowledge-base article through the API: PUT had no version check,
so the later of two edits made from the same reading silently replaced the earlier one. An
article now carries its version (the `version` field, and the ETag of its POST and PUT
answers); a PUT names the version it was made from in If-Match, and one made from an older
version is refused with a 409 that says what happened, the article untouched."""

from models.enums import Role
from tests.support.accounts import make_user
from tests.support.web import api_client


def body(article: dict, **changes) -> dict:
    return {"title": article["title"], "body": article["body"],
            "category": article["category"], "published": article["published"], **changes}


async def test_an_edit_made_from_an_older_version_is_refused_not_saved_over(system):
    first = await api_client(system, (await make_user(
        system, Role.HELPDESK_AGENT, team="general")).email)
    second = await api_client(system, (await make_user(
        system, Role.HELPDESK_AGENT, team="general")).email)
    made = await first.post("/api/v1/helpdesk/articles", json={
        "title": "Reporting wastage", "body": "Report it within a week.", "published": True})
    assert made.status_code == 201, made.text
    article = made.json()
    assert article["version"] and made.headers["ETag"] == f'"{article["version"]}"'
    url = f"/api/v1/helpdesk/articles/{article['id']}"

    # both read it; the second agent saves first, naming the version read
    corrected = await second.put(url, json=body(article, body="Report it the same day."),
                                 headers={"If-Match": made.headers["ETag"]})
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["version"] != article["version"]
    assert corrected.headers["ETag"] == f'"{corrected.json()["version"]}"'

    # the first agent's edit, from the older reading: refused, the correction kept
    late = await first.put(url, json=body(article, body="Report it within ten days."),
                           headers={"If-Match": f'"{article["version"]}"'})
    assert late.status_code == 409, late.text
    said = late.text
    assert "changed since" in said and "not saved" in said and corrected.json()["version"] in said
    listed = (await first.get("/api/v1/helpdesk/articles", params={"q": "wastage"})).json()
    assert [a["body"] for a in listed if a["id"] == article["id"]] == ["Report it the same day."]

    # without If-Match, nothing says which version it was made from: refused (428), not saved
    blind = await first.put(url, json=body(article, body="Whatever."))
    assert blind.status_code == 428, blind.text
    assert "If-Match" in blind.text
    # the same edit sent again after its answer was lost (the article reads as it would
    # save): answered as saved, not refused
    again = await second.put(url, json=body(article, body="Report it the same day."),
                             headers={"If-Match": made.headers["ETag"]})
    assert again.status_code == 200 and again.json()["version"] == corrected.json()["version"]
    # made again from the version now: saved
    redone = await first.put(url, json=body(article, body="Report it the same day, with the lot."),
                             headers={"If-Match": corrected.headers["ETag"]})
    assert redone.status_code == 200 and redone.json()["body"].endswith("with the lot.")
    # If-Match: * (any version: the client chooses to overwrite) is honoured
    forced = await second.put(url, json=body(article, body="Overwritten knowingly."),
                              headers={"If-Match": "*"})
    assert forced.status_code == 200 and forced.json()["body"] == "Overwritten knowingly."
