"""Fetch axe-core (the accessibility engine the browser tests inject) from the npm registry.

One pinned version, checked against the registry's sha512 integrity, unpacked to
.var/web/axe.min.js. Run by `make setup`; a second run with the file in place does nothing.
"""

from __future__ import annotations

import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

VERSION = "4.14.1"
TARBALL = f"https://registry.npmjs.org/axe-core/-/axe-core-{VERSION}.tgz"
INTEGRITY = ("sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe"
             "37OgudVGtQ==")
TARGET = Path(__file__).resolve().parent.parent / ".var" / "web" / "axe.min.js"


def main() -> int:
    if TARGET.exists():
        return 0
    try:
        with urllib.request.urlopen(TARBALL, timeout=60) as answer:
            data = answer.read()
    except OSError as error:
        print(f"[setup] axe-core not fetched ({error}): the accessibility checks will skip; "
              f"get it with: python scripts/axe-core.py", file=sys.stderr)
        return 0
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != INTEGRITY:
        print(f"[setup] axe-core {VERSION}: integrity mismatch, not installed", file=sys.stderr)
        return 1
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        member = archive.extractfile("package/axe.min.js")
        assert member is not None
        script = member.read()
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_bytes(script)
    print(f"[setup] axe-core {VERSION} → {TARGET}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
