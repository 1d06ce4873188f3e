"""The list pages' data tables are named by a caption (read out when a screen reader enters the
table, and listed in its tables menu): the help-desk console, the review queue, the state's
lists, a requester's cases and the dev mailbox."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).parents[1] / "api" / "templates"
LISTS = ["helpdesk/console.html", "review/queue.html", "state/locations.html",
         "inventory/state_queue.html", "state/audit.html", "help/cases.html",
         "dev/mailbox.html", "inventory/site.html", "review/location.html"]


@pytest.mark.parametrize("name", LISTS)
def test_each_list_table_has_a_caption(name):
    text = (TEMPLATES / name).read_text()
    tables = re.findall(r"<table\b[^>]*>\s*(<caption\b[^>]*>[^<]+</caption>)?", text)
    assert tables and all(tables), f"{name}: a table without a caption"
