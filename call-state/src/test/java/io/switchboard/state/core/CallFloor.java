package io.switchboard.state.core;

import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.CallState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One tenant's projection in memory, changed exactly as the shell changes Postgres: {@code CallDesk} loads a
 * situation the way {@code ProjectionStore.load} does (the call, whether {@code call_history} has it, the asking
 * agent and the call's holder, parker and offered agent, the lot only for a park), asks the decider, applies the
 * facts with the core's own {@link Projection}, and stores what changed the way {@code ProjectionStore.save}
 * does (an ENDED call leaves the active calls for the history). Keeping the shell's partial view matters: the
 * decider sees only the agents the shell would load, so a property cannot pass thanks to knowledge production
 * never gives it.
 */
final class CallFloor {
    static final String TENANT = "acme";

    /** One input as it was decided. */
    record Step(Input input, Decision decision, Situation before, Situation after) {
    }

    private final CallDecider decider;
    private final int firstSlot;
    private final int lastSlot;
    /** {@code active_calls}. */
    final Map<String, CallRecord> activeCalls = new LinkedHashMap<>();
    /** {@code call_history}: the ended calls as they were when they ended. */
    final Map<String, CallRecord> history = new LinkedHashMap<>();
    /** {@code voip_users}. */
    final Map<String, AgentRecord> agents = new LinkedHashMap<>();
    /** Every Twilio action decided, in order. */
    final List<TwilioAction> actions = new ArrayList<>();
    final List<Step> steps = new ArrayList<>();

    CallFloor(CallDecider decider, int firstSlot, int lastSlot, List<AgentRecord> staff) {
        this.decider = decider;
        this.firstSlot = firstSlot;
        this.lastSlot = lastSlot;
        staff.forEach(a -> agents.put(a.id(), a));
    }

    /** Decides and stores one input, as {@code CallDesk.handle} does. */
    Step handle(Input input) {
        Situation before = situationFor(input);
        Decision decision = decider.decide(input, before);
        Situation after = Projection.apply(before, decision.facts(), 1).situation();
        save(before, after);
        actions.addAll(decision.actions());
        Step step = new Step(input, decision, before, after);
        steps.add(step);
        return step;
    }

    /** What the decider would answer now, without storing anything. */
    Decision peek(Input input) {
        return decider.decide(input, situationFor(input));
    }

    /** The agent whose command it is: the shell loads them besides the agents the call names. */
    static String askingAgent(Input input) {
        if (input instanceof Input.Claim c) {
            return c.agentId();
        } else if (input instanceof Input.Retrieve r) {
            return r.agentId();
        } else if (input instanceof Input.Park p) {
            return p.agentId();
        } else if (input instanceof Input.Hangup h) {
            return h.agentId();
        } else if (input instanceof Input.AgentInput a) {
            return a.agentId();
        }
        return null; // webhooks, timers and Twilio's refusals name no asking agent
    }

    private Situation situationFor(Input input) {
        String callSid = input instanceof Input.CallInput c ? c.callSid() : null;
        CallRecord call = callSid == null ? null : activeCalls.get(callSid);
        boolean ended = callSid != null && call == null && history.containsKey(callSid);
        Set<String> ids = new HashSet<>();
        ids.add(askingAgent(input));
        if (call != null) {
            ids.add(call.agentId());
            ids.add(call.parkedBy());
            ids.add(call.offeredTo());
        }
        ids.remove(null);
        Map<String, AgentRecord> loaded = new LinkedHashMap<>();
        for (String id : ids) {
            if (agents.containsKey(id)) {
                loaded.put(id, agents.get(id));
            }
        }
        ParkingLot lot = null;
        if (input instanceof Input.Park) {
            Set<Integer> taken = new HashSet<>();
            activeCalls.values().stream().map(CallRecord::slot).filter(Objects::nonNull).forEach(taken::add);
            lot = new ParkingLot(firstSlot, lastSlot, Set.copyOf(taken));
        }
        return new Situation(TENANT, call, ended, Map.copyOf(loaded), lot);
    }

    private void save(Situation before, Situation after) {
        for (AgentRecord agent : after.agents().values()) {
            if (!Objects.equals(agent, before.agents().get(agent.id()))) {
                agents.put(agent.id(), agent);
            }
        }
        CallRecord call = after.call();
        if (call == null || Objects.equals(call, before.call())) {
            return;
        }
        if (call.state() == CallState.ENDED) {
            activeCalls.remove(call.callSid());
            history.put(call.callSid(), call);
        } else {
            activeCalls.put(call.callSid(), call);
        }
    }

    /**
     * What must hold after every step, whatever arrived in whatever order; the database's unique indexes
     * ({@code active_calls_one_per_agent}, {@code active_calls_one_per_slot}) state two of them too, but there a
     * breach would be a failed transaction, not a wrong picture.
     *
     * @return the breaches, empty when all hold
     */
    List<String> breaches() {
        List<String> breaches = new ArrayList<>();
        Map<String, String> callOfAgent = new LinkedHashMap<>();
        Map<Integer, String> callInSlot = new LinkedHashMap<>();
        for (CallRecord call : activeCalls.values()) {
            boolean held = call.state() == CallState.CLAIMED || call.state() == CallState.CONNECTED;
            if (held != (call.agentId() != null)) {
                breaches.add(call.callSid() + " is " + call.state() + " with agent " + call.agentId());
            }
            if (call.agentId() != null) {
                String other = callOfAgent.put(call.agentId(), call.callSid());
                if (other != null) {
                    breaches.add(call.agentId() + " holds both " + other + " and " + call.callSid());
                }
                AgentRecord agent = agents.get(call.agentId());
                if (agent.status() != AgentStatus.BUSY) {
                    breaches.add(call.callSid() + " is held by " + agent.id() + " who is " + agent.status());
                }
                String expectedCurrent = call.state() == CallState.CONNECTED ? call.callSid() : null;
                if (!Objects.equals(agent.currentCallSid(), expectedCurrent)) {
                    breaches.add(call.callSid() + " is " + call.state() + " but " + agent.id() + "'s current call is "
                            + agent.currentCallSid());
                }
            }
            if (call.consultWith() != null) {
                // The colleague of a consult is busy on it, and on it once their phone answered.
                String other = callOfAgent.put(call.consultWith(), call.callSid());
                AgentRecord colleague = agents.get(call.consultWith());
                if (other != null || colleague.status() != AgentStatus.BUSY
                        || (colleague.currentCallSid() != null && !colleague.currentCallSid().equals(call.callSid()))) {
                    breaches.add(call.callSid() + " consults " + colleague.id() + ", who is " + colleague.status()
                            + " on " + colleague.currentCallSid() + (other == null ? "" : " and holds " + other));
                }
            }
            if (call.state() == CallState.PARKED && (call.slot() == null || call.parkedBy() == null)) {
                breaches.add(call.callSid() + " is PARKED without a slot or a parker");
            }
            if (call.slot() != null) {
                String other = callInSlot.put(call.slot(), call.callSid());
                if (other != null) {
                    breaches.add(other + " and " + call.callSid() + " share slot " + call.slot());
                }
            }
        }
        for (AgentRecord agent : agents.values()) {
            if (agent.status() == AgentStatus.BUSY && !callOfAgent.containsKey(agent.id())) {
                breaches.add(agent.id() + " is busy without a call");
            }
            if (agent.currentCallSid() != null && !agent.currentCallSid().equals(callOfAgent.get(agent.id()))) {
                breaches.add(agent.id() + " is on " + agent.currentCallSid() + ", which is not theirs");
            }
        }
        return breaches;
    }
}
