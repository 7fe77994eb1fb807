#!/usr/bin/env bash
# Installs Debian's chromium for the browser test when it is missing. Playwright's own browser download is never
# used (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1): the development and CI machines reach Debian's packages, not a browser
# CDN. Prints the browser's path on its last line.
set -euo pipefail
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  "$(dirname "$0")/../scripts/ensure-debian-package.sh" chromium chromium
fi
echo "$CHROMIUM"
