"""Found by the outside check of the recipient side: the production image (Dockerfile,
python:3.11-slim) installed no Pango, which WeasyPrint loads from the system as it is imported,
and the API imports it (the proof of vaccination, the agreements, the paper forms): `docker
compose up` would start an API that fails at import, so no recipient could download a proof.
Development machines and CI install Pango themselves (README, .ci/run); the image now does too,
with a font to fall back on for letters the PDFs' own fonts lack."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# what WeasyPrint's text/ffi.py opens (pango, pangoft2, and through them fontconfig/harfbuzz)
SYSTEM_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core")


def test_the_image_installs_what_weasyprint_loads_before_dropping_root():
    dockerfile = (ROOT / "Dockerfile").read_text()
    joined = dockerfile.replace("\\\n", " ")
    installs = " ".join(re.findall(r"apt-get install ([^\n&]*)", joined))
    for package in SYSTEM_PACKAGES:
        assert package in installs.split(), (package, installs)
    assert joined.index("apt-get install") < joined.index("USER ")  # root installs
    ci = (ROOT / ".ci" / "run").read_text()
    for package in SYSTEM_PACKAGES[:2]:  # the same libraries CI installs for the tests
        assert package in ci
