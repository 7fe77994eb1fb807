package io.switchboard.gateway.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.contract.AgentCommand;
import io.switchboard.contract.AgentRequest;
import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientFramesTest {

    static final String RECORDING = "RE0123456789abcdef0123456789abcdef";

    private final ClientFrames frames = new ClientFrames(Json.MAPPER);

    @Test
    void readsCallCommandsAndIgnoresIdentityFieldsInTheFrame() {
        assertThat(frames.parse("""
                {"type":"claim","callSid":"CA1","requestId":"r1","agentId":"rhonda","tenantId":"globex"}"""))
                .isEqualTo(new ClientFrame.Command(AgentCommand.Type.CLAIM, "CA1", null, "r1"));
        assertThat(frames.parse("{\"type\":\"hangup\",\"callSid\":\"CA2\",\"requestId\":\"r2\"}"))
                .isEqualTo(new ClientFrame.Command(AgentCommand.Type.HANGUP, "CA2", null, "r2"));
    }

    @Test
    void readsHoldsAndTransfers() {
        assertThat(frames.parse("{\"type\":\"hold\",\"callSid\":\"CA1\",\"requestId\":\"r1\"}"))
                .isEqualTo(new ClientFrame.Command(AgentCommand.Type.HOLD, "CA1", null, "r1"));
        assertThat(frames.parse("{\"type\":\"unhold\",\"callSid\":\"CA1\",\"requestId\":\"r2\"}"))
                .isEqualTo(new ClientFrame.Command(AgentCommand.Type.UNHOLD, "CA1", null, "r2"));
        assertThat(frames.parse("""
                {"type":"transfer","callSid":"CA1","to":"rhonda","mode":"warm","requestId":"r3"}"""))
                .isEqualTo(new ClientFrame.Command(AgentCommand.Type.TRANSFER, "CA1", null, "r3", "rhonda",
                        AgentCommand.TransferMode.WARM));
        assertThat(frames.parse("{\"type\":\"complete_transfer\",\"callSid\":\"CA1\",\"requestId\":\"r4\"}"))
                .isEqualTo(new ClientFrame.Command(AgentCommand.Type.COMPLETE_TRANSFER, "CA1", null, "r4"));
        assertThat(frames.parse("{\"type\":\"cancel_transfer\",\"callSid\":\"CA1\",\"requestId\":\"r5\"}"))
                .isEqualTo(new ClientFrame.Command(AgentCommand.Type.CANCEL_TRANSFER, "CA1", null, "r5"));
        assertInvalid("{\"type\":\"transfer\",\"callSid\":\"CA1\",\"mode\":\"cold\",\"requestId\":\"r6\"}", "r6",
                "\"to\"");
        assertInvalid("{\"type\":\"transfer\",\"callSid\":\"CA1\",\"to\":\"rhonda\",\"requestId\":\"r7\"}", "r7",
                "\"cold\" or \"warm\"");
    }

    @Test
    void readsADialWithoutJudgingTheNumber() {
        assertThat(frames.parse("{\"type\":\"dial\",\"to\":\" +14155550123 \",\"requestId\":\"r1\"}"))
                .isEqualTo(new ClientFrame.Command(AgentCommand.Type.DIAL, null, null, "r1", "+14155550123", null));
        // Whether it is a number, and one the tenant may call, call-state says (invalid_number, number_not_allowed).
        assertThat(frames.parse("{\"type\":\"dial\",\"to\":\"pizza\",\"requestId\":\"r2\"}"))
                .isEqualTo(new ClientFrame.Command(AgentCommand.Type.DIAL, null, null, "r2", "pizza", null));
        assertInvalid("{\"type\":\"dial\",\"requestId\":\"r3\"}", "r3", "\"to\"");
    }

    @Test
    void readsStatusAndResume() {
        assertThat(frames.parse("{\"type\":\"status\",\"status\":\"away\",\"requestId\":\"r3\"}"))
                .isEqualTo(new ClientFrame.Command(AgentCommand.Type.STATUS, null, AgentStatus.AWAY, "r3"));
        assertThat(frames.parse("{\"type\":\"resume\",\"seq\":41}")).isEqualTo(new ClientFrame.Resume(41));
    }

    @Test
    void aSupervisorsCommandNamesTheColleagueItIsAbout() {
        assertInvalid("{\"type\":\"sign_out\",\"requestId\":\"r1\"}", "r1", "\"agentId\"");
        assertInvalid("{\"type\":\"agent_status\",\"agentId\":\"rhonda\",\"status\":\"busy\",\"requestId\":\"r2\"}",
                "r2", "\"available\" or \"away\"");
        assertInvalid("{\"type\":\"agent_status\",\"agentId\":\"rhonda\",\"status\":\"away\"}", null,
                "\"requestId\"");
    }

    @Test
    void readsAProbeWhichNeedsARequestId() {
        assertThat(frames.parse("{\"type\":\"probe\",\"requestId\":\"d1\"}"))
                .isEqualTo(new ClientFrame.Command(AgentCommand.Type.PROBE, null, null, "d1"));
        assertThat(frames.parse("{\"type\":\"probe\"}")).isInstanceOf(ClientFrame.Invalid.class);
    }

    /** The contract's request records (and so its JSON Schema) say what this parser reads: each one is understood. */
    @Test
    void readsEveryRequestTheContractDescribes() throws Exception {
        Map<AgentRequest, ClientFrame> requests = new LinkedHashMap<>();
        requests.put(new AgentRequest.Claim("CA1", "r1"),
                new ClientFrame.Command(AgentCommand.Type.CLAIM, "CA1", null, "r1"));
        requests.put(new AgentRequest.Park("CA1", "r2"),
                new ClientFrame.Command(AgentCommand.Type.PARK, "CA1", null, "r2"));
        requests.put(new AgentRequest.Retrieve("CA1", "r3"),
                new ClientFrame.Command(AgentCommand.Type.RETRIEVE, "CA1", null, "r3"));
        requests.put(new AgentRequest.Hold("CA1", "r4"),
                new ClientFrame.Command(AgentCommand.Type.HOLD, "CA1", null, "r4"));
        requests.put(new AgentRequest.Unhold("CA1", "r5"),
                new ClientFrame.Command(AgentCommand.Type.UNHOLD, "CA1", null, "r5"));
        requests.put(new AgentRequest.Transfer("CA1", "rhonda", AgentCommand.TransferMode.COLD, "r6"),
                new ClientFrame.Command(AgentCommand.Type.TRANSFER, "CA1", null, "r6", "rhonda",
                        AgentCommand.TransferMode.COLD));
        requests.put(new AgentRequest.CompleteTransfer("CA1", "r7"),
                new ClientFrame.Command(AgentCommand.Type.COMPLETE_TRANSFER, "CA1", null, "r7"));
        requests.put(new AgentRequest.CancelTransfer("CA1", "r8"),
                new ClientFrame.Command(AgentCommand.Type.CANCEL_TRANSFER, "CA1", null, "r8"));
        requests.put(new AgentRequest.Hangup("CA1", "r9"),
                new ClientFrame.Command(AgentCommand.Type.HANGUP, "CA1", null, "r9"));
        requests.put(new AgentRequest.Dial("+14155550123", "r10"),
                new ClientFrame.Command(AgentCommand.Type.DIAL, null, null, "r10", "+14155550123", null));
        requests.put(new AgentRequest.Status(AgentRequest.Status.Choice.AVAILABLE, "r11"),
                new ClientFrame.Command(AgentCommand.Type.STATUS, null, AgentStatus.AVAILABLE, "r11"));
        requests.put(new AgentRequest.TakeVoicemail(RECORDING, "r12"),
                ClientFrame.Command.voicemail(AgentCommand.Type.TAKE_VOICEMAIL, RECORDING, "r12"));
        requests.put(new AgentRequest.VoicemailDone(RECORDING, "r13"),
                ClientFrame.Command.voicemail(AgentCommand.Type.VOICEMAIL_DONE, RECORDING, "r13"));
        requests.put(new AgentRequest.AgentStatus("rhonda", AgentRequest.Status.Choice.AWAY, "r14"),
                new ClientFrame.Command(AgentCommand.Type.AGENT_STATUS, null, AgentStatus.AWAY, "r14", "rhonda", null));
        requests.put(new AgentRequest.SignOut("rhonda", "r15"),
                new ClientFrame.Command(AgentCommand.Type.SIGN_OUT, null, null, "r15", "rhonda", null));
        requests.put(new AgentRequest.Resume(41), new ClientFrame.Resume(41));
        requests.put(new AgentRequest.Probe("d1"), new ClientFrame.Command(AgentCommand.Type.PROBE, null, null, "d1"));
        assertThat(requests.keySet()).extracting(Object::getClass)
                .containsExactlyInAnyOrder(AgentRequest.class.getPermittedSubclasses());
        for (var request : requests.entrySet()) {
            assertThat(frames.parse(Json.MAPPER.writeValueAsString(request.getKey()))).isEqualTo(request.getValue());
        }
    }

    @Test
    void readsAVoicemailsTakeAndDoneByItsRecordingSid() {
        assertThat(frames.parse("{\"type\":\"take_voicemail\",\"voicemailId\":\"" + RECORDING
                + "\",\"requestId\":\"r1\",\"agentId\":\"rhonda\"}"))
                .isEqualTo(new ClientFrame.Command(AgentCommand.Type.TAKE_VOICEMAIL, null, null, "r1", null, null,
                        RECORDING));
        assertThat(frames.parse("{\"type\":\"voicemail_done\",\"voicemailId\":\"" + RECORDING
                + "\",\"requestId\":\"r2\"}"))
                .isEqualTo(new ClientFrame.Command(AgentCommand.Type.VOICEMAIL_DONE, null, null, "r2", null, null,
                        RECORDING));
        assertInvalid("{\"type\":\"take_voicemail\",\"requestId\":\"r3\"}", "r3", "\"voicemailId\"");
        assertInvalid("{\"type\":\"take_voicemail\",\"voicemailId\":\"" + RECORDING + "\"}", null,
                "\"requestId\"");
        assertInvalid("{\"type\":\"voicemail_done\",\"voicemailId\":\"CA0123456789abcdef0123456789abcdef\","
                + "\"requestId\":\"r4\"}", "r4", "RE and 32 hex digits");
        assertInvalid("{\"type\":\"take_voicemail\",\"voicemailId\":\"RE1234\",\"requestId\":\"r5\"}", "r5",
                "RE and 32 hex digits");
        assertInvalid("{\"type\":\"take_voicemail\",\"voicemailId\":\"" + RECORDING + "/../x\","
                + "\"requestId\":\"r6\"}", "r6", "RE and 32 hex digits");
        assertInvalid("{\"type\":\"take_voicemail\",\"voicemailId\":42,\"requestId\":\"r7\"}", "r7",
                "\"voicemailId\"");
    }

    @Test
    void readsSinceFromTheUpgradeQuery() {
        assertThat(ClientFrames.since(null)).isNull();
        assertThat(ClientFrames.since(java.util.List.of())).isNull();
        assertThat(ClientFrames.since(java.util.List.of("41"))).isEqualTo(new ClientFrame.Resume(41));
        assertThat(ClientFrames.since(java.util.List.of("0"))).isEqualTo(new ClientFrame.Resume(0));
        assertThat(ClientFrames.since(java.util.List.of("-1"))).isInstanceOf(ClientFrame.Invalid.class);
        assertThat(ClientFrames.since(java.util.List.of("forty"))).isInstanceOf(ClientFrame.Invalid.class);
        assertThat(((ClientFrame.Invalid) ClientFrames.since(java.util.List.of(""))).message()).contains("?since=");
    }

    @Test
    void explainsWhatIsWrongAndEchoesTheRequestIdWhenThereIsOne() {
        assertThat(frames.parse("claim CA1")).isEqualTo(
                new ClientFrame.Invalid(null, "The frame is not JSON; send one JSON object per frame."));
        assertThat(frames.parse("[1,2]")).isInstanceOf(ClientFrame.Invalid.class);
        assertInvalid("{\"type\":\"dance\",\"requestId\":\"r4\"}", "r4", "Unknown type \"dance\"");
        assertInvalid("{\"requestId\":\"r5\"}", "r5", "no \"type\"");
        assertInvalid("{\"type\":\"park\",\"requestId\":\"r6\"}", "r6", "\"callSid\"");
        assertInvalid("{\"type\":\"park\",\"callSid\":\"CA1\"}", null, "\"requestId\"");
        assertInvalid("{\"type\":\"status\",\"status\":\"busy\",\"requestId\":\"r7\"}", "r7", "\"available\" or \"away\"");
        assertInvalid("{\"type\":\"resume\",\"seq\":\"x\"}", null, "\"seq\"");
        assertInvalid("{\"type\":\"resume\",\"seq\":-1}", null, "\"seq\"");
    }

    private void assertInvalid(String frame, String requestId, String messagePart) {
        ClientFrame parsed = frames.parse(frame);
        assertThat(parsed).isInstanceOf(ClientFrame.Invalid.class);
        ClientFrame.Invalid invalid = (ClientFrame.Invalid) parsed;
        assertThat(invalid.requestId()).isEqualTo(requestId);
        assertThat(invalid.message()).contains(messagePart);
    }
}
