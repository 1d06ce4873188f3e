"""The file with an Errors column is downloaded under the uploaded file's name, whatever its
letters: a name with a curly apostrophe or in another script is the name people give files."""

from urllib.parse import quote

from tests.support.recipients import csv_file, location_manager, manager_api, rows, tag, upload
from tests.support.web import browser


async def test_an_errors_file_downloads_whatever_letters_its_name_has(system):
    """Found by the outside check: the errors file of 'O’Brien staff.csv' (or 'Danh sách nhân
    viên.csv') answered "Something went wrong" (500): its name, outside Latin-1, could not be
    written into the download's header. The uploaded path is not kept either."""
    manager = await location_manager(system)
    http = await manager_api(system, manager)
    person = browser(system)
    await person.login(manager.email)
    for name, plain in (("O’Brien staff.csv", "O'Brien staff-errors.csv"),
                        ("Danh sách nhân viên.csv", "Danh sach nhan vien-errors.csv"),
                        ("../../etc/passwd.csv", "passwd-errors.csv")):
        answer = await upload(http, manager, csv_file(rows(2, tag(), {0: {3: "555"}})),
                              name=name)
        assert answer.json()["status"] == "refused", answer.text
        upload_id = answer.json()["id"]
        for got in (await http.get(f"/api/v1/recipient-uploads/{upload_id}/errors"),
                    await person.get(f"/recipients/uploads/{upload_id}/errors")):
            assert got.status_code == 200, (name, got.status_code)
            header = got.headers["content-disposition"]
            written = name.rsplit("/", 1)[-1].replace(".csv", "-errors.csv")
            assert header == (f"attachment; filename=\"{plain}\"; "
                              f"filename*=UTF-8''{quote(written, safe='')}"), header
            assert got.content.decode("utf-8-sig").splitlines()[0].endswith("Errors")
