"""The portal's static files (api/static), named so that browsers keep them.

A page names each of its styles, scripts and images by a URL carrying a digest of the file's
content (`static("cvms.css")` -> `/static/cvms.css?v=3f2a...`). Asked for with the digest of
the file as it is, the answer may be kept for a year without asking again: a changed file has a
new URL, which the next page names. Files named without it (the fonts and icons USWDS's
stylesheet names) may be kept a day, then are asked for again (answered 304 if unchanged).
Styles and scripts travel gzipped to a browser that accepts it (USWDS's 118 KB stylesheet and
79 KB script as 15 and 23 KB); fonts and images are compressed already. Pages are not: they
carry the form's CSRF token beside what the person typed (BREACH).
"""

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs

from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Scope

STATIC = Path(__file__).parent / "static"  # served at /static; PDFs read their fonts from it
KEPT = "public, max-age=31536000, immutable"  # asked for with the file's own digest
KEPT_A_DAY = "public, max-age=86400"  # named without a digest (or with an old one)


@lru_cache(maxsize=512)
def _digest(path: str, modified_ns: int, size: int) -> str:
    # Keyed by the file's modification time and size too: an edited file (development)
    # gets a new digest without a restart.
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def digest_of(path: str | os.PathLike) -> str:
    stat = os.stat(path)
    return _digest(str(path), stat.st_mtime_ns, stat.st_size)


def static_url(name: str) -> str:
    """The URL of a file under api/static, with its content's digest."""
    return f"/static/{name}?v={digest_of(STATIC / name)}"


class KeptStaticFiles(StaticFiles):
    """StaticFiles whose answers say how long a browser may keep them (see the module)."""

    def file_response(self, full_path: str | os.PathLike, stat_result: os.stat_result,
                      scope: Scope, status_code: int = 200) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("v", [""])[-1]
        current = asked and asked == _digest(str(full_path), stat_result.st_mtime_ns,
                                             stat_result.st_size)
        response.headers["Cache-Control"] = KEPT if current else KEPT_A_DAY
        return response


def static_app() -> ASGIApp:
    """What /static serves: the files, kept as above, gzipped where that makes them smaller."""
    return GZipMiddleware(KeptStaticFiles(directory=STATIC), minimum_size=1024, compresslevel=6)
