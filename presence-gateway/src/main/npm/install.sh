#!/usr/bin/env bash
# The console's JavaScript libraries (package.json, pinned by package-lock.json), installed by the build and copied
# where the gateway serves them: console/vendor/. Installs Debian's npm first when the machine has none.
# Usage: install.sh <work dir> <static resources dir>
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$1"
served="$2/console/vendor"

"$here/../../../../scripts/ensure-debian-package.sh" npm npm

mkdir -p "$work" "$served"
cp "$here/package.json" "$here/package-lock.json" "$here/.npmrc" "$work/"
# Unchanged lock file, nothing to do: keeps offline and repeated builds fast.
if ! cmp -s "$here/package-lock.json" "$work/node_modules/.package-lock.json.installed" 2>/dev/null; then
  (cd "$work" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error)
  cp "$here/package-lock.json" "$work/node_modules/.package-lock.json.installed"
fi
cp "$work/node_modules/@twilio/voice-sdk/dist/twilio.min.js" "$served/twilio.min.js"
cp "$work/node_modules/@twilio/voice-sdk/LICENSE.md" "$served/twilio.LICENSE.md"
