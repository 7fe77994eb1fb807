package io.switchboard.ingest.mapping;

/** A signed webhook that lacks what its endpoint needs: answered 400 with this message, nothing published. */
public class MalformedWebhookException extends RuntimeException {
    public MalformedWebhookException(String message) {
        super(message);
    }
}
