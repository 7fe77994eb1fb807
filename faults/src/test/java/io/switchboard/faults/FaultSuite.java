package io.switchboard.faults;

import java.nio.file.Path;
import java.time.Duration;

/** The suite's settings, from system properties ({@code -Dfaults.calls=20000} for a soak), and where things are. */
final class FaultSuite {
    /** Calls the callers place. */
    static final int CALLS = Integer.getInteger("faults.calls", 1000);
    /** How fast callers dial, all tenants together. */
    static final double CALLS_PER_SECOND = Double.parseDouble(System.getProperty("faults.rate", "6"));
    /** Seeds every dice of the run: the simulator's faults, the agents, the callers, the fault schedule. */
    static final long SEED = Long.getLong("faults.seed", 6L);
    static final int TENANTS = Integer.getInteger("faults.tenants", 4);
    static final int AGENTS_PER_TENANT = Integer.getInteger("faults.agents", 5);
    /** The mean pause between two faults. */
    static final Duration FAULT_EVERY = Duration.ofSeconds(Long.getLong("faults.every", 8));
    /** Twilio's misbehaviour: shares of webhooks delivered twice and status callbacks held back, and how long. */
    static final double DUPLICATE_RATE = Double.parseDouble(System.getProperty("faults.duplicates", "0.05"));
    static final double REORDER_RATE = Double.parseDouble(System.getProperty("faults.reorders", "0.10"));
    static final Duration REORDER_WINDOW = Duration.ofMillis(Long.getLong("faults.reorder-window-ms", 400));
    /** The share of ended calls whose final status callbacks Twilio gives up on: only reconciliation ends them. */
    static final double LOST_ENDS_RATE = Double.parseDouble(System.getProperty("faults.lost-ends", "0.05"));
    /** How long Kafka and PostgreSQL stay away: longer than Twilio's 15 s for every webhook. */
    static final Duration OUTAGE_MIN = Duration.ofSeconds(Long.getLong("faults.outage-min-s", 20));
    static final Duration OUTAGE_MAX = Duration.ofSeconds(Long.getLong("faults.outage-max-s", 60));
    /**
     * The tenant whose callers wait at most {@link #WAIT_LIMIT} (its {@code call_handling} row), then leave a
     * voicemail; the others keep the service's default limit, which no caller of the suite waits out.
     */
    static final String VOICEMAIL_TENANT = "t1";
    static final Duration WAIT_LIMIT = Duration.ofSeconds(Long.getLong("faults.wait-limit-s", 8));
    /** The share of that tenant's callers the agents let ring: they reach the limit and speak to the voicemail. */
    static final double LEFT_RINGING_RATE = Double.parseDouble(System.getProperty("faults.left-ringing", "0.3"));
    /** The share of those callers who hang up within a second of the beep: Twilio keeps nothing ({@code absent}). */
    static final double SILENT_RATE = Double.parseDouble(System.getProperty("faults.silent", "0.25"));
    /** call-state's switchboard.reconcile.after here: a lost end shows within it. */
    static final Duration RECONCILE_AFTER = Duration.ofSeconds(10);

    private FaultSuite() {
    }

    static Path repoRoot() {
        return Path.of(System.getProperty("switchboard.repo.root", "..")).toAbsolutePath().normalize();
    }

    static Path target() {
        return repoRoot().resolve("faults").resolve("target");
    }
}
