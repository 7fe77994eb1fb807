package io.switchboard.contract;

/**
 * Kafka topic names. Every record that concerns a tenant is keyed by its tenant id, so one tenant's
 * records are totally ordered within one partition.
 */
public final class Topics {
    /** call-ingest → call-state: normalized Twilio webhooks ({@link TwilioEvent}). */
    public static final String TWILIO_EVENTS = "switchboard.twilio-events";
    /** presence-gateway → call-state: what agents ask for ({@link AgentCommand}). */
    public static final String AGENT_COMMANDS = "switchboard.agent-commands";
    /** call-state → every presence-gateway: the answer to one command ({@link AgentReply}). */
    public static final String AGENT_REPLIES = "switchboard.agent-replies";
    /** call-state (outbox) → every presence-gateway: the tenant's ordered changes ({@link StateChange}). */
    public static final String STATE_CHANGES = "switchboard.state-changes";

    /** every presence-gateway → call-state: agents' WebSocket connections and gateway heartbeats ({@link PresenceReport}). */
    public static final String PRESENCE = "switchboard.presence";

    private Topics() {
    }
}
