package io.switchboard.state.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.CallState;
import io.switchboard.contract.ErrorCode;
import io.switchboard.contract.Presence;
import io.switchboard.contract.StateChange;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A given / when / then language for the decider: a situation, an input, the decision and its changes. */
final class DeciderSpec {
    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    static final Duration CLAIM_TIMEOUT = Duration.ofSeconds(25);
    static final Duration PARK_TIMEOUT = Duration.ofSeconds(120);
    static final Duration PARKER_RING_TIME = Duration.ofSeconds(15);
    static final Duration WRAP_UP = Duration.ofSeconds(30);
    static final Duration OFFLINE_GRACE = Duration.ofSeconds(10);
    static final Duration TRANSFER_RING_TIME = Duration.ofSeconds(20);
    static final Duration DIAL_TIMEOUT = Duration.ofSeconds(35);
    static final Duration MAX_WAIT = Duration.ofSeconds(180);
    static final CallDecider.Timing TIMING = new CallDecider.Timing(CLAIM_TIMEOUT, PARK_TIMEOUT, PARKER_RING_TIME,
            WRAP_UP, OFFLINE_GRACE, TRANSFER_RING_TIME, DIAL_TIMEOUT, MAX_WAIT);
    static final String CALL = "CA0001";
    static final String CALLER = "+15551230000";
    static final String NUMBER = "+15005550006";
    /** A call an agent placed, and the number they called. */
    static final String OUTBOUND = "OB0001";
    static final String CUSTOMER = "+14155550123";

    static final AgentRecord DOUG = agent("doug", "Doug");
    static final AgentRecord RHONDA = agent("rhonda", "Rhonda");

    private CallDecider decider = new CallDecider(TIMING);
    private CallRecord call;
    private boolean ended;
    private ParkingLot lot = new ParkingLot(701, 720, Set.of());
    private Dialing dialing = new Dialing(NUMBER, Set.of());
    private TenantRules rules = TenantRules.DEFAULT;
    private VoicemailRecord voicemail;
    private final Map<String, AgentRecord> agents = new LinkedHashMap<>();

    static AgentRecord agent(String id, String name) {
        return new AgentRecord("acme", id, name, true, Presence.ONLINE, AgentStatus.AVAILABLE, null, null, null,
                null, null);
    }

    static DeciderSpec given() {
        DeciderSpec spec = new DeciderSpec();
        spec.agents.put(DOUG.id(), DOUG);
        spec.agents.put(RHONDA.id(), RHONDA);
        return spec;
    }

    DeciderSpec noCall() {
        return this;
    }

    DeciderSpec ringing() {
        call = CallRecord.ringing(CALL, "acme", CALLER, NUMBER, T0, T0.plus(MAX_WAIT));
        return this;
    }

    DeciderSpec claimedBy(String agentId) {
        ringing();
        call = call.claimedBy(agentId, T0.plusSeconds(2), T0.plusSeconds(2).plus(CLAIM_TIMEOUT));
        agents.put(agentId, agents.get(agentId).busy());
        return this;
    }

    /** Twilio said it took the caller into the conference and rings the claiming agent on {@code legSid}. */
    DeciderSpec dialed(String legSid) {
        call = call.dialed(legSid);
        return this;
    }

    DeciderSpec connectedTo(String agentId) {
        claimedBy(agentId);
        call = call.connected("CA-LEG-1", T0.plusSeconds(5));
        agents.put(agentId, agents.get(agentId).talkingTo(CALL, CALLER, T0.plusSeconds(5)));
        return this;
    }

    /** Doug talked to the caller and parked them in slot 701 at T0 + 10 s; Twilio took the caller to the lot. */
    DeciderSpec parked() {
        parking();
        call = call.parkSettled();
        return this;
    }

    /** Doug parked the call at T0 + 10 s; Twilio has not answered the park yet. */
    DeciderSpec parking() {
        connectedTo("doug");
        call = call.parked(701, "doug", PARKED_AT, PARKED_AT.plus(PARK_TIMEOUT));
        agents.put("doug", agents.get("doug").free(null));
        return this;
    }

    static final Instant PARKED_AT = T0.plusSeconds(10);

    /** The park timed out at its deadline and rings back Doug alone. */
    DeciderSpec ringingBackTheParker() {
        parked();
        Instant at = PARKED_AT.plus(PARK_TIMEOUT);
        call = call.ringingBack("park_timeout", "doug", at.plus(PARKER_RING_TIME), at.plus(MAX_WAIT));
        return this;
    }

    /** Rhonda retrieved the parked call; her phone rings. */
    DeciderSpec retrievedBy(String agentId) {
        parked();
        call = call.claimedBy(agentId, PARKED_AT.plusSeconds(5), PARKED_AT.plusSeconds(5).plus(CLAIM_TIMEOUT));
        agents.put(agentId, agents.get(agentId).busy());
        return this;
    }

    /** Starts from where an earlier decision left the situation. */
    DeciderSpec situationFrom(Then earlier) {
        Situation s = earlier.applied().situation();
        call = s.call();
        agents.putAll(s.agents());
        return this;
    }

    /** Doug placed a call to {@link #CUSTOMER} at T0; his phone rings. */
    DeciderSpec placedBy(String agentId) {
        call = CallRecord.placed(OUTBOUND, "acme", NUMBER, CUSTOMER, agentId, T0, T0.plus(CLAIM_TIMEOUT));
        agents.put(agentId, agents.get(agentId).busy());
        return this;
    }

    /** The agent who placed the call answered on {@code legSid} at T0 + 3 s: the number rings. */
    DeciderSpec numberRinging(String legSid) {
        call = call.numberCalled(legSid, T0.plusSeconds(3), T0.plusSeconds(3).plus(DIAL_TIMEOUT));
        return this;
    }

    /** The number Doug called answered at T0 + 8 s. */
    DeciderSpec talkingOnAPlacedCall(String agentId) {
        placedBy(agentId);
        numberRinging("CA-LEG-1");
        call = call.connected("CA-LEG-1", T0.plusSeconds(8));
        agents.put(agentId, agents.get(agentId).talkingTo(OUTBOUND, CUSTOMER, T0.plusSeconds(8)));
        return this;
    }

    /** The tenant set its own wait limit, and what follows it. */
    DeciderSpec rules(TenantRules newRules) {
        rules = newRules;
        return this;
    }

    /** The input is about this voicemail. */
    DeciderSpec voicemail(VoicemailRecord newVoicemail) {
        voicemail = newVoicemail;
        return this;
    }

    DeciderSpec dialing(Dialing newDialing) {
        dialing = newDialing;
        return this;
    }

    DeciderSpec lot(int first, int last, Integer... taken) {
        lot = new ParkingLot(first, last, Set.of(taken));
        return this;
    }

    DeciderSpec timing(CallDecider.Timing timing) {
        decider = new CallDecider(timing);
        return this;
    }

    DeciderSpec endedAlready() {
        call = null;
        ended = true;
        return this;
    }

    DeciderSpec agent(AgentRecord agent) {
        agents.put(agent.id(), agent);
        return this;
    }

    DeciderSpec without(String agentId) {
        agents.remove(agentId);
        return this;
    }

    Situation situation() {
        return new Situation("acme", call, ended, Map.copyOf(agents), lot, dialing, rules, voicemail);
    }

    Then when(Input input) {
        Situation before = situation();
        Decision decision = decider.decide(input, before);
        return new Then(before, decision, Projection.apply(before, decision.facts(), 42));
    }

    record Then(Situation before, Decision decision, Projection.Applied applied) {

        Then facts(Fact... expected) {
            assertThat(decision.facts()).containsExactly(expected);
            return this;
        }

        Then actions(TwilioAction... expected) {
            assertThat(decision.actions()).containsExactly(expected);
            return this;
        }

        Then nothing() {
            assertThat(decision.facts()).isEmpty();
            assertThat(decision.actions()).isEmpty();
            assertThat(decision.rejection()).isNull();
            return this;
        }

        Then rejected(ErrorCode code, String messagePart) {
            assertThat(decision.rejection()).isNotNull();
            assertThat(decision.rejection().code()).isEqualTo(code);
            assertThat(decision.rejection().message()).contains(messagePart);
            assertThat(decision.facts()).isEmpty();
            assertThat(decision.actions()).isEmpty();
            return this;
        }

        /** The changes screens get, as {@code type:detail} strings, numbered from 42 without gaps. */
        Then changes(String... expected) {
            List<StateChange> changes = applied.changes();
            for (int i = 0; i < changes.size(); i++) {
                assertThat(changes.get(i).seq()).isEqualTo(42 + i);
            }
            assertThat(changes).extracting(DeciderSpec::describe).containsExactly(expected);
            return this;
        }

        /** The steps the call's history gains, as {@code step:agent:detail} strings (null parts left out). */
        Then steps(String... expected) {
            assertThat(applied.steps()).extracting(step -> step.step()
                    + (step.agentId() == null ? "" : ":" + step.agentId())
                    + (step.detail() == null ? "" : ":" + step.detail())).containsExactly(expected);
            return this;
        }

        Then voicemail(java.util.function.Consumer<VoicemailRecord> check) {
            check.accept(applied.situation().voicemail());
            return this;
        }

        Then call(java.util.function.Consumer<CallRecord> check) {
            check.accept(applied.situation().call());
            return this;
        }

        Then agent(String agentId, java.util.function.Consumer<AgentRecord> check) {
            check.accept(applied.situation().agents().get(agentId));
            return this;
        }

        Then callIs(CallState state, String agentId) {
            assertThat(applied.situation().call().state()).isEqualTo(state);
            assertThat(applied.situation().call().agentId()).isEqualTo(agentId);
            return this;
        }

        Then agentIs(String agentId, AgentStatus status, String currentCall) {
            AgentRecord agent = applied.situation().agents().get(agentId);
            assertThat(agent.status()).isEqualTo(status);
            assertThat(agent.currentCallSid()).isEqualTo(currentCall);
            return this;
        }
    }

    static String describe(StateChange change) {
        if (change instanceof StateChange.CallChanged c) {
            return "call:" + c.call().state() + (c.call().agentId() == null ? "" : ":" + c.call().agentId())
                    + (c.call().slot() == null ? "" : ":slot" + c.call().slot())
                    + (c.call().offeredTo() == null ? "" : ":for:" + c.call().offeredTo());
        } else if (change instanceof StateChange.AgentChanged a) {
            return "agent:" + a.agent().id() + ":" + a.agent().status().wire()
                    + (a.agent().presence() == Presence.OFFLINE ? ":offline" : "")
                    + (a.agent().currentCall() == null ? "" : ":on:" + a.agent().currentCall().phoneNumber());
        } else if (change instanceof StateChange.RingCancel r) {
            return "ring_cancel:" + r.reason() + (r.by() == null ? "" : ":" + r.by());
        } else if (change instanceof StateChange.VoicemailChanged v) {
            return "voicemail:" + v.voicemail().voicemailId() + ":" + v.voicemail().state()
                    + (v.voicemail().takenBy() == null ? "" : ":" + v.voicemail().takenBy());
        }
        throw new IllegalArgumentException(change.toString());
    }

}
