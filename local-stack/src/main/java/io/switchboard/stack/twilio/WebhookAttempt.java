package io.switchboard.stack.twilio;

import java.time.Instant;
import java.util.Map;

/**
 * One delivery attempt of a webhook, as the simulator's call history shows it.
 *
 * @param url              where the request went: the webhook's URL without its fragment
 * @param idempotencyToken the {@code I-Twilio-Idempotency-Token}: the same on every attempt of one webhook
 * @param attempt          1 for the first delivery, 2 for the first retry…
 * @param httpStatus       the application's answer, or 0 when there was none (connection refused, timeout)
 * @param error            why there was no answer, else null
 * @param response         the start of the response body (the TwiML, for fetches)
 */
public record WebhookAttempt(String kind, String callSid, String method, String url, Map<String, String> params,
        String idempotencyToken, int attempt, int httpStatus, String error, String response, Instant at) {

    public boolean succeeded() {
        return httpStatus >= 200 && httpStatus < 300;
    }
}
