package io.switchboard.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The gateway's own settings ({@code switchboard.*}); Kafka, Postgres and JWT use their standard keys. */
@ConfigMapping(prefix = "switchboard")
public interface GatewayConfig {

    Gateway gateway();

    Presence presence();

    Resume resume();

    Connection connection();

    SlowClient slowClient();

    Authorization authorization();

    Dev dev();

    Voice voice();

    Twilio twilio();

    Canary canary();

    interface Gateway {
        /**
         * This instance's name in {@code replyTo.gatewayId}: call-state's replies come back on a topic every gateway
         * reads, and each keeps only its own. Unique per running instance (application.properties defaults it to a
         * random id at start).
         */
        String id();

        /**
         * Frames a connection may send per second, after a burst of {@link #commandBurst()}: a person clicking never
         * comes near it; more is answered {@code rate_limited} without reaching Kafka.
         */
        @WithDefault("10")
        double commandRate();

        @WithDefault("20")
        int commandBurst();

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
         * Frames one connection may have waiting to be written (its send queue). When a frame finds it full, the
         * waiting changes are dropped and the client gets a resync snapshot once it has drained (see
         * {@link SlowClient}), instead of an ever-growing backlog held in the gateway's memory. Keep it at least
         * {@code switchboard.resume.buffer-size}: a replay is queued at once.
         */
        @WithDefault("2000")
        int maxQueuedFrames();

        /**
         * Changes one connection holds while its starting point is worked out (a snapshot read, a resume, a slow
         * client draining). Past this the oldest go; the gap they leave is noticed afterwards and answered with a
         * snapshot.
         */
        @WithDefault("10000")
        int maxHeldChanges();
    }

    /** What this gateway reports about its connections on {@code switchboard.presence}; call-state decides presence. */
    interface Presence {
        /**
         * How often the gateway sends each tenant's heartbeat (every connection it holds there). Well below
         * call-state's presence TTL, so a lost report or two does not make agents offline.
         */
        @WithDefault("10s")
        Duration heartbeatInterval();
    }

    /** Replaying missed changes to a client that reconnects or sends {@code resume}. */
    interface Resume {
        /**
         * Changes kept per tenant (the most recent ones, contiguous). A client that missed more gets a resync
         * snapshot. At a few hundred bytes a change, 1000 cost well under a megabyte per tenant.
         */
        @WithDefault("1000")
        int bufferSize();

        /**
         * How long a tenant's buffer is kept after its last connection on this gateway closed, so an agent coming back
         * from a network blip is replayed what they missed. Tenants without connections here keep no buffer.
         */
        @WithDefault("5m")
        Duration retention();
    }

    /** Keeping connections honest: pings, and closes that a dead peer cannot acknowledge. */
    interface Connection {
        /**
         * How often the server pings every connection. application.properties hands this to websockets-next's
         * {@code quarkus.websockets-next.server.auto-ping-interval}, which sends the pings.
         */
        @WithDefault("10s")
        Duration pingInterval();

        /**
         * A connection from which nothing was heard (no pong, no frame) for this long is closed (4408): its agent is
         * reported disconnected and its memory freed. Must be longer than the ping interval.
         */
        @WithDefault("30s")
        Duration pongTimeout();

        /**
         * How long a connection the gateway closed may take to answer the close before its TCP connection is dropped:
         * a peer that reads nothing never receives the close frame, and would otherwise hold its buffers forever.
         */
        @WithDefault("5s")
        Duration closeTimeout();
    }

    /** Clients that do not read their frames fast enough ({@code switchboard.gateway.max-queued-frames}). */
    interface SlowClient {
        /** After an overflow, a client that has not drained its send queue within this is closed (4429). */
        @WithDefault("30s")
        Duration drainTimeout();

        /** Resyncs after overflows a client gets within {@link #overflowWindow()}; the next overflow closes it (4429). */
        @WithDefault("3")
        int maxResyncs();

        @WithDefault("5m")
        Duration overflowWindow();
    }

    /** Agents whose right to be connected ends mid-session. */
    interface Authorization {
        /**
         * How often the gateway checks, one query per tenant, that the agents it holds connections for are still
         * active; deactivated ones are closed (4403). Token expiry needs no check: each connection closes at its
         * token's {@code exp} (4401).
         */
        @WithDefault("30s")
        Duration recheckInterval();
    }

    interface Dev {
        /** {@code GET /dev/token} hands out signed agent tokens: the local stack only, never in production. */
        @WithDefault("false")
        boolean tokensEnabled();

        @WithDefault("12h")
        Duration tokenLifetime();

        /**
         * The Twilio simulator's base URL: with dev tokens enabled, the console's "simulate" panel places and hangs
         * up calls through {@code /dev/simulator} (the simulator itself sends no CORS headers). Unset on real Twilio.
         */
        Optional<String> simulatorUrl();
    }

    /**
     * The console's softphone: access tokens for Twilio's Voice JavaScript SDK ({@code GET /agent/voice-token}). On
     * only when the account and an API key are all set; without them the console shows calls without audio.
     */
    interface Voice {
        /** The Twilio account ({@code TWILIO_ACCOUNT_SID}). */
        Optional<String> accountSid();

        /** An API key of that account ({@code TWILIO_API_KEY_SID}): signs the tokens, never the auth token. */
        Optional<String> apiKeySid();

        /** {@code TWILIO_API_KEY_SECRET}. */
        Optional<String> apiKeySecret();

        /** How long a token lets the browser receive calls; the console fetches a new one before it runs out. */
        @WithDefault("1h")
        Duration tokenLifetime();
    }

    /**
     * Twilio's REST API, for playing voicemails ({@code GET /api/voicemails/{id}/audio}): the gateway fetches each
     * recording with the account's credentials and streams it to the agent, who never sees them. The credentials are
     * the account ({@link Voice#accountSid()}) and its auth token, or without the token the API key of {@link Voice};
     * with neither, playback answers 503.
     */
    interface Twilio {
        /**
         * Where Twilio's REST API is ({@code TWILIO_API_BASE_URL}; the local stack points it at the simulator). The
         * gateway fetches recordings under it and nowhere else: a stored recording URL outside it is refused.
         */
        @WithDefault("https://api.twilio.com")
        String apiBaseUrl();

        /** The account's auth token ({@code TWILIO_AUTH_TOKEN}), with {@link Voice#accountSid()}. */
        Optional<String> authToken();

        /** How long Twilio may take to start answering a recording's fetch before the agent is told 502. */
        @WithDefault("10s")
        Duration recordingTimeout();
    }

    /** The end-to-end canary: a probe through Kafka, call-state, its outbox and back to every gateway. */
    interface Canary {
        /** How often this gateway sends one; {@code 0s} turns it off. */
        @WithDefault("10s")
        Duration interval();

        /**
         * A probe not back within this is counted lost, and the canary reports the hop that looks broken. Must be
         * longer than a healthy round trip under load.
         */
        @WithDefault("15s")
        Duration lostAfter();
    }
}
