package io.switchboard.state.messaging;

/** Reactive-messaging channel names; application.properties maps each to its Kafka topic. */
public final class Channels {
    public static final String TWILIO_EVENTS = "twilio-events";
    public static final String AGENT_COMMANDS = "agent-commands";
    public static final String AGENT_REPLIES = "agent-replies";
    public static final String STATE_CHANGES = "state-changes";
    public static final String PRESENCE = "presence";

    private Channels() {
    }
}
