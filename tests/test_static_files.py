"""Pages name their styles, scripts and images with their content's digest, and the answers say
how long a browser may keep them: a year for the file as named, a day for what is named without
its digest (the fonts and icons USWDS's stylesheet names), so a page asks again only for what
changed."""

import hashlib
import os
import re
from pathlib import Path

from api.pages import NOTICE_TONES
from api.static_files import STATIC, digest_of, static_url
from scripts.vendor_uswds import BUILT_BY_TEMPLATE, CLASSES, CONTENT, ROOT, classes

NAMED = re.compile(r'(?:src|href)="(/static/[^"]+)"')


async def test_a_page_names_its_files_by_their_content(system):
    async with system.http() as http:
        page = (await http.get("/login")).text
        named = NAMED.findall(page)
        assert len(named) >= 5, named  # the two stylesheets, three scripts, the flag, the icon
        for url in named:
            path, _, query = url.removeprefix("/static/").partition("?v=")
            assert query == hashlib.sha256((STATIC / path).read_bytes()).hexdigest()[:12], url
            answer = await http.get(url)
            assert answer.status_code == 200, url
            assert answer.headers["cache-control"] == "public, max-age=31536000, immutable", url


async def test_files_named_without_their_digest_are_kept_a_day(system):
    async with system.http() as http:
        font = next((STATIC / "uswds" / "fonts").rglob("*.woff2")).relative_to(STATIC)
        plain = await http.get(f"/static/{font}")
        old = await http.get("/static/cvms.css?v=0123456789ab")  # a page of an earlier release
        # After the day, the browser asks again with the file's validator: unchanged, 304
        again = await http.get(f"/static/{font}", headers={"if-none-match": plain.headers["etag"]})
    assert plain.status_code == 200 and old.status_code == 200
    assert plain.headers["cache-control"] == "public, max-age=86400"
    assert old.headers["cache-control"] == "public, max-age=86400"  # not the current file
    assert again.status_code == 304 and again.headers["cache-control"] == "public, max-age=86400"


async def test_styles_and_scripts_travel_gzipped_pages_and_fonts_do_not(system):
    gzip = {"accept-encoding": "gzip"}
    font = next((STATIC / "uswds" / "fonts").rglob("*.woff2")).relative_to(STATIC)
    async with system.http() as http:
        styles = await http.get(static_url("uswds/css/uswds.min.css"), headers=gzip)
        script = await http.get(static_url("uswds/js/uswds.min.js"), headers=gzip)
        plain = await http.get(static_url("uswds/css/uswds.min.css"),
                               headers={"accept-encoding": "identity"})
        fonts = await http.get(f"/static/{font}", headers=gzip)
        page = await http.get("/login", headers=gzip)  # a form: its CSRF token (BREACH)
    for answer, name in ((styles, "uswds/css/uswds.min.css"), (script, "uswds/js/uswds.min.js")):
        assert answer.headers["content-encoding"] == "gzip", answer.headers
        assert answer.content == (STATIC / name).read_bytes()  # as the file, once unzipped
        assert answer.num_bytes_downloaded < len(answer.content) / 3, answer.num_bytes_downloaded
        assert "accept-encoding" in answer.headers["vary"].lower()
    assert "content-encoding" not in plain.headers
    assert plain.content == (STATIC / "uswds/css/uswds.min.css").read_bytes()
    assert "content-encoding" not in fonts.headers and "content-encoding" not in page.headers
    assert 'name="csrf_token"' in page.text


def test_a_changed_file_has_a_new_digest(tmp_path):
    script = tmp_path / "a.js"
    script.write_text("one()")
    first = digest_of(script)
    script.write_text("two()")
    os.utime(script, ns=(1, 2))  # even with a modification time that went back
    assert digest_of(script) != first


def test_every_uswds_class_a_page_names_keeps_its_rules():
    """The vendored USWDS stylesheet holds only the rules of the classes the templates and
    scripts name (scripts/vendor_uswds.py), so a class a template starts using afterwards would
    be styled by nothing: run the script again after such a change. What is named is read the
    way PurgeCSS read it, plus the classes templates build from a variable (the notice's tones,
    a radio's or a checkbox's parts); scripts/uswds-classes.txt lists the classes with rules of
    their own in the whole stylesheet."""
    uswds = STATIC / "uswds"
    whole = set(CLASSES.read_text().split())
    kept = classes((uswds / "css" / "uswds.min.css").read_text())
    assert {f"usa-alert--{tone}" for tone in NOTICE_TONES} <= set(BUILT_BY_TEMPLATE)
    named = set(BUILT_BY_TEMPLATE)
    for pattern in CONTENT:
        for path in Path(ROOT).glob(pattern):
            named |= set(re.findall(r"[A-Za-z0-9_:-]+", path.read_text()))
    assert len(whole) > 5000 and len(kept) > 250  # read as class names, not nothing
    missing = sorted(named & whole - kept)
    assert not missing, f"USWDS classes named with no rules vendored: {missing}"


async def test_what_a_shared_cache_may_keep_carries_no_cookie(system):
    """Found by the outside check: the health cards' public keys (`Cache-Control: public`) set
    an anonymous visitor's CSRF cookie, as the static files and the icon did: a shared cache may
    then refuse to keep the answer, or keep it with someone's cookie. An answer marked public
    sets none; a page still does."""
    async with system.http() as http:  # a new visitor each time: no cookie yet
        for path in ("/.well-known/jwks.json", "/favicon.ico", "/static/cvms.css"):
            answer = await http.get(path)
            http.cookies.clear()
            assert answer.status_code == 200, path
            assert answer.headers["cache-control"].startswith("public"), path
            assert "set-cookie" not in answer.headers, (path, answer.headers["set-cookie"])
        page = await http.get("/login")
    assert "cvms_csrf=" in page.headers["set-cookie"]
