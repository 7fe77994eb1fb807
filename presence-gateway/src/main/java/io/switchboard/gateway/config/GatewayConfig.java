package io.switchboard.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The gateway's own settings ({@code switchboard.*}); Kafka, Postgres and JWT use their standard keys. */
@ConfigMapping(prefix = "switchboard")
public interface GatewayConfig {

    Gateway gateway();

    Dev dev();

    interface Gateway {
        /**
         * This instance's name in {@code replyTo.gatewayId}: call-state's replies come back on a topic every gateway
         * reads, and each keeps only its own. Unique per running instance (application.properties defaults it to a
         * random id at start).
         */
        String id();

        /** How long a command waits for call-state's reply before the agent is told {@code timeout}. */
        @WithDefault("10s")
        Duration replyTimeout();

        /**
         * How long a command may wait for Kafka's acknowledgement before the agent is told {@code unavailable}. Longer
         * than the producer's own {@code delivery.timeout.ms}, so Kafka decides first and "unavailable" means the
         * command really was not stored.
         */
        @WithDefault("8s")
        Duration publishTimeout();

        /**
         * Frames one connection may have waiting to be written. A client that falls this far behind is disconnected;
         * on reconnect it gets a fresh snapshot instead of an ever-growing backlog held in the gateway's memory.
         */
        @WithDefault("10000")
        int maxQueuedFrames();

        /**
         * Changes one connection holds while its snapshot is being read. Past this the oldest go; the gap they leave
         * is noticed after the snapshot and answered with another snapshot.
         */
        @WithDefault("10000")
        int maxHeldChanges();
    }

    interface Dev {
        /** {@code GET /dev/token} hands out signed agent tokens: the local stack only, never in production. */
        @WithDefault("false")
        boolean tokensEnabled();

        @WithDefault("12h")
        Duration tokenLifetime();
    }
}
