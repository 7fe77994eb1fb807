#!/usr/bin/env bash
# The console's JavaScript libraries (package.json, pinned by package-lock.json), installed by the build and copied
# where the gateway serves them: console/vendor/. Installs Debian's npm first when the machine has none.
# Usage: install.sh <work dir> <static resources dir>
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$1"
served="$2/console/vendor"

if ! command -v npm >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"
  else echo "npm is missing and this user cannot install it: run 'apt-get install -y npm' as root" >&2; exit 1; fi
  echo "Installing Debian's npm (once per machine)…" >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >&2
fi

mkdir -p "$work" "$served"
cp "$here/package.json" "$here/package-lock.json" "$here/.npmrc" "$work/"
# Unchanged lock file, nothing to do: keeps offline and repeated builds fast.
if ! cmp -s "$here/package-lock.json" "$work/node_modules/.package-lock.json.installed" 2>/dev/null; then
  (cd "$work" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error)
  cp "$here/package-lock.json" "$work/node_modules/.package-lock.json.installed"
fi
cp "$work/node_modules/@twilio/voice-sdk/dist/twilio.min.js" "$served/twilio.min.js"
cp "$work/node_modules/@twilio/voice-sdk/LICENSE.md" "$served/twilio.LICENSE.md"
