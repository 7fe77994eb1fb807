package io.switchboard.gateway.listener;

/** Reactive Messaging channel names (topics are set in application.properties, from {@code Topics}). */
public final class Channels {
    /** {@code switchboard.state-changes}: every tenant's ordered changes, read in full by every gateway. */
    public static final String STATE_CHANGES = "state-changes";
    /** {@code switchboard.agent-replies}: call-state's answers, read in full; each gateway keeps its own. */
    public static final String AGENT_REPLIES = "agent-replies";
    /** {@code switchboard.agent-commands}: what agents ask call-state for, keyed by tenant. */
    public static final String AGENT_COMMANDS = "agent-commands";
    /** {@code switchboard.presence}: this gateway's connections and heartbeats for call-state, keyed by tenant. */
    public static final String PRESENCE = "presence";

    private Channels() {
    }
}
