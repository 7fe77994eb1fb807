#!/usr/bin/env bash
# Proves the README's development mode on this checkout: `./stack up --infra-only`, its export lines, then for each
# service `./mvnw quarkus:dev -pl <service> -am`; the service must become live, then pick up a class added while it
# runs (live reload). The added class is a liveness check with a name of its own, so the reload shows on
# /q/health/live; it is removed again. Usage: scripts/check-dev-mode.sh [service …] (default: all three)
set -euo pipefail
cd "$(dirname "$0")/.."

services=("$@")
(( ${#services[@]} > 0 )) || services=(presence-gateway call-ingest call-state)
work="$(mktemp -d)"
infra_pid=""
dev_pid=""
probe_dir=""

# Both run in their own process group (setsid): the group takes Maven's forked JVM and the stack's children along.
stop_group() {
  kill -TERM -- "-$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
stop() {
  [[ -n "$dev_pid" ]] && stop_group "$dev_pid"
  [[ -n "$infra_pid" ]] && stop_group "$infra_pid"
  [[ -n "$probe_dir" ]] && rm -rf "$probe_dir"
  rm -rf "$work"
}
trap stop EXIT

fail() {
  echo "development mode check failed: $1" >&2
  for log in "$work"/*.log; do echo "--- last lines of $(basename "$log")" >&2; tail -40 "$log" >&2; done
  exit 1
}

# Waits up to $2 seconds for command $1 to succeed.
await() {
  local deadline=$((SECONDS + $2))
  until eval "$1"; do
    (( SECONDS < deadline )) || return 1
    sleep 2
  done
}

setsid ./stack up --infra-only >"$work/infra.log" 2>&1 &
infra_pid=$!
await "grep -q 'Ctrl-C stops' '$work/infra.log'" 300 || fail "the infrastructure did not start"
grep '^export ' "$work/infra.log" >"$work/settings.sh"
# shellcheck disable=SC1091
source "$work/settings.sh"

for service in "${services[@]}"; do
  case "$service" in
    presence-gateway) port=8080 package=io.switchboard.gateway ;;
    call-ingest) port=8081 package=io.switchboard.ingest ;;
    call-state) port=8082 package=io.switchboard.state ;;
    *) fail "unknown service: $service" ;;
  esac
  setsid ./mvnw -B -ntp quarkus:dev -pl "$service" -am -Ddebug=false -Dquarkus.console.enabled=false \
    >"$work/$service.log" 2>&1 &
  dev_pid=$!
  live() { curl -fsS "http://localhost:$port/q/health/live" 2>/dev/null; }
  await "live >/dev/null || ! kill -0 $dev_pid 2>/dev/null" 600 && live >/dev/null \
    || fail "$service did not become live in development mode"
  echo "$service runs in development mode"

  probe_dir="$service/src/main/java/${package//.//}/devmodecheck"
  mkdir -p "$probe_dir"
  cat >"$probe_dir/DevModeProbe.java" <<EOF
package $package.devmodecheck;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

@Liveness
@ApplicationScoped
public class DevModeProbe implements HealthCheck {
    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.up("live reload probe");
    }
}
EOF
  await "live | grep -q 'live reload probe'" 120 || fail "$service did not reload a class added while it ran"
  echo "$service reloaded a class added while it ran"
  stop_group "$dev_pid"
  dev_pid=""
  rm -rf "$probe_dir"
  probe_dir=""
done
