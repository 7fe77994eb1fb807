package io.switchboard.stack;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an agent's screen shows, kept the way the console keeps it: a {@code snapshot} replaces everything, then each
 * {@code agent} or {@code call} change replaces its one entry, and an ENDED call leaves the screen. Checking
 * {@code seq} order is the owner's business (tests differ in what they do about a gap). Not thread-safe: the owner
 * applies and reads under its own lock.
 */
public final class ScreenPicture {
    private final Map<String, JsonNode> agents = new TreeMap<>();
    private final Map<String, JsonNode> calls = new TreeMap<>();

    /** A {@code snapshot} frame: the whole picture as of its {@code seq}. */
    public void snapshot(JsonNode frame) {
        agents.clear();
        calls.clear();
        frame.get("agents").forEach(a -> agents.put(a.get("id").asText(), a));
        frame.get("calls").forEach(c -> calls.put(c.get("callSid").asText(), c));
    }

    /** A change frame, in seq order; a {@code ring_cancel} changes nothing that is shown. */
    public void apply(JsonNode change) {
        switch (change.get("type").asText()) {
            case "agent" -> agents.put(change.at("/agent/id").asText(), change.get("agent"));
            case "call" -> {
                JsonNode call = change.get("call");
                if (call.get("state").asText().equals("ENDED")) {
                    calls.remove(call.get("callSid").asText());
                } else {
                    calls.put(call.get("callSid").asText(), call);
                }
            }
            default -> {
            }
        }
    }

    /** The call as shown, or null when the screen shows no such call. */
    public JsonNode call(String callSid) {
        return calls.get(callSid);
    }

    public JsonNode agent(String agentId) {
        return agents.get(agentId);
    }

    public Collection<JsonNode> calls() {
        return calls.values();
    }

    public Collection<JsonNode> agents() {
        return agents.values();
    }

    /** Agents and calls by id, in a stable order: two screens showing the same thing read the same. */
    @Override
    public String toString() {
        return agents.toString() + calls;
    }
}
