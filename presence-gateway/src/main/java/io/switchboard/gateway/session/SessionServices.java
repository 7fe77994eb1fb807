package io.switchboard.gateway.session;

import io.switchboard.gateway.config.GatewayConfig;
import io.switchboard.gateway.metrics.GatewayMetrics;
import io.switchboard.gateway.repository.SnapshotRepository;
import io.vertx.core.Vertx;

/** What every session shares: where snapshots come from, meters, timers and settings. */
record SessionServices(SnapshotRepository snapshots, GatewayMetrics metrics, Vertx vertx, GatewayConfig config) {
}
