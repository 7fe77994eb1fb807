package io.switchboard.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/** The gateway's own meters (the open-connections gauge is registered by {@code Sessions}, which it reads). */
@ApplicationScoped
public class GatewayMetrics {
    public static final String CONNECTIONS = "switchboard.gateway.connections";
    public static final String FRAMES_SENT = "switchboard.gateway.frames.sent";
    public static final String RESYNCS = "switchboard.gateway.resyncs";
    public static final String COMMANDS = "switchboard.gateway.commands";

    private final MeterRegistry registry;
    private final Counter framesSent;
    private final Counter resyncs;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.framesSent = Counter.builder(FRAMES_SENT).description("Frames written to agent sockets")
                .register(registry);
        this.resyncs = Counter.builder(RESYNCS)
                .description("Fresh snapshots sent to a live connection (a gap in the changes, or a resume)")
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void frameSent() {
        framesSent.increment();
    }

    public void resync() {
        resyncs.increment();
    }

    /**
     * @param type claim, park, retrieve, hangup, status, or invalid for a frame that could not be read
     * @param outcome ack or the error code the client got
     */
    public void command(String type, String outcome) {
        Counter.builder(COMMANDS).description("Agent commands by type and outcome")
                .tag("type", type).tag("outcome", outcome).register(registry).increment();
    }
}
