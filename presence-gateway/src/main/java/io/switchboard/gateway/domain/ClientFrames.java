package io.switchboard.gateway.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.contract.AgentCommand;
import io.switchboard.contract.AgentStatus;
import java.util.regex.Pattern;

/**
 * Reads client frames. Only what the protocol defines is taken from a frame: tenant and agent always come from the
 * verified token. A supervisor's {@code agent_status} and {@code sign_out} name the colleague they are about in
 * {@code agentId}; whether the sender is a supervisor is the token's to say ({@code CommandService}).
 */
public final class ClientFrames {
    private static final String EXPECTED_TYPES = "claim, park, retrieve, hold, unhold, transfer, complete_transfer,"
            + " cancel_transfer, hangup, dial, status, take_voicemail, voicemail_done, agent_status, sign_out, resume"
            + " or probe";
    /** A voicemail's id is Twilio's RecordingSid. */
    private static final Pattern RECORDING_SID = Pattern.compile("RE[0-9a-fA-F]{32}");

    private final ObjectMapper mapper;

    public ClientFrames(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public ClientFrame parse(String text) {
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            return new ClientFrame.Invalid(null, "The frame is not JSON; send one JSON object per frame.");
        }
        if (root == null || !root.isObject()) {
            return new ClientFrame.Invalid(null, "The frame must be a JSON object with a \"type\".");
        }
        String requestId = text(root, "requestId");
        String type = text(root, "type");
        if (type == null) {
            return new ClientFrame.Invalid(requestId, "The frame has no \"type\"; expected " + EXPECTED_TYPES + ".");
        }
        return switch (type) {
            case "claim" -> callCommand(AgentCommand.Type.CLAIM, root, requestId);
            case "park" -> callCommand(AgentCommand.Type.PARK, root, requestId);
            case "hold" -> callCommand(AgentCommand.Type.HOLD, root, requestId);
            case "unhold" -> callCommand(AgentCommand.Type.UNHOLD, root, requestId);
            case "transfer" -> transfer(root, requestId);
            case "complete_transfer" -> callCommand(AgentCommand.Type.COMPLETE_TRANSFER, root, requestId);
            case "cancel_transfer" -> callCommand(AgentCommand.Type.CANCEL_TRANSFER, root, requestId);
            case "retrieve" -> callCommand(AgentCommand.Type.RETRIEVE, root, requestId);
            case "hangup" -> callCommand(AgentCommand.Type.HANGUP, root, requestId);
            case "dial" -> dial(root, requestId);
            case "status" -> statusCommand(root, requestId);
            case "take_voicemail" -> voicemailCommand(AgentCommand.Type.TAKE_VOICEMAIL, type, root, requestId);
            case "voicemail_done" -> voicemailCommand(AgentCommand.Type.VOICEMAIL_DONE, type, root, requestId);
            case "agent_status" -> agentStatus(root, requestId);
            case "sign_out" -> signOut(root, requestId);
            case "resume" -> resume(root, requestId);
            case "probe" -> requestId == null
                    ? new ClientFrame.Invalid(null, "A probe needs a \"requestId\" to match its answer.")
                    : new ClientFrame.Command(AgentCommand.Type.PROBE, null, null, requestId);
            default -> new ClientFrame.Invalid(requestId,
                    "Unknown type \"" + type + "\"; expected " + EXPECTED_TYPES + ".");
        };
    }

    private static ClientFrame callCommand(AgentCommand.Type type, JsonNode root, String requestId) {
        String name = type.name().toLowerCase(java.util.Locale.ROOT);
        if (requestId == null) {
            return new ClientFrame.Invalid(null, "A " + name + " needs a \"requestId\" to match its answer.");
        }
        String callSid = text(root, "callSid");
        if (callSid == null) {
            return new ClientFrame.Invalid(requestId, "A " + name + " needs the \"callSid\" of the call.");
        }
        return new ClientFrame.Command(type, callSid, null, requestId);
    }

    private static ClientFrame transfer(JsonNode root, String requestId) {
        ClientFrame call = callCommand(AgentCommand.Type.TRANSFER, root, requestId);
        if (!(call instanceof ClientFrame.Command command)) {
            return call;
        }
        String to = text(root, "to");
        if (to == null) {
            return new ClientFrame.Invalid(requestId, "A transfer needs \"to\": the id of the colleague to transfer to.");
        }
        String mode = text(root, "mode");
        AgentCommand.TransferMode transferMode = "cold".equals(mode) ? AgentCommand.TransferMode.COLD
                : "warm".equals(mode) ? AgentCommand.TransferMode.WARM : null;
        if (transferMode == null) {
            return new ClientFrame.Invalid(requestId, "A transfer's \"mode\" must be \"cold\" or \"warm\".");
        }
        return new ClientFrame.Command(AgentCommand.Type.TRANSFER, command.callSid(), null, requestId, to,
                transferMode);
    }

    /** A number to call; whether it is one, and one the tenant may call, is call-state's to say. */
    private static ClientFrame dial(JsonNode root, String requestId) {
        if (requestId == null) {
            return new ClientFrame.Invalid(null, "A dial needs a \"requestId\" to match its answer.");
        }
        String to = text(root, "to");
        if (to == null) {
            return new ClientFrame.Invalid(requestId, "A dial needs \"to\": the number to call, e.g. +14155550123.");
        }
        return new ClientFrame.Command(AgentCommand.Type.DIAL, null, null, requestId, to.trim(), null);
    }

    private static ClientFrame voicemailCommand(AgentCommand.Type command, String type, JsonNode root,
            String requestId) {
        if (requestId == null) {
            return new ClientFrame.Invalid(null, "A " + type + " needs a \"requestId\" to match its answer.");
        }
        String voicemailId = text(root, "voicemailId");
        if (voicemailId == null) {
            return new ClientFrame.Invalid(requestId, "A " + type + " needs the \"voicemailId\" of the voicemail.");
        }
        if (!RECORDING_SID.matcher(voicemailId).matches()) {
            return new ClientFrame.Invalid(requestId, "\"voicemailId\" must be a voicemail's id as the snapshot and"
                    + " the voicemail changes give it: RE and 32 hex digits.");
        }
        return ClientFrame.Command.voicemail(command, voicemailId, requestId);
    }

    private static ClientFrame statusCommand(JsonNode root, String requestId) {
        if (requestId == null) {
            return new ClientFrame.Invalid(null, "A status needs a \"requestId\" to match its answer.");
        }
        AgentStatus status = chosen(root);
        return status == null ? new ClientFrame.Invalid(requestId, "A status must be \"available\" or \"away\".")
                : new ClientFrame.Command(AgentCommand.Type.STATUS, null, status, requestId);
    }

    /** busy and wrap_up follow from calls: a person only chooses between available and away. */
    private static AgentStatus chosen(JsonNode root) {
        String status = text(root, "status");
        return "available".equals(status) ? AgentStatus.AVAILABLE : "away".equals(status) ? AgentStatus.AWAY : null;
    }

    private static ClientFrame agentStatus(JsonNode root, String requestId) {
        ClientFrame named = aboutAgent(AgentCommand.Type.AGENT_STATUS, root, requestId);
        if (!(named instanceof ClientFrame.Command command)) {
            return named;
        }
        AgentStatus status = chosen(root);
        return status == null ? new ClientFrame.Invalid(requestId, "An agent_status must be \"available\" or \"away\".")
                : new ClientFrame.Command(command.type(), null, status, requestId, command.to(), null);
    }

    private static ClientFrame signOut(JsonNode root, String requestId) {
        return aboutAgent(AgentCommand.Type.SIGN_OUT, root, requestId);
    }

    /** A supervisor's command about a colleague: {@code agentId} names them. */
    private static ClientFrame aboutAgent(AgentCommand.Type type, JsonNode root, String requestId) {
        String name = type.name().toLowerCase(java.util.Locale.ROOT);
        if (requestId == null) {
            return new ClientFrame.Invalid(null, "A " + name + " needs a \"requestId\" to match its answer.");
        }
        String agentId = text(root, "agentId");
        if (agentId == null) {
            return new ClientFrame.Invalid(requestId, "A " + name + " needs the \"agentId\" of the agent.");
        }
        return new ClientFrame.Command(type, null, null, requestId, agentId, null);
    }

    /**
     * The {@code since} query parameter of the upgrade: the same as a {@code resume} with that seq. Null when the
     * client did not send one (it starts from a snapshot).
     */
    public static ClientFrame since(java.util.List<String> values) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        String value = values.get(0).trim();
        try {
            long seq = Long.parseLong(value);
            if (seq >= 0) {
                return new ClientFrame.Resume(seq);
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        return new ClientFrame.Invalid(null, "?since= must be the last seq the client has (a whole number, 0 or more);"
                + " sending a fresh snapshot instead.");
    }

    private static ClientFrame resume(JsonNode root, String requestId) {
        JsonNode seq = root.get("seq");
        if (seq == null || !seq.canConvertToLong() || !seq.isIntegralNumber() || seq.asLong() < 0) {
            return new ClientFrame.Invalid(requestId, "A resume needs \"seq\": the last seq the client has.");
        }
        return new ClientFrame.Resume(seq.asLong());
    }

    private static String text(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node != null && node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }
}
