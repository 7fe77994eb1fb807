#!/usr/bin/env bash
# Makes sure kubectl is there for the deploy-check tests (they run `kubectl kustomize` on every overlay) and prints
# its path on the last line. An existing kubectl is used as it is (any version from 1.20 on renders deploy/, which
# keeps to kustomize v2.0.3 features). Otherwise Debian's kubernetes-client is installed: its kubectl 1.20 carries
# kustomize v2.0.3.
set -euo pipefail
if [ -n "${KUBECTL:-}" ]; then echo "$KUBECTL"; exit 0; fi
"$(dirname "$0")/../scripts/ensure-debian-package.sh" kubectl kubernetes-client
command -v kubectl
