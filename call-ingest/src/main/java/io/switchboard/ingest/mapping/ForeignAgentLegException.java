package io.switchboard.ingest.mapping;

/**
 * An agent leg's callback whose client identity is not an agent of the webhook's tenant: answered 403 with this
 * message, nothing published. Twilio does not retry a 4xx.
 */
public class ForeignAgentLegException extends RuntimeException {
    public ForeignAgentLegException(String message) {
        super(message);
    }
}
