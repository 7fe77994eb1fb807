#!/usr/bin/env bash
# Makes sure promtool is there for the deploy-check tests (they run `promtool check rules` and `promtool test rules`
# on the PrometheusRule's groups) and prints its path on the last line. An existing promtool is used as it is;
# otherwise Debian's prometheus package, which carries it, is installed.
set -euo pipefail
if [ -n "${PROMTOOL:-}" ]; then echo "$PROMTOOL"; exit 0; fi
"$(dirname "$0")/../scripts/ensure-debian-package.sh" promtool prometheus
command -v promtool
