package io.switchboard.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.switchboard.contract.Agent;
import io.switchboard.contract.AgentCommand;
import io.switchboard.contract.AgentReply;
import io.switchboard.contract.AgentRequest;
import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.Answer;
import io.switchboard.contract.Call;
import io.switchboard.contract.CallState;
import io.switchboard.contract.ErrorCode;
import io.switchboard.contract.Json;
import io.switchboard.contract.Presence;
import io.switchboard.contract.PresenceReport;
import io.switchboard.contract.Probe;
import io.switchboard.contract.Snapshot;
import io.switchboard.contract.StateChange;
import io.switchboard.contract.Voicemail;
import io.switchboard.contract.Topics;
import io.switchboard.contract.TwilioCallStatus;
import io.switchboard.contract.TwilioEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Frames and records as the Java types write them follow the contract; broken ones do not. */
class WireContractTest {
    private static final WireContract CONTRACT = WireContract.get();
    private static final Instant AT = Instant.parse("2026-11-21T14:03:07.120Z");
    private static final Agent DOUG = new Agent("doug", "Doug", Presence.ONLINE, AgentStatus.BUSY,
            new Agent.CurrentCall("CA1", "+15551230000", AT));
    private static final Agent RHONDA = new Agent("rhonda", "Rhonda", Presence.OFFLINE, AgentStatus.AWAY, null);
    private static final Call CONNECTED = new Call("CA1", "+15551230000", "+15005550006", CallState.CONNECTED,
            "doug", null, AT, AT, null, null, null, null, true, AT, null, "rhonda", "inbound", null);
    private static final Call RINGING = new Call("CA2", "+15551230001", "+15005550006", CallState.RINGING, null, 701,
            AT, null, AT, "doug", "park_timeout", "doug", false, null, "doug", null, "inbound", AT);
    private static final Voicemail VOICEMAIL = new Voicemail("RE1", "CA3", "+15551230002", "+15005550006", AT, 12,
            Voicemail.TAKEN, "doug", AT);
    private static final AgentCommand.ReplyTo REPLY_TO = new AgentCommand.ReplyTo("gw-7f3a", "c-12");
    private static final AgentCommand CLAIM = new AgentCommand("0d1c", "acme", "doug", AgentCommand.Type.CLAIM, "CA1",
            null, "r1", REPLY_TO, AT);

    @Test
    void everyServerFrameTheJavaTypesWriteFollowsTheContract() {
        List<Object> frames = List.of(
                new Snapshot(41, List.of(DOUG, RHONDA), List.of(CONNECTED, RINGING), List.of(VOICEMAIL)),
                new Snapshot(41, List.of(), List.of(), List.of()).resynced(),
                new StateChange.VoicemailChanged("acme", 43, VOICEMAIL),
                new StateChange.AgentChanged("acme", 42, DOUG),
                new StateChange.CallChanged("acme", 43, RINGING),
                new StateChange.RingCancel("acme", 44, "CA2", "claimed", "doug"),
                new StateChange.RingCancel("acme", 45, "CA2", "caller_hangup", null),
                new Answer.Ack("r1"),
                new Answer.Error("r1", ErrorCode.ALREADY_CLAIMED.wire(), "Doug answered this call first."),
                new Answer.Error(null, ErrorCode.BAD_REQUEST.wire(), "The frame is not JSON."),
                Probe.storedFor(new AgentCommand("p1", "acme", "doug", AgentCommand.Type.PROBE, null, null, "d1",
                        REPLY_TO, AT), AT));
        for (Object frame : frames) {
            assertThat(CONTRACT.serverFrame(json(frame))).as(json(frame)).isEmpty();
        }
    }

    @Test
    void everyRequestAClientCanSendFollowsTheContract() {
        List<AgentRequest> requests = List.of(new AgentRequest.Claim("CA1", "r1"), new AgentRequest.Park("CA1", "r2"),
                new AgentRequest.Retrieve("CA1", "r3"), new AgentRequest.Hold("CA1", "r4"),
                new AgentRequest.Unhold("CA1", "r5"),
                new AgentRequest.Transfer("CA1", "rhonda", AgentCommand.TransferMode.WARM, "r6"),
                new AgentRequest.CompleteTransfer("CA1", "r7"), new AgentRequest.CancelTransfer("CA1", "r8"),
                new AgentRequest.Hangup("CA1", "r9"), new AgentRequest.Dial("+14155550123", "r10"),
                new AgentRequest.Status(AgentRequest.Status.Choice.AWAY, "r11"),
                new AgentRequest.TakeVoicemail("RE0123456789abcdef0123456789abcdef", "r12"),
                new AgentRequest.VoicemailDone("RE0123456789abcdef0123456789abcdef", "r13"),
                new AgentRequest.AgentStatus("rhonda", AgentRequest.Status.Choice.AWAY, "r14"),
                new AgentRequest.SignOut("rhonda", "r15"),
                new AgentRequest.Resume(41), new AgentRequest.Probe("d1"));
        assertThat(requests).extracting(Object::getClass)
                .containsExactlyInAnyOrder(AgentRequest.class.getPermittedSubclasses());
        for (AgentRequest request : requests) {
            assertThat(CONTRACT.clientFrame(json(request))).as(json(request)).isEmpty();
        }
    }

    @Test
    void everyRecordTheJavaTypesWriteFollowsTheContractAndIsKeyedByItsTenant() {
        Map<Object, String> records = new java.util.LinkedHashMap<>();
        records.put(new TwilioEvent.CallIncoming("incoming:CA1", "acme", "CA1", "+15551230000", "+15005550006", AT),
                Topics.TWILIO_EVENTS);
        records.put(new TwilioEvent.CallStatusChanged("status:CA9:2", "acme", "CA1", "CA9",
                TwilioCallStatus.IN_PROGRESS, 2, AT, "outbound-dial", "+15551230000", "client:acme__doug", "doug", AT,
                1700000000123L), Topics.TWILIO_EVENTS);
        records.put(new TwilioEvent.CallStatusChanged("status:CA1:completed", "acme", "CA1", "CA1",
                TwilioCallStatus.COMPLETED, null, null, null, null, null, null, AT), Topics.TWILIO_EVENTS);
        records.put(new TwilioEvent.DialEnded("dial-ended:CA1:CA9", "acme", "CA1", "CA9", TwilioCallStatus.NO_ANSWER,
                AT), Topics.TWILIO_EVENTS);
        records.put(new TwilioEvent.CallerParked("parked:CA1:1", "acme", "CA1", "doug", AT, AT), Topics.TWILIO_EVENTS);
        records.put(new TwilioEvent.ConferenceChanged("conference:CF1:4", "acme", "CA1", "CF1", "participant-hold",
                "CA1", "caller", true, 4, 1700000000123L, AT), Topics.TWILIO_EVENTS);
        records.put(CLAIM, Topics.AGENT_COMMANDS);
        records.put(new AgentCommand("0d1d", "acme", "doug", AgentCommand.Type.TRANSFER, "CA1", null, "r2", REPLY_TO,
                AT, "rhonda", AgentCommand.TransferMode.COLD), Topics.AGENT_COMMANDS);
        records.put(new AgentCommand("0d1e", "acme", "doug", AgentCommand.Type.STATUS, null, AgentStatus.AVAILABLE,
                "r3", REPLY_TO, AT), Topics.AGENT_COMMANDS);
        records.put(AgentReply.ack(CLAIM), Topics.AGENT_REPLIES);
        records.put(AgentReply.error(CLAIM, ErrorCode.ALREADY_CLAIMED, "Rhonda answered this call first."),
                Topics.AGENT_REPLIES);
        records.put(new StateChange.CallChanged("acme", 43, CONNECTED), Topics.STATE_CHANGES);
        records.put(new Probe(Probe.TYPE, Probe.CANARY_TENANT, "gw-7f3a", null, "5b0e", AT, AT), Topics.STATE_CHANGES);
        records.put(new PresenceReport.Connected("acme", "gw-7f3a", "doug", "c-12", AT), Topics.PRESENCE);
        records.put(new PresenceReport.Disconnected("acme", "gw-7f3a", "doug", "c-12", AT), Topics.PRESENCE);
        records.put(new PresenceReport.Heartbeat("acme", "gw-7f3a", Map.of("doug", List.of("c-12", "c-14")), AT),
                Topics.PRESENCE);
        records.forEach((value, topic) -> {
            String tenant = Json.MAPPER.valueToTree(value).get("tenantId").asText();
            assertThat(CONTRACT.record(topic, tenant, json(value))).as(json(value)).isEmpty();
        });
        assertThat(Set.copyOf(records.values())).isEqualTo(CONTRACT.topics());
    }

    @Test
    void aFrameWithoutARequiredFieldBreaksTheContract() {
        assertThat(CONTRACT.serverFrame("""
                {"type":"ring_cancel","tenantId":"acme","callSid":"CA1","reason":"claimed","by":"doug"}"""))
                .hasValueSatisfying(problem -> assertThat(problem).contains("seq"));
        assertThat(CONTRACT.clientFrame("{\"type\":\"claim\",\"requestId\":\"r1\"}"))
                .hasValueSatisfying(problem -> assertThat(problem).contains("callSid"));
        // A change whose call lacks a field: the nested schema (Call.json) is checked too.
        String call = json(new StateChange.CallChanged("acme", 43, CONNECTED)).replace("\"slot\":null,", "");
        // The call may be null, but it is not: the report says what is wrong with it, not that it is no null.
        assertThat(CONTRACT.serverFrame(call)).hasValueSatisfying(problem -> assertThat(problem).contains("slot")
                .doesNotContain("null expected"));
    }

    @Test
    void aFieldOfTheWrongTypeBreaksTheContract() {
        String change = json(new StateChange.CallChanged("acme", 43, CONNECTED));
        breaks(CONTRACT.serverFrame(change.replace("\"seq\":43", "\"seq\":\"43\"")), "/seq");
        breaks(CONTRACT.serverFrame(change.replace("\"CONNECTED\"", "\"ON_AIR\"")), "/call/state");
        breaks(CONTRACT.serverFrame(change.replace("\"onHold\":true", "\"onHold\":null")), "/call/onHold");
        breaks(CONTRACT.serverFrame(change.replace(json(AT), "\"yesterday\"")), "/call/startedAt");
        // Null where the gateway needs a value.
        breaks(CONTRACT.clientFrame("{\"type\":\"claim\",\"callSid\":null,\"requestId\":\"r1\"}"), "/callSid");
        breaks(CONTRACT.clientFrame("{\"type\":\"status\",\"status\":\"busy\",\"requestId\":\"r1\"}"), "/status");
        breaks(CONTRACT.clientFrame("{\"type\":\"resume\",\"seq\":-1}"), "/seq");
    }

    @Test
    void anUnknownTypeOrAFieldTheTypesDoNotDeclareBreaksTheContract() {
        assertThat(CONTRACT.serverFrame("{\"type\":\"teleport\",\"seq\":1}"))
                .hasValueSatisfying(problem -> assertThat(problem).contains("teleport", "snapshot", "ring_cancel"));
        assertThat(CONTRACT.serverFrame("{\"seq\":1}")).isPresent();
        assertThat(CONTRACT.serverFrame("not json")).isPresent();
        // A client's type on the server's side, and the other way round.
        assertThat(CONTRACT.serverFrame(json(new AgentRequest.Claim("CA1", "r1")))).isPresent();
        assertThat(CONTRACT.clientFrame(json(new Answer.Ack("r1")))).isPresent();
        assertThat(CONTRACT.serverFrame(json(new Answer.Ack("r1")).replace("}", ",\"extra\":1}"))).isPresent();
    }

    @Test
    void aRecordKeyedByAnotherTenantOrOnAnUnknownTopicBreaksTheContract() {
        assertThat(CONTRACT.record(Topics.AGENT_COMMANDS, "globex", json(CLAIM)))
                .hasValueSatisfying(problem -> assertThat(problem).contains("globex", "acme"));
        assertThat(CONTRACT.record("switchboard.gossip", "acme", json(CLAIM))).isPresent();
        // A change on the commands' topic: each topic carries its own messages.
        assertThat(CONTRACT.record(Topics.AGENT_COMMANDS, "acme", json(new StateChange.CallChanged("acme", 1,
                CONNECTED)))).isPresent();
    }

    /** The frame breaks the contract, and the schema's error names where. */
    private static void breaks(java.util.Optional<String> problem, String where) {
        assertThat(problem).hasValueSatisfying(text -> assertThat(text).contains(where));
    }

    private static String json(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
