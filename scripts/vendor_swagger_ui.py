"""Refresh the vendored Swagger UI (the API docs page, /api/docs) in api/static/swagger-ui/.

Run `python scripts/vendor_swagger_ui.py` (needs Node's npm) after changing VERSION. The files
are committed, so serving the docs never needs Node nor a CDN: FastAPI's own docs page loads
Swagger UI from cdn.jsdelivr.net (a floating version, no integrity check) with an inline
script, which needed `'unsafe-inline'` and that CDN in the portal's Content-Security-Policy on
the portal's own origin. Copied: the bundle, its stylesheet and their licence texts.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

VERSION = "5.36.0"
ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "api" / "static" / "swagger-ui"
FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "LICENSE", "NOTICE",
         "swagger-ui-bundle.js.LICENSE.txt")


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent",
                        f"swagger-ui-dist@{VERSION}"], cwd=folder, check=True)
        package = Path(folder) / "node_modules" / "swagger-ui-dist"
        shutil.rmtree(TARGET, ignore_errors=True)
        TARGET.mkdir(parents=True)
        for name in FILES:
            shutil.copyfile(package / name, TARGET / name)
    print(f"Swagger UI {VERSION} copied to {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
