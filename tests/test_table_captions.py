"""Every data table of the portal is named, by a caption or by the heading it is labelled by
(read out when a screen reader enters the table, and listed in its tables menu)."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).parents[1] / "api" / "templates"
# A printed form (a PDF with its h1 above each table), not a page
PRINTED = {"proof/paper_form.html"}
TABLES = sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html")
                if "<table" in p.read_text() and str(p.relative_to(TEMPLATES)) not in PRINTED)


def test_the_list_pages_are_among_those_checked():
    assert {"helpdesk/console.html", "review/queue.html", "state/locations.html",
            "inventory/site.html", "care/find.html", "proof/_doses.html"} <= set(TABLES)


@pytest.mark.parametrize("name", TABLES)
def test_each_table_is_named(name):
    text = (TEMPLATES / name).read_text()
    tables = re.findall(r"<table\b([^>]*)>\s*(<caption\b[^>]*>[^<]+</caption>)?", text)
    assert tables and all(caption or "aria-labelledby" in attrs for attrs, caption in tables), \
        f"{name}: a table without a caption"
