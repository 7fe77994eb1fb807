package io.switchboard.ingest;

/**
 * The webhook cannot be handled now: PostgreSQL did not name the tenant of a number this pod never saw, or the journal
 * could not store the event. Answered 503 with this message; never 2xx for an event that is not stored. (Within the
 * journal's forwarder it also means Kafka did not store an event, which is then tried again.)
 */
public class UnavailableException extends RuntimeException {
    public UnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
