"""Command-line tools a benchmark needs beyond Python: found, installed, or named in one line.

`ensure("wrk")` returns the tool's path. Where it is missing and this is a Debian or Ubuntu
machine run as root, it is installed with apt-get first; elsewhere the benchmark stops with
one line saying how to get it, never a traceback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

# tool -> Debian package
PACKAGES = {"wrk": "wrk", "chromium": "chromium", "espeak-ng": "espeak-ng"}


class ToolMissing(SystemExit):
    """Raised to stop the benchmark with the one-line instruction as its message."""


def _apt_install(package: str) -> bool:
    if not shutil.which("apt-get") or os.geteuid() != 0:
        return False
    print(f"[setup] installing {package} with apt-get", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"],
                    ["apt-get", "install", "-y", "-qq", "--no-install-recommends", package]):
        if subprocess.run(command, env=env, stdout=subprocess.DEVNULL).returncode != 0:
            return False
    return True


def ensure(tool: str, *, install: bool = True) -> str:
    """The tool's path; installs it where possible, else stops with how to get it."""
    found = shutil.which(tool)
    package = PACKAGES.get(tool, tool)
    if found is None and install and _apt_install(package):
        found = shutil.which(tool)
    if found is None:
        raise ToolMissing(f"{tool} is not installed: sudo apt-get install -y {package} "
                          f"(or choose another client, see --help)")
    return found
