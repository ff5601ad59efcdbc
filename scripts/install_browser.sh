#!/usr/bin/env bash
# Install Debian's Chromium and ChromeDriver for the web widget tests.
# Idempotent: does nothing when both are already present.
# Needs root (or sudo) and access to Debian's package repositories.
set -euo pipefail

CHROMIUM="${PROA_CHROMIUM:-/usr/bin/chromium}"
CHROMEDRIVER="${PROA_CHROMEDRIVER:-/usr/bin/chromedriver}"

if [[ -x "$CHROMIUM" && -x "$CHROMEDRIVER" ]]; then
    echo "install_browser: chromium and chromedriver already installed"
    "$CHROMIUM" --version 2>/dev/null || true
    exit 0
fi

SUDO=""
if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "install_browser: need root (or sudo) to run apt-get" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null
"$CHROMIUM" --version
"$CHROMEDRIVER" --version
