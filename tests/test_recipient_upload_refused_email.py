"""A background upload (101 to 5,000 rows) refused because the uploader chose "Import nothing"
and one row had a problem emailed "0 imported ... 120 skipped because of errors": 119 of those
rows were valid, and the email named neither the one problem nor the choice the upload's page
offers (found by the outside check). Its email now says nothing was imported, how many rows
have problems, and that the valid rows can be imported from the upload's page."""

from tests.support.recipients import (
    csv_file,
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


async def test_a_refused_upload_of_up_to_100_rows_is_emailed_as_a_larger_one_is(system):
    """Found by the outside check: a file of up to 100 rows refused (a row with a problem,
    "Import nothing" chosen) emailed nobody, while a larger one's refusal, and any file's
    import, is emailed. It is emailed alike: nothing imported, how many rows have problems,
    and (when some rows are valid) that they can be imported from the upload's page."""
    manager = await location_manager(system)
    http = await manager_api(system, manager)
    answer = await upload(http, manager, xlsx(rows(30, tag(), bad={3: {2: "13/45/1980"}})))
    assert answer.status_code == 201 and answer.json()["status"] == "refused", answer.text
    mail = await system.smtp.one(to=manager.email, subject="recipient upload")
    assert "nothing imported" in mail.subject, mail.subject
    for text in (" ".join(mail.text.split()), " ".join(mail.html.split())):
        assert "Nothing was imported" in text and "1 of 30 rows has a problem" in text, text
        assert "import the 29 valid rows only" in text, text
    assert f"/recipients/uploads/{answer.json()['id']}" in mail.text
    none_valid = await upload(http, manager, csv_file(rows(2, tag(), bad={0: {3: "5"}, 1: {3: "5"}})),
                              name="none.csv")
    assert none_valid.json()["status"] == "refused", none_valid.text
    mails = await system.smtp.wait_for(to=manager.email, subject="recipient upload", count=2)
    text = " ".join(mails[-1].text.split())
    assert "2 of 2 rows have problems" in text and "valid rows only" not in text, text
