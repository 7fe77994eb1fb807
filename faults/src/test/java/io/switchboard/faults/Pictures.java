package io.switchboard.faults;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * A tenant's picture reduced to what a screen must agree on — per agent presence, status and current call; per call
 * state, agent, slot and to whom it is offered; per open voicemail its call, duration and who took it — in one stable
 * string, whether it comes from a screen, a snapshot or
 * PostgreSQL's rows. Times are left out: the database keeps microseconds, the changes' JSON nanoseconds.
 */
final class Pictures {
    private Pictures() {
    }

    static String of(Collection<JsonNode> agents, Collection<JsonNode> calls, Collection<JsonNode> voicemails) {
        Map<String, String> a = new TreeMap<>();
        agents.forEach(agent -> a.put(agent.get("id").asText(), agent(agent.get("presence").asText(),
                agent.get("status").asText(), text(agent.at("/currentCall/callSid")))));
        Map<String, String> c = new TreeMap<>();
        calls.forEach(call -> c.put(call.get("callSid").asText(), call(call.get("state").asText(),
                text(call.get("agentId")), text(call.get("slot")), text(call.get("offeredTo")))));
        Map<String, String> v = new TreeMap<>();
        voicemails.forEach(voicemail -> v.put(voicemail.get("voicemailId").asText(), voicemail(
                voicemail.get("callSid").asText(), voicemail.get("durationSeconds").asLong(),
                text(voicemail.get("takenBy")))));
        return of(a, c, v);
    }

    static String of(Map<String, String> agents, Map<String, String> calls, Map<String, String> voicemails) {
        return "agents " + new TreeMap<>(agents) + "\ncalls " + new TreeMap<>(calls) + "\nvoicemails "
                + new TreeMap<>(voicemails);
    }

    static String voicemail(String callSid, long durationSeconds, String takenBy) {
        return callSid + "/" + durationSeconds + "s/" + takenBy;
    }

    static String agent(String presence, String status, String currentCall) {
        return presence + "/" + status + "/" + currentCall;
    }

    static String call(String state, String agentId, String slot, String offeredTo) {
        return state + "/" + agentId + "/" + slot + "/" + offeredTo;
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : node.asText();
    }
}
