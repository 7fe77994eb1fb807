package io.switchboard.state.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "switchboard")
public interface CallStateConfig {

    /** Where Twilio reaches call-ingest (env PUBLIC_BASE_URL): callback URLs in the TwiML we hand Twilio. */
    String publicBaseUrl();

    Twilio twilio();

    Claim claim();

    Queue queue();

    Parking parking();

    Transfer transfer();

    Dial dial();

    Availability availability();

    Presence presence();

    Outbox outbox();

    Reconcile reconcile();

    Wallboard wallboard();

    /**
     * How long the ids of applied records are kept to recognize redeliveries: at least the Kafka topics'
     * retention (7 days by default).
     */
    @WithDefault("7d")
    Duration dedupeRetention();

    interface Twilio {
        /** env TWILIO_ACCOUNT_SID */
        String accountSid();

        /** env TWILIO_AUTH_TOKEN; never logged. */
        String authToken();

        /** env TWILIO_API_BASE_URL: Twilio's REST API, or a simulator of it. */
        @WithDefault("https://api.twilio.com")
        String apiBaseUrl();

        /** How long one REST request may take to connect and to be answered before it counts as failed. */
        @WithDefault("5s")
        Duration requestTimeout();

        /**
         * How long a stored Twilio action stays with the process that stored it (or took it over). Longer than one
         * action's retries take; after it, another replica takes the action over: its process is taken for dead.
         */
        @WithDefault("20s")
        Duration actionLease();
    }

    interface Claim {
        /** How long the agent's phone rings after a claim ({@code <Dial timeout>}). */
        @WithDefault("20s")
        Duration ringTimeout();

        /**
         * Extra time before the stored deadline gives the claim back, should Twilio's own no-answer report
         * not arrive: the deadline is a safety net behind Twilio's timeout, not a race with it.
         */
        @WithDefault("5s")
        Duration deadlineGrace();
    }

    interface Queue {
        /**
         * How long a caller waits for an agent before voicemail (or the overflow number), for a tenant that set no
         * limit of its own ({@code call_handling.max_wait_seconds}). Counted from when the caller began to wait: a
         * claim given back keeps the count, a park's or a transfer's ring-back starts a new one.
         */
        @WithDefault("180s")
        Duration maxWait();
    }

    interface Dial {
        /**
         * How long the number an agent dials rings before the call ends unanswered (the Twilio participant's
         * {@code Timeout}); the agent's own phone rings for {@code switchboard.claim.ring-timeout} first.
         */
        @WithDefault("30s")
        Duration ringTimeout();
    }

    interface Parking {
        /** How long a call waits in its slot before it rings back (the parker first). */
        @WithDefault("120s")
        Duration timeout();

        /** How long a ring-back rings the parker alone before every available agent is offered the call. */
        @WithDefault("15s")
        Duration parkerRingTime();
    }

    interface Transfer {
        /** How long a transfer rings its target alone, then (unanswered) the agent who transferred it alone. */
        @WithDefault("20s")
        Duration ringTime();
    }

    interface Availability {
        /** How long an agent is in wrap-up after a call they talked on (or parked); 0 for none. */
        @WithDefault("30s")
        Duration wrapUp();
    }

    interface Presence {
        /** How long an agent stays online after their last connection closed: a reload is not a departure. */
        @WithDefault("10s")
        Duration offlineGrace();

        /**
         * How long a gateway's connections count without its heartbeat: a gateway that died takes its agents
         * offline after this (and the grace), unless they reconnect elsewhere.
         */
        @WithDefault("30s")
        Duration ttl();
    }

    interface Outbox {
        /** How often the outbox is checked for changes another replica, or a crash, left behind. */
        @WithDefault("200ms")
        Duration pollInterval();

        @WithDefault("100")
        int batchSize();
    }

    interface Reconcile {
        /**
         * How long a live call (ringing, claimed, connected, parked) may go without a change before call-state asks
         * Twilio for its own record of it ({@code Calls/{Sid}.json}); one Twilio says is over, or does not know, ends
         * on every screen. The bound on how long a lost final callback can leave a call on screens and its agent busy.
         */
        @WithDefault("2m")
        Duration after();
    }

    interface Wallboard {
        /**
         * How often the figures of the tenants whose picture changed since are computed anew: changes within it are
         * coalesced into one wallboard change.
         */
        @WithDefault("1s")
        Duration interval();

        /**
         * How often the figures of every tenant with an agent online are computed anew even without a change, so a
         * new day in the tenant's zone starts the day's figures afresh.
         */
        @WithDefault("60s")
        Duration refresh();
    }
}
