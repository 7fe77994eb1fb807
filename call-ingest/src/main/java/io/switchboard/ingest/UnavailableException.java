package io.switchboard.ingest;

/**
 * Kafka or PostgreSQL did not answer in time, so the webhook cannot be handled now: answered 503 with this message,
 * and Twilio retries. Never 2xx for an event Kafka has not stored.
 */
public class UnavailableException extends RuntimeException {
    public UnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
