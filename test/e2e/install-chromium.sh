#!/usr/bin/env bash
# Installs Debian's chromium for the browser suite (npm run test:e2e) when it is missing.
# playwright-core drives /usr/bin/chromium; `npx playwright install` would download a browser.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium
/usr/bin/chromium --version
