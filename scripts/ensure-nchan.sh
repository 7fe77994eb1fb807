#!/usr/bin/env bash
# nginx with the Nchan module, from Debian's packages, for the benchmark's side-by-side fan-out (./benchmark).
# Installs only what is missing; needs root or password-less sudo for that. Prints the module's path.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/ensure-debian-package.sh" nginx nginx
module=/usr/lib/nginx/modules/ngx_nchan_module.so
if [ ! -f "$module" ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"
  else echo "Nchan is missing and this user cannot install it: run 'apt-get install -y libnginx-mod-nchan' as root" >&2; exit 1; fi
  echo "Installing Debian's libnginx-mod-nchan (once per machine)…" >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libnginx-mod-nchan >&2
fi
# Debian's nginx package starts a system nginx on port 80; the benchmark runs its own, so that one is not needed.
echo "$module"
