package io.switchboard.state.core;

import static io.switchboard.contract.TwilioCallStatus.BUSY;
import static io.switchboard.contract.TwilioCallStatus.CANCELED;
import static io.switchboard.contract.TwilioCallStatus.COMPLETED;
import static io.switchboard.contract.TwilioCallStatus.IN_PROGRESS;
import static io.switchboard.contract.TwilioCallStatus.NO_ANSWER;
import static io.switchboard.contract.TwilioCallStatus.RINGING;

import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.CallState;
import io.switchboard.contract.Presence;
import io.switchboard.contract.TwilioCallStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes realistic in-order histories of a small call center: callers ring, one to three agents click Answer at
 * once, agents' phones answer or not, callers are put on hold and taken off it, calls are transferred (at once, or
 * after a consult that is completed, cancelled, or cut short by a hang-up), calls are parked and retrieved or time out
 * in the lot, and the caller or the agent hangs up. Twilio is simulated from the decider's own actions (a
 * connect takes the caller to the conference and rings a new agent leg, whose SID Twilio's answer gives, and which
 * may answer before that answer comes; taking the caller out of the conference to wait or park ends it and the leg;
 * an end call completes every leg), and timers fire when their deadline passes, so the history is one that
 * production could really see, in the order things happened.
 *
 * <p>Every branch is chosen by the next of the given numbers; when they run out the simplest branch is taken
 * (the first agent answers, then the caller hangs up). jqwik shrinks a failing history by shrinking the numbers.
 */
final class CallHistories {
    // The example tests' clock and timing: a history and an example read the same.
    static final Instant T0 = DeciderSpec.T0;
    static final Duration CLAIM_TIMEOUT = DeciderSpec.CLAIM_TIMEOUT;
    static final Duration PARK_TIMEOUT = DeciderSpec.PARK_TIMEOUT;
    static final Duration PARKER_RING_TIME = DeciderSpec.PARKER_RING_TIME;
    static final Duration WRAP_UP = DeciderSpec.WRAP_UP;
    static final CallDecider.Timing TIMING = DeciderSpec.TIMING;
    static final List<String> AGENTS = List.of("doug", "rhonda", "hank");
    static final String CALLER = "+15551230000";
    static final String NUMBER = "+15005550006";
    /** A small lot, so that a second park can find it full. */
    static final int FIRST_SLOT = 701;
    static final int LAST_SLOT = 702;
    private static final int MAX_MOVES = 60;

    static CallFloor newFloor() {
        List<AgentRecord> staff = AGENTS.stream().map(id -> new AgentRecord(CallFloor.TENANT, id,
                id.substring(0, 1).toUpperCase() + id.substring(1), true, Presence.ONLINE, AgentStatus.AVAILABLE, null,
                null, null, null, null)).toList();
        return new CallFloor(new CallDecider(TIMING), FIRST_SLOT, LAST_SLOT, staff);
    }

    /** A history as it happened, and the floor it left behind. */
    record History(List<Input> inputs, CallFloor floor, List<String> callSids) {
    }

    /** The branches taken, read one number at a time. */
    static final class Choices {
        private final List<Integer> numbers;
        private int next;

        Choices(List<Integer> numbers) {
            this.numbers = numbers;
        }

        int pick(int options) {
            return next < numbers.size() ? Math.floorMod(numbers.get(next++), options) : 0;
        }

        /** True about once in {@code n}; never once the numbers ran out. */
        boolean oneIn(int n) {
            return pick(n) == n - 1;
        }
    }

    /** Twilio's side of one call: is the caller still on the line, and which agent leg rings or talks. */
    private static final class TwilioCall {
        final String sid;
        boolean rang;
        boolean callerGone;
        /** The caller hung up at Twilio, and Twilio's callbacks saying so have not been delivered yet. */
        boolean endUnreported;
        int legs;
        String legSid;
        String legAgent;
        boolean legAnswered;
        /** The leg of the colleague a warm transfer consults. */
        String consultLegSid;
        String consultAgent;
        boolean consultAnswered;

        TwilioCall(String sid) {
            this.sid = sid;
        }
    }

    private final Choices choices;
    private final CallFloor floor = newFloor();
    private final List<Input> inputs = new ArrayList<>();
    private final Map<String, TwilioCall> calls = new LinkedHashMap<>();
    private Instant now = T0;

    private CallHistories(List<Integer> numbers) {
        this.choices = new Choices(numbers);
    }

    /** One to three callers on one tenant, their calls' lives interleaved as the numbers say. */
    static History write(List<Integer> numbers) {
        CallHistories writer = new CallHistories(numbers);
        int callers = 1 + writer.choices.pick(3);
        for (int i = 1; i <= callers; i++) {
            writer.calls.put("CA" + i, new TwilioCall("CA" + i));
        }
        for (int move = 0; move < MAX_MOVES; move++) {
            List<TwilioCall> live = writer.calls.values().stream().filter(c -> !c.callerGone).toList();
            if (live.isEmpty()) {
                break;
            }
            writer.move(live.get(writer.choices.pick(live.size())));
        }
        // Every call ends some time: the callers still on the line hang up.
        for (TwilioCall call : writer.calls.values()) {
            if (!call.callerGone) {
                writer.callerHangsUp(call);
            }
        }
        return new History(List.copyOf(writer.inputs), writer.floor, List.copyOf(writer.calls.keySet()));
    }

    private void move(TwilioCall call) {
        pass(1 + choices.pick(5));
        if (!call.rang) {
            call.rang = true;
            deliver(new Input.RingIncoming(call.sid, CALLER, NUMBER, now));
            return;
        }
        if (call.legSid != null && !call.legAnswered) {
            agentsPhoneRings(call);
            return;
        }
        if (call.consultLegSid != null && !call.consultAnswered) {
            colleaguesPhoneRings(call);
            return;
        }
        CallRecord record = floor.activeCalls.get(call.sid);
        if (record == null) {
            callerHangsUp(call);
            return;
        }
        switch (record.state()) {
            case RINGING -> ringing(call, record);
            case CONNECTED -> talking(call, record);
            case PARKED -> parked(call, record);
            default -> callerHangsUp(call); // CLAIMED without a ringing leg: cannot happen in order
        }
    }

    private void ringing(TwilioCall call, CallRecord record) {
        switch (choices.pick(8)) {
            case 6 -> callerHangsUp(call);
            case 7 -> {
                // Nobody clicks: a ring-back to the parker widens to everyone at its deadline.
                if (record.deadline() != null) {
                    passUntil(record.deadline());
                } else {
                    pass(10);
                }
            }
            default -> clicks(call, false);
        }
    }

    private void talking(TwilioCall call, CallRecord record) {
        if (record.consultant() != null) {
            consulting(call, record);
            return;
        }
        // Parking is the likeliest move, so that two or three calls wait in the small lot at once.
        switch (choices.pick(12)) {
            case 10 -> deliver(new Input.Transfer(call.sid, record.agentId(), someoneBut(record.agentId()), false, now));
            case 11 -> deliver(new Input.Transfer(call.sid, record.agentId(), someoneBut(record.agentId()), true, now));
            case 1 -> deliver(new Input.Hangup(call.sid, record.agentId()));
            case 2, 3, 4 -> deliver(new Input.Park(call.sid, record.agentId(), now));
            case 5, 6 -> deliver(new Input.Hold(call.sid, record.agentId(), !record.onHold(), now));
            case 7 -> deliver(new Input.Claim(call.sid, someoneBut(record.agentId()), now));
            case 8 -> deliver(new Input.Hangup(call.sid, someoneBut(record.agentId())));
            case 9 -> {
                // The caller hangs up as the agent clicks park: Twilio refuses the park, and the caller's callbacks
                // race the refusal (see twilioDoes).
                call.callerGone = true;
                call.endUnreported = true;
                deliver(new Input.Park(call.sid, record.agentId(), now));
                if (call.endUnreported) {
                    reportEnd(call);
                }
            }
            default -> callerHangsUp(call);
        }
    }

    /** A warm transfer is under way: the agent ends it, someone hangs up, the colleague takes it, or time passes. */
    private void consulting(TwilioCall call, CallRecord record) {
        switch (choices.pick(8)) {
            case 0 -> deliver(new Input.EndConsult(call.sid, record.agentId(), true, now));
            case 1 -> deliver(new Input.EndConsult(call.sid, record.agentId(), false, now));
            case 2 -> dropLeg(call); // the agent hangs up on their phone
            case 3 -> dropConsultLeg(call); // the colleague hangs up
            case 4 -> callerHangsUp(call);
            case 5 -> passUntil(record.deadline() != null ? record.deadline() : now.plusSeconds(10));
            default -> {
                // The colleague (or another agent) clicks Answer on the consult.
                String colleague = record.consultWith() == null && choices.oneIn(4) ? someoneBut(record.agentId())
                        : record.consultant();
                deliver(new Input.Claim(call.sid, colleague, now));
            }
        }
    }

    /** The colleague's phone rings for the consult: it answers, or it does not. */
    private void colleaguesPhoneRings(TwilioCall call) {
        if (choices.oneIn(4)) {
            String legSid = call.consultLegSid;
            call.consultLegSid = null;
            deliver(new Input.AgentLegStatus(call.sid, legSid, call.consultAgent, NO_ANSWER, now));
            return;
        }
        call.consultAnswered = true;
        deliver(new Input.AgentLegStatus(call.sid, call.consultLegSid, call.consultAgent, IN_PROGRESS, now));
    }

    private void parked(TwilioCall call, CallRecord record) {
        switch (choices.pick(3)) {
            case 1 -> passUntil(record.deadline());
            case 2 -> callerHangsUp(call);
            default -> clicks(call, true);
        }
    }

    /** One to three agents click Answer (or Retrieve) at the same moment, in some order. */
    private void clicks(TwilioCall call, boolean retrieve) {
        List<String> left = new ArrayList<>(AGENTS);
        int clicking = 1 + choices.pick(3);
        for (int i = 0; i < clicking; i++) {
            String agent = left.remove(choices.pick(left.size()));
            deliver(retrieve ? new Input.Retrieve(call.sid, agent, now) : new Input.Claim(call.sid, agent, now));
        }
    }

    /** The agent leg the last connect dialled: answered, not answered, too slow for the claim, or the caller left. */
    private void agentsPhoneRings(TwilioCall call) {
        switch (choices.pick(8)) {
            case 4, 5 -> {
                // Not answered: the leg's own callback says so; the caller waits in the conference.
                TwilioCallStatus why = choices.pick(2) == 0 ? NO_ANSWER : BUSY;
                String legSid = call.legSid;
                String agent = call.legAgent;
                call.legSid = null;
                deliver(new Input.AgentLegStatus(call.sid, legSid, agent, why, now));
            }
            case 6 -> {
                // Both callbacks are late: the claim's deadline gives the call back first.
                CallRecord record = floor.activeCalls.get(call.sid);
                passUntil(record != null && record.deadline() != null ? record.deadline() : now.plusSeconds(30));
            }
            case 7 -> callerHangsUp(call);
            default -> {
                call.legAnswered = true;
                deliver(new Input.AgentLegStatus(call.sid, call.legSid, call.legAgent, RINGING, now));
                deliver(new Input.AgentLegStatus(call.sid, call.legSid, call.legAgent, IN_PROGRESS, now));
            }
        }
    }

    /** The caller hangs up: Twilio ends the conference and the agent leg, and the caller's call completed. */
    private void callerHangsUp(TwilioCall call) {
        if (call.callerGone) {
            return;
        }
        call.callerGone = true;
        reportEnd(call);
    }

    /** Twilio's callbacks of the caller's hang-up: the agents' legs' ends, then the caller's own. */
    private void reportEnd(TwilioCall call) {
        call.endUnreported = false;
        dropLeg(call);
        dropConsultLeg(call);
        deliver(new Input.CallerLegStatus(call.sid, CALLER, NUMBER, COMPLETED, now));
    }

    /** Applies an input in order, records it, and lets Twilio act on the decision. */
    private void deliver(Input input) {
        inputs.add(input);
        Decision decision = floor.handle(input).decision();
        for (TwilioAction action : decision.actions()) {
            twilioDoes(action);
        }
    }

    private void twilioDoes(TwilioAction action) {
        TwilioCall call = calls.get(action.callSid());
        if (call == null) {
            // An agent's leg left ringing for nothing, hung up.
            calls.values().stream().filter(c -> action.callSid().equals(c.legSid)).findFirst()
                    .ifPresent(this::dropLeg);
            calls.values().stream().filter(c -> action.callSid().equals(c.consultLegSid)).findFirst()
                    .ifPresent(this::dropConsultLeg);
            return;
        }
        if (action instanceof TwilioAction.ConnectToAgent connect) {
            if (call.callerGone || choices.oneIn(8)) {
                deliver(new Input.ConnectFailed(call.sid, connect.agentId(), call.callerGone, now));
                return;
            }
            dropLeg(call);
            call.legs++;
            call.legSid = call.sid + "-leg" + call.legs;
            call.legAgent = connect.agentId();
            call.legAnswered = false;
            boolean joined = choices.oneIn(2);
            if (joined) {
                // Twilio moved the caller, and says so in the conference's callback before it answers the connect.
                deliver(new Input.CallerJoined(call.sid, connect.claimedAt().toEpochMilli(), now));
            }
            if (choices.oneIn(4)) {
                // Both requests of a connect go at once: the agent's phone answers before Twilio's answer comes.
                call.legAnswered = true;
                deliver(new Input.AgentLegStatus(call.sid, call.legSid, call.legAgent, RINGING, now));
                deliver(new Input.AgentLegStatus(call.sid, call.legSid, call.legAgent, IN_PROGRESS, now));
                if (!joined && choices.oneIn(3)) {
                    // The caller hung up as Twilio was asked to move them: it refuses, and the agent, who answered
                    // into an empty conference, is hung up before the refusal is reported.
                    call.callerGone = true;
                    dropLeg(call);
                    deliver(new Input.ConnectFailed(call.sid, connect.agentId(), true, now));
                    reportEnd(call);
                    return;
                }
            }
            deliver(new Input.AgentDialed(call.sid, connect.agentId(), connect.claimedAt(), call.legSid, now));
        } else if (action instanceof TwilioAction.Consult consult) {
            if (call.callerGone || choices.oneIn(8)) {
                deliver(new Input.EndConsult(call.sid, consult.agentId(), false, now)); // Twilio refused the colleague
                return;
            }
            dropConsultLeg(call);
            call.legs++;
            call.consultLegSid = call.sid + "-leg" + call.legs;
            call.consultAgent = consult.colleague();
            call.consultAnswered = false;
            deliver(new Input.AgentDialed(call.sid, consult.colleague(), consult.claimedAt(), call.consultLegSid, now));
        } else if (action instanceof TwilioAction.CompleteTransfer) {
            // The agent leaves the conference; the colleague's leg is the caller's agent's now.
            dropLeg(call);
            call.legSid = call.consultLegSid;
            call.legAgent = call.consultAgent;
            call.legAnswered = call.consultAnswered;
            call.consultLegSid = null;
        } else if (action instanceof TwilioAction.CancelConsult) {
            dropConsultLeg(call);
        } else if (action instanceof TwilioAction.HoldInConference hold) {
            if (!call.callerGone && choices.oneIn(8)) {
                deliver(new Input.HoldFailed(call.sid, hold.onHold(), now));
            }
        } else if (action instanceof TwilioAction.HoldCaller || action instanceof TwilioAction.ParkCaller) {
            if (action instanceof TwilioAction.ParkCaller park && (call.callerGone || choices.oneIn(8))) {
                if (call.endUnreported && choices.oneIn(2)) {
                    reportEnd(call); // the caller's end reaches call-state before Twilio's answer to the park
                }
                deliver(new Input.ParkFailed(call.sid, park.agentId(), park.parkedAt(), call.callerGone, now));
                return;
            }
            if (action instanceof TwilioAction.HoldCaller hold && !hold.inParkingLot() && call.callerGone) {
                deliver(new Input.MoveFailed(call.sid, now)); // Twilio refuses to move a caller who is gone
                return;
            }
            if (action instanceof TwilioAction.ParkCaller park) {
                deliver(new Input.ParkConfirmed(call.sid, park.agentId(), park.parkedAt(), now));
            }
            // The caller leaving the conference ends it, and the agents' legs with it.
            dropLeg(call);
            dropConsultLeg(call);
            if (action instanceof TwilioAction.HoldCaller hold && !hold.inParkingLot()) {
                deliver(new Input.CallerWaiting(call.sid, now)); // Twilio's answer to the move
            }
        } else if (action instanceof TwilioAction.EndCall) {
            callerHangsUp(call);
        }
    }

    private void dropLeg(TwilioCall call) {
        if (call.legSid != null) {
            String legSid = call.legSid;
            call.legSid = null;
            deliver(new Input.AgentLegStatus(call.sid, legSid, call.legAgent, call.legAnswered ? COMPLETED : CANCELED,
                    now));
        }
    }

    private void dropConsultLeg(TwilioCall call) {
        if (call.consultLegSid != null) {
            String legSid = call.consultLegSid;
            call.consultLegSid = null;
            deliver(new Input.AgentLegStatus(call.sid, legSid, call.consultAgent,
                    call.consultAnswered ? COMPLETED : CANCELED, now));
        }
    }

    private String someoneBut(String agent) {
        List<String> others = AGENTS.stream().filter(a -> !a.equals(agent)).toList();
        return others.get(choices.pick(others.size()));
    }

    private void pass(int seconds) {
        passUntil(now.plusSeconds(seconds));
    }

    /**
     * Time passes; the timer loop fires every call deadline and agent wrap-up as it falls due, in the order they
     * fall due, as it does every second.
     */
    private void passUntil(Instant until) {
        for (int fired = 0; fired < 50; fired++) {
            Instant next = null;
            Input due = null;
            for (CallRecord call : floor.activeCalls.values()) {
                if (call.deadline() != null && !call.deadline().isAfter(until)
                        && (next == null || call.deadline().isBefore(next))) {
                    next = call.deadline();
                    due = new Input.DeadlinePassed(call.callSid(), max(now, next));
                }
            }
            for (AgentRecord agent : floor.agents.values()) {
                if (agent.wrapUpUntil() != null && !agent.wrapUpUntil().isAfter(until)
                        && (next == null || agent.wrapUpUntil().isBefore(next))) {
                    next = agent.wrapUpUntil();
                    due = new Input.ReviewAgent(agent.id(), 1, false, max(now, next));
                }
            }
            if (due == null) {
                break;
            }
            now = max(now, next);
            deliver(due);
        }
        now = max(now, until);
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    static boolean isWebhook(Input input) {
        return input instanceof Input.RingIncoming || input instanceof Input.CallerLegStatus
                || input instanceof Input.AgentLegStatus || input instanceof Input.DialEnded;
    }

    static String describe(Input input) {
        String s = input.toString();
        return s.replace("io.switchboard.state.core.Input$", "").replace(", at=2026-11-21T", " @").replace("Z]", "]");
    }

    static String describe(List<Input> inputs) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < inputs.size(); i++) {
            b.append(String.format("%n  %2d %s", i, describe(inputs.get(i))));
        }
        return b.toString();
    }

    static boolean callState(CallFloor floor, String callSid, CallState state) {
        CallRecord c = floor.activeCalls.get(callSid);
        return c != null ? c.state() == state : state == CallState.ENDED && floor.history.containsKey(callSid);
    }
}
