package io.switchboard.stack.twilio;

import java.time.Duration;

/**
 * How the simulated Twilio misbehaves the way the real one may: it delivers a webhook a second time, and it lets a
 * status callback arrive after later callbacks of the same call (Twilio documents both; {@code SequenceNumber} is
 * how an application tells). Retries of webhooks that got no 2xx are {@link TwilioSimulator.Config#withRetries}'s.
 * The dice are seeded, so a failing run can be replayed with the same choices (thread timing still varies).
 *
 * @param duplicateRate  the share of acknowledged webhooks (status callbacks, incoming calls, {@code <Dial action>})
 *                       delivered once more, a moment later; the TwiML of a second fetch is not used
 * @param reorderRate    the share of status callbacks held back for a random pause within {@code reorderWindow}
 *                       while the call's later callbacks go ahead
 * @param reorderWindow  the longest such pause
 * @param seed           the dice's seed
 */
public record Faults(double duplicateRate, double reorderRate, Duration reorderWindow, long seed) {
    /** Twilio on a good day, as every test but the fault-injection suite wants it. */
    public static final Faults NONE = new Faults(0, 0, Duration.ZERO, 0);

    public Faults {
        if (duplicateRate < 0 || duplicateRate > 1 || reorderRate < 0 || reorderRate > 1) {
            throw new IllegalArgumentException("Rates are shares between 0 and 1");
        }
    }

    /**
     * What the simulator did to deliver webhooks, for a fault-injection run's report.
     *
     * @param acknowledged webhooks the application answered with a 2xx (duplicates not counted)
     * @param retries      attempts after a first one that got no 2xx (refused connection, timeout, 5xx)
     * @param duplicates   second deliveries of acknowledged webhooks that were acknowledged again
     * @param reorders     webhooks acknowledged after a later callback of the same call was
     * @param givenUp      webhooks that got no 2xx in all their attempts
     */
    public record Figures(long acknowledged, long retries, long duplicates, long reorders, long givenUp) {
    }
}
