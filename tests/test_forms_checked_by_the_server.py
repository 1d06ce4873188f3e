"""Every form that sends what a person typed or chose is checked by the server, whose refusal
names the field next to it and in the page's summary (found by the fifth outside check: the
team lead's "Assign" with no agent chosen got the browser's own English bubble instead, and the
page never said what was wrong)."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "api" / "templates"
FORM = re.compile(r"<form\b[^>]*>", re.S)
# what the browser would check itself: a required field, or a typed input it validates
CHECKED = re.compile(r'required|\bfield\(|\bselect\(|<textarea|\bchoices\(|\bradios\('
                     r'|type="(date|email|number|tel|url)"')


def test_a_form_with_fields_leaves_checking_them_to_the_server():
    offenders = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text()
        for tag in FORM.finditer(text):
            if "novalidate" in tag[0] or 'method="get"' in tag[0]:
                continue
            body = text[tag.end():text.find("</form>", tag.end())]
            if CHECKED.search(body):
                line = text.count("\n", 0, tag.start()) + 1
                offenders.append(f"{path.relative_to(TEMPLATES)}:{line}")
    assert not offenders, f"forms the browser would check in its own words: {offenders}"
