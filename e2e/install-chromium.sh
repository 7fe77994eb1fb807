#!/usr/bin/env bash
# Installs Debian's chromium for the browser test when it is missing. Playwright's own browser download is never
# used (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1): the development and CI machines reach Debian's packages, not a browser
# CDN. Needs root or password-less sudo; prints the browser's path on its last line.
set -euo pipefail
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"
  else echo "chromium is missing and this user cannot install it: run 'apt-get install -y chromium' as root" >&2; exit 1; fi
  echo "Installing Debian's chromium (once per machine)…" >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
fi
echo "$CHROMIUM"
