#!/usr/bin/env bash
# System packages the platform uses beyond Python wheels: espeak-ng (the offline voice)
# and Chromium (the dashboard's browser tests). Installed with apt-get when missing and
# possible (root on Debian/Ubuntu); otherwise a note says what to install.
set -euo pipefail

missing=()
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
if [ "${REELFORGE_SKIP_BROWSER:-0}" != "1" ]; then
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    echo "[setup] installing ${missing[*]} with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    echo "[setup] please install: ${missing[*]} (voice synthesis and browser tests skip without them)" >&2
fi
