package io.switchboard.stack.twilio;

import java.time.Duration;

/**
 * How the simulated Twilio departs from a good day: it delivers a webhook a second time, and it lets a status
 * callback arrive after later callbacks of the same call (Twilio documents both; {@code SequenceNumber} is how an
 * application tells). The dice are seeded, so a failing run can be replayed with the same choices (thread timing
 * still varies).
 *
 * <p>Without {@code generousRetries} webhooks are retried as Twilio retries them (see {@link WebhookDelivery}): once,
 * and only when the connection could not be made, unless the URL's fragment says otherwise. {@code generousRetries} is
 * kinder than Twilio ever is, for a suite that wants webhooks to outlive a restarting application.
 *
 * @param duplicateRate   the share of acknowledged webhooks (status callbacks and conference events, incoming calls,
 *                        {@code <Dial action>}, the {@code Url} of a call placed over REST) delivered once more, a
 *                        moment later; the TwiML of a second fetch is not used
 * @param reorderRate     the share of status callbacks (and conference events) held back for a random pause within
 *                        {@code reorderWindow} while the conversation's later callbacks go ahead
 * @param reorderWindow   the longest such pause
 * @param seed            the dice's seed
 * @param generousRetries every webhook without a 2xx tried again this way, whatever its URL's fragment says and
 *                        however long it takes; null: Twilio's rules
 */
public record Faults(double duplicateRate, double reorderRate, Duration reorderWindow, long seed,
        GenerousRetries generousRetries) {
    /** Twilio on a good day, as every test but the fault-injection suite wants it. */
    public static final Faults NONE = new Faults(0, 0, Duration.ZERO, 0);

    public Faults {
        if (duplicateRate < 0 || duplicateRate > 1 || reorderRate < 0 || reorderRate > 1) {
            throw new IllegalArgumentException("Rates are shares between 0 and 1");
        }
    }

    /** Duplicates and reorders only; webhooks retried by Twilio's rules. */
    public Faults(double duplicateRate, double reorderRate, Duration reorderWindow, long seed) {
        this(duplicateRate, reorderRate, reorderWindow, seed, null);
    }

    /**
     * These faults, and every webhook that gets no 2xx (refused, timed out, any 4xx or 5xx) tried {@code count} times
     * more, the first pause {@code firstPause}, each next one twice as long, never longer than
     * {@link WebhookDelivery#LONGEST_PAUSE}.
     */
    public Faults withGenerousRetries(int count, Duration firstPause) {
        return new Faults(duplicateRate, reorderRate, reorderWindow, seed, new GenerousRetries(count, firstPause));
    }

    /**
     * Retries kinder than Twilio's: a URL's connection overrides and Twilio's 15 s for all attempts do not apply,
     * though each attempt still waits for its answer no longer than the URL's read timeout.
     *
     * @param count      how many times a webhook without a 2xx is sent again
     * @param firstPause the pause before the first retry; it doubles after each
     */
    public record GenerousRetries(int count, Duration firstPause) {
        public GenerousRetries {
            if (count < 0 || firstPause.isNegative()) {
                throw new IllegalArgumentException("A retry count and a pause cannot be negative");
            }
        }
    }

    /**
     * What the simulator did to deliver webhooks, for a fault-injection run's report.
     *
     * @param acknowledged webhooks the application answered with a 2xx (duplicates not counted)
     * @param retries      attempts after a first one that got no 2xx
     * @param duplicates   second deliveries of acknowledged webhooks that were acknowledged again
     * @param reorders     webhooks acknowledged after a later callback of the same call was
     * @param givenUp      webhooks that got no 2xx in all their attempts (a voice URL whose call then went to its
     *                     fallback URL counts too)
     * @param fallbacks    requests to a number's voice fallback URL, made when its voice URL gave no TwiML
     * @param lost         status callbacks and conference events never sent, of calls whose callbacks were made to be
     *                     lost
     *                     ({@link TwilioSimulator#loseStatusCallbacks})
     */
    public record Figures(long acknowledged, long retries, long duplicates, long reorders, long givenUp,
            long fallbacks, long lost) {
    }
}
