#!/usr/bin/env bash
# Install Debian's nginx (nginx-light) for the reverse-proxy test
# (tests/e2e/test_security.py, configuration deploy/nginx-proa.conf).
# Idempotent: does nothing when nginx is already present. The packaged service is not
# started (the test runs its own nginx on loopback). Needs root (or sudo) and access to
# Debian's package repositories.
set -euo pipefail

if command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]]; then
    echo "install_nginx: nginx already installed"
    exit 0
fi

SUDO=""
if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "install_nginx: need root (or sudo) to run apt-get" >&2
        exit 1
    fi
fi

# Keep the packaged service stopped (policy-rc.d), as scripts/start_services.sh does.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null && $SUDO chmod +x "$policy" && created_policy=1
fi
export DEBIAN_FRONTEND=noninteractive
status=0
$SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends nginx-light >/dev/null || status=$?
if [[ $created_policy -eq 1 ]]; then $SUDO rm -f "$policy"; fi
if [[ $status -ne 0 ]]; then
    echo "install_nginx: apt-get install nginx-light failed" >&2
    exit $status
fi
/usr/sbin/nginx -v
