#!/usr/bin/env bash
# Installs a Debian package when the command it provides is missing: what the build and tests need beyond JDK and
# Maven (npm for the console's libraries, chromium for the browser test) comes from Debian's packages, never from a
# download site. Needs root or password-less sudo. Usage: ensure-debian-package.sh <command> <package>
set -euo pipefail
command="$1"
package="$2"
if command -v "$command" >/dev/null; then exit 0; fi
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"
else echo "$command is missing and this user cannot install it: run 'apt-get install -y $package' as root" >&2; exit 1; fi
echo "Installing Debian's $package (once per machine)…" >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >&2
