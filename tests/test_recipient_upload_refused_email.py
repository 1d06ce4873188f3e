"""A background upload (101 to 5,000 rows) refused because the uploader chose "Import nothing"
and one row had a problem emailed "0 imported ... 120 skipped because of errors": 119 of those
rows were valid, and the email named neither the one problem nor the choice the upload's page
offers (found by the outside check). Its email now says nothing was imported, how many rows
have problems, and that the valid rows can be imported from the upload's page."""

from tests.support.recipients import (
    finished,
    location_manager,
    manager_api,
    rows,
    tag,
    upload,
    xlsx,
)


async def test_a_refused_background_upload_emails_its_problems_and_the_valid_rows(system):
    manager = await location_manager(system)
    http = await manager_api(system, manager)
    answer = await upload(http, manager, xlsx(rows(120, tag(), bad={3: {2: "13/45/1980"}})))
    assert answer.status_code == 201, answer.text
    done = await finished(http, answer.json()["id"])
    assert done["status"] == "refused", done
    mail = await system.smtp.one(to=manager.email, subject="recipient upload")
    for text in (" ".join(mail.text.split()), " ".join(mail.html.split())):
        assert "Nothing was imported" in text, text
        assert "1 of 120 rows has a problem" in text, text
        assert "import the 119 valid rows only" in text, text
        assert "skipped because of errors" not in text, text
    assert "nothing imported" in mail.subject, mail.subject
