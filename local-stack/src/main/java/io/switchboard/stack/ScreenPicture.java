package io.switchboard.stack;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an agent's screen shows, kept the way the console keeps it: a {@code snapshot} replaces everything, then each
 * {@code agent}, {@code call} or {@code voicemail} change replaces its one entry; an ENDED call, a done voicemail and
 * a deactivated agent ({@code agent_removed}) leave the screen. Checking
 * {@code seq} order is the owner's business (tests differ in what they do about a gap). Not thread-safe: the owner
 * applies and reads under its own lock.
 */
public final class ScreenPicture {
    private final Map<String, JsonNode> agents = new TreeMap<>();
    private final Map<String, JsonNode> calls = new TreeMap<>();
    private final Map<String, JsonNode> voicemails = new TreeMap<>();

    /** A {@code snapshot} frame: the whole picture as of its {@code seq}. */
    public void snapshot(JsonNode frame) {
        agents.clear();
        calls.clear();
        voicemails.clear();
        frame.get("agents").forEach(a -> agents.put(a.get("id").asText(), a));
        frame.get("calls").forEach(c -> calls.put(c.get("callSid").asText(), c));
        frame.path("voicemails").forEach(v -> voicemails.put(v.get("voicemailId").asText(), v));
    }

    /** A change frame, in seq order; a {@code ring_cancel} changes nothing that is shown. */
    public void apply(JsonNode change) {
        switch (change.get("type").asText()) {
            case "agent" -> agents.put(change.at("/agent/id").asText(), change.get("agent"));
            case "agent_removed" -> agents.remove(change.get("agentId").asText());
            case "call" -> {
                JsonNode call = change.get("call");
                if (call.get("state").asText().equals("ENDED")) {
                    calls.remove(call.get("callSid").asText());
                } else {
                    calls.put(call.get("callSid").asText(), call);
                }
            }
            case "voicemail" -> {
                JsonNode voicemail = change.get("voicemail");
                if (voicemail.get("state").asText().equals("done")) {
                    voicemails.remove(voicemail.get("voicemailId").asText());
                } else {
                    voicemails.put(voicemail.get("voicemailId").asText(), voicemail);
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

    /** The voicemail as shown, or null when the screen shows no such voicemail (none left, or done). */
    public JsonNode voicemail(String voicemailId) {
        return voicemails.get(voicemailId);
    }

    public Collection<JsonNode> voicemails() {
        return voicemails.values();
    }

    /** Agents, calls and voicemails by id, in a stable order: two screens showing the same thing read the same. */
    @Override
    public String toString() {
        return agents.toString() + calls + voicemails;
    }
}
