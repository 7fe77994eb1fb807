#!/usr/bin/env bash
# Makes sure kubectl is there for the deploy-check tests (they run `kubectl kustomize` on every overlay) and prints
# its path on the last line. An existing kubectl is used as it is (any version from 1.20 on renders deploy/, which
# keeps to kustomize v2.0.3 features). Otherwise Debian's kubernetes-client is installed: it is what the development
# and CI machines reach (Debian's packages), and its kubectl 1.20 carries kustomize v2.0.3. No binary is downloaded
# from anywhere else. Installing needs root or password-less sudo.
set -euo pipefail
if [ -n "${KUBECTL:-}" ]; then echo "$KUBECTL"; exit 0; fi
if command -v kubectl >/dev/null 2>&1; then command -v kubectl; exit 0; fi
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"
else echo "kubectl is missing and this user cannot install it: run 'apt-get install -y kubernetes-client' as root" >&2; exit 1; fi
echo "Installing Debian's kubernetes-client for kubectl (once per machine)…" >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kubernetes-client >&2
command -v kubectl
