package io.switchboard.state.core;

import static io.switchboard.state.core.CallHistories.describe;
import static io.switchboard.state.core.CallHistories.isWebhook;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.ErrorCode;
import io.switchboard.contract.TwilioCallStatus;
import io.switchboard.state.core.CallHistories.Choices;
import io.switchboard.state.core.CallHistories.History;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of the decision core over generated call histories ({@link CallHistories}: realistic lives of one to
 * three calls on a tenant with three agents), applied the way the shell applies them ({@link CallFloor}). Each
 * property takes the numbers that choose the history ({@code life}) and, where it perturbs the delivery, the numbers
 * that choose how ({@code delivery}); a failure prints both histories, and jqwik prints the seed to rerun it with
 * {@code @Property(seed = "…")}.
 */
class CallHistoryProperties {
    private static final int TRIES = 500;
    private static final Set<ErrorCode> LOSING_CLICK = Set.of(ErrorCode.ALREADY_CLAIMED, ErrorCode.NOT_OFFERED,
            ErrorCode.AGENT_BUSY, ErrorCode.CALL_NOT_FOUND, ErrorCode.INVALID_STATE);

    @Provide
    Arbitrary<List<Integer>> life() {
        // 120 is divisible by every branch count the writer uses, so no branch is favoured by the modulo.
        return Arbitraries.integers().between(0, 119).list().ofMinSize(20).ofMaxSize(160);
    }

    @Provide
    Arbitrary<List<Integer>> delivery() {
        return Arbitraries.integers().between(0, 59).list().ofMaxSize(120);
    }

    /**
     * Twilio delivering any of a call's webhooks twice — the copy arriving anywhere after the original but before
     * the next thing that is not a webhook (an agent's command, a timer, Twilio's refusal) — and the timer loop firing
     * any call's deadline again at any moment, end in exactly the in-order history's state: the same active calls
     * and call history records, the same agents, the same Twilio actions in the same order.
     *
     * <p>A copy arriving after a later command is not claimed: a {@code no-answer} of an agent's first leg arriving
     * after the same agent claimed the call again reads as the second leg's (the {@code <Dial action>} names no
     * leg). call-ingest gives every delivery of one webhook the same event id, and call-state drops a repeated id
     * before the decider sees it; this property is the decider's own second line.
     */
    @Property(tries = TRIES)
    void webhooksDeliveredTwiceEndInTheInOrderState(@ForAll("life") List<Integer> life,
            @ForAll("delivery") List<Integer> delivery) {
        History inOrder = CallHistories.write(life);
        List<Input> delivered = Delivery.perturb(inOrder, new Choices(delivery), 0, true);
        CallFloor floor = replay(delivered);
        assertSameEnd(inOrder, delivered, floor);
    }

    /**
     * Twilio delivering a burst of webhooks out of order — each moved by at most two places within its burst (the
     * webhooks between two other inputs), some of them twice, with deadline firings anywhere — ends every call
     * (Twilio's {@code completed} always comes) and leaves no agent busy or on a call. Unless an agent leg's end
     * overtook its answer, it also ends every call as the in-order history does — the same end reason, the same
     * agent having talked to the caller —, leaves every agent as screens saw them in order (status, presence,
     * current call) and asks Twilio for the same actions.
     *
     * <p>Not claimed when a leg's {@code completed} overtakes its {@code in-progress} (the caller hung up right after
     * the agent answered): the decider reads it as a leg that never answered, gives the claim back and frees the
     * agent at once instead of putting them in wrap-up, so what that agent clicks next may now succeed. Nor equal
     * timestamps: the first ending callback to arrive stamps the end and the wrap-up.
     */
    @Property(tries = TRIES)
    void reorderedWebhooksEndEveryCallAsInOrder(@ForAll("life") List<Integer> life,
            @ForAll("delivery") List<Integer> delivery) {
        History inOrder = CallHistories.write(life);
        List<Input> delivered = Delivery.perturb(inOrder, new Choices(delivery), 2, true);
        CallFloor floor = replay(delivered);
        String story = story(inOrder, delivered);
        assertThat(floor.activeCalls).as(story).isEmpty();
        assertThat(floor.history.keySet()).as(story).containsExactlyInAnyOrderElementsOf(inOrder.callSids());
        for (AgentRecord agent : floor.agents.values()) {
            assertThat(agent.currentCallSid()).as(agent.id() + story).isNull();
            assertThat(agent.status()).as(agent.id() + story).isNotEqualTo(AgentStatus.BUSY);
        }
        if (inOrder.callSids().stream().anyMatch(callSid -> Delivery.anEndOvertookAnAnswer(callSid, delivered))) {
            return;
        }
        for (String callSid : inOrder.callSids()) {
            CallRecord expected = inOrder.floor().history.get(callSid);
            CallRecord actual = floor.history.get(callSid);
            assertThat(actual.endReason()).as("end reason of " + callSid + story).isEqualTo(expected.endReason());
            assertThat(talkedTo(actual)).as("agent of " + callSid + story).isEqualTo(talkedTo(expected));
        }
        for (AgentRecord agent : floor.agents.values()) {
            assertThat(Projection.view(agent)).as(agent.id() + story)
                    .isEqualTo(Projection.view(inOrder.floor().agents.get(agent.id())));
        }
        // An agent's leg ending as the caller hangs up. In order, the claim is given back and the caller sent back to
        // wait (a request Twilio refuses: the caller is gone). The caller's end first: there is nothing to give back,
        // and the agent's leg, for all call-state knows still ringing, is hung up (it is over already).
        List<TwilioAction> unmatched = new ArrayList<>(floor.actions);
        List<TwilioAction> notTaken = new ArrayList<>(inOrder.floor().actions);
        notTaken.removeIf(unmatched::remove);
        assertThat(unmatched).as("actions not taken in order" + story).allMatch(action ->
                action instanceof TwilioAction.EndCall end && end.callSid().contains("-leg")
                        && Delivery.theCallersEndOvertookALegsEnd(
                                end.callSid().substring(0, end.callSid().indexOf("-leg")), delivered));
        assertThat(notTaken).as("actions taken in order only" + story).allMatch(action ->
                action instanceof TwilioAction.HoldCaller hold
                        && Delivery.theCallersEndOvertookALegsEnd(hold.callSid(), delivered));
    }

    /**
     * Agents clicking Answer or Retrieve on the same call at the same moment, in any order, and webhooks
     * reordered and repeated around them: each burst of clicks has at most one winner, every other clicker gets a
     * rejection saying why ({@code already_claimed} whenever another agent holds the call; otherwise not offered
     * to them, busy on another call, gone), and after every input
     * the floor is consistent ({@link CallFloor#breaches}); an agent clicking a call that is already theirs changes
     * nothing and is not refused. After every input a call is CLAIMED or CONNECTED exactly when it has an
     * agent, that agent is busy and on it (CONNECTED) or ringing for it (CLAIMED), no agent holds two calls, a
     * PARKED call has a slot and a parker, and no two calls share a slot.
     */
    @Property(tries = 2 * TRIES) // two calls in the lot at once, where a shared slot would show, are rarer
    void concurrentClicksHaveOneWinnerAndTheFloorStaysConsistent(@ForAll("life") List<Integer> life,
            @ForAll("delivery") List<Integer> delivery) {
        History inOrder = CallHistories.write(life);
        Choices choices = new Choices(delivery);
        List<Input> delivered = Delivery.shuffleClicks(Delivery.perturb(inOrder, choices, 2, true), choices);
        String story = story(inOrder, delivered);
        CallFloor floor = CallHistories.newFloor();
        List<CallFloor.Step> burst = new ArrayList<>();
        for (Input input : delivered) {
            CallFloor.Step step = floor.handle(input);
            assertThat(floor.breaches()).as(() -> "after " + describe(input) + story).isEmpty();
            if (!burst.isEmpty() && !Delivery.sameBurstOfClicks(burst.get(0).input(), input)) {
                assertOneWinner(burst, story);
                burst.clear();
            }
            if (Delivery.isClick(input)) {
                burst.add(step);
            }
        }
        assertOneWinner(burst, story);
    }

    /**
     * Any input decided a second time right after it was applied changes nothing: no facts and no Twilio actions —
     * webhooks, deadline firings, agent reviews and Twilio's refusals by the state they left behind; a winning
     * claim or retrieve because the call is already the agent's; a refused command is refused again. One
     * exception by design: a repeated hangup asks Twilio to end the call again (harmless: Twilio's callback ends
     * it once). Commands are not idempotent later on — a claim repeated after the call rang again would claim it
     * again — which is why the shell drops a repeated command id ({@code processed_events}) before deciding.
     */
    @Property(tries = TRIES)
    void anInputAppliedTwiceInARowChangesNothing(@ForAll("life") List<Integer> life) {
        History inOrder = CallHistories.write(life);
        CallFloor floor = CallHistories.newFloor();
        for (Input input : inOrder.inputs()) {
            Decision first = floor.handle(input).decision();
            Decision again = floor.peek(input);
            // Described only when an assertion fails: the story of every step would cost more than the property.
            Supplier<String> what = () -> describe(input) + " decided " + first + " then " + again
                    + story(inOrder, inOrder.inputs());
            assertThat(again.facts()).as(what).isEmpty();
            if (input instanceof Input.Hangup) {
                assertThat(again.actions()).as(what).isEqualTo(first.actions());
            } else {
                assertThat(again.actions()).as(what).isEmpty();
            }
            if (first.rejected()) {
                assertThat(again.rejection().code()).as(what).isEqualTo(first.rejection().code());
            } else if (!(input instanceof Input.Park)) {
                // A successful park is refused when repeated (the call is in the lot, nobody's): nothing changes.
                assertThat(again.rejected()).as(what).isFalse();
            }
        }
    }

    /**
     * ENDED is terminal: once a call ended (its caller's {@code completed}, or Twilio saying it is gone), no input
     * about it — late or repeated webhooks of any status, claims, retrieves, parks and hangups by any agent, deadline
     * firings, Twilio's refusals — decides a fact or a Twilio action: it never comes back to the active calls and no
     * agent is put on it.
     */
    @Property(tries = TRIES)
    void anEndedCallStaysEnded(@ForAll("life") List<Integer> life, @ForAll("delivery") List<Integer> delivery) {
        History inOrder = CallHistories.write(life);
        CallFloor floor = replay(inOrder.inputs());
        Choices choices = new Choices(delivery);
        Instant later = CallHistories.T0.plusSeconds(3600);
        for (int i = 0; i < 30; i++) {
            String callSid = inOrder.callSids().get(choices.pick(inOrder.callSids().size()));
            Input late = Delivery.anyInputAbout(callSid, choices, later.plusSeconds(i));
            Decision decision = floor.handle(late).decision();
            Supplier<String> what = () -> describe(late) + " decided " + decision + story(inOrder, inOrder.inputs());
            assertThat(decision.facts()).as(what).isEmpty();
            assertThat(decision.actions()).as(what).isEmpty();
            assertThat(floor.activeCalls).as(what).doesNotContainKey(callSid);
            assertThat(floor.agents.values()).as(what).allSatisfy(a -> assertThat(a.currentCallSid()).isNull());
            assertThat(floor.breaches()).as(what).isEmpty();
        }
    }

    private static void assertOneWinner(List<CallFloor.Step> burst, String story) {
        long winners = burst.stream().filter(s -> s.decision().facts().stream()
                .anyMatch(f -> f instanceof Fact.CallClaimed)).count();
        assertThat(winners).as("winners of " + burst.stream().map(s -> describe(s.input())).toList() + story)
                .isLessThanOrEqualTo(1);
        for (CallFloor.Step step : burst) {
            String agent = CallFloor.askingAgent(step.input());
            boolean alreadyTheirs = step.before().call() != null && step.before().call().heldBy(agent);
            if (alreadyTheirs) {
                // The same agent clicked again: their claim stands, nothing to say.
                assertThat(step.decision().facts()).as(describe(step.input()) + story).isEmpty();
                assertThat(step.decision().rejected()).as(describe(step.input()) + story).isFalse();
            } else if (step.before().call() != null && step.before().call().agentId() != null) {
                // Someone else holds it: the first click won, whatever order the clicks came in.
                assertThat(step.decision().rejection()).as(describe(step.input()) + story).isNotNull();
                assertThat(step.decision().rejection().code()).as(describe(step.input()) + story)
                        .isEqualTo(ErrorCode.ALREADY_CLAIMED);
            } else if (step.decision().facts().isEmpty()) {
                assertThat(step.decision().rejection()).as(describe(step.input()) + story).isNotNull();
                assertThat(step.decision().rejection().code()).as(describe(step.input()) + story).isIn(LOSING_CLICK);
            }
        }
    }

    private static CallFloor replay(List<Input> inputs) {
        CallFloor floor = CallHistories.newFloor();
        inputs.forEach(floor::handle);
        return floor;
    }

    private static void assertSameEnd(History inOrder, List<Input> delivered, CallFloor floor) {
        String story = story(inOrder, delivered);
        assertThat(floor.activeCalls).as(story).isEqualTo(inOrder.floor().activeCalls);
        assertThat(floor.history).as(story).isEqualTo(inOrder.floor().history);
        assertThat(floor.agents).as(story).isEqualTo(inOrder.floor().agents);
        assertThat(floor.actions).as(story).isEqualTo(inOrder.floor().actions);
    }

    /** Who talked to the caller: the agent on the call when it ended, if the call was ever answered. */
    private static String talkedTo(CallRecord ended) {
        return ended.answeredAt() == null ? null : ended.agentId();
    }

    private static String story(History inOrder, List<Input> delivered) {
        return "\nin order:" + describe(inOrder.inputs()) + "\ndelivered:" + describe(delivered);
    }

    /** How Twilio and the timer loop may disturb the in-order history. */
    static final class Delivery {
        private Delivery() {
        }

        /**
         * Webhooks this close together form a burst Twilio may deliver out of order. Farther apart, the later one
         * was sent long after the earlier was answered: moving it ahead would be call-state lagging for longer than a
         * claim's ring timeout, whose deadline then rightly gives the claim back (docs/reliability.md).
         */
        private static final Duration BURST = Duration.ofSeconds(2);

        /**
         * Reorders each burst of webhooks so that each moves by at most {@code window} places, delivers some of
         * them twice (the copy later in the same burst) when {@code duplicates}, and fires a deadline of some call
         * again here and there (at the latest time delivered so far, as the timer loop would).
         */
        static List<Input> perturb(History history, Choices choices, int window, boolean duplicates) {
            List<Input> in = history.inputs();
            List<Input> out = new ArrayList<>();
            Instant latest = CallHistories.T0;
            int i = 0;
            while (i < in.size()) {
                int end = i;
                while (end < in.size() && isWebhook(in.get(end))
                        && !at(in.get(end)).isAfter(at(in.get(i)).plus(BURST))) {
                    end++;
                }
                List<Input> burst = end == i ? List.of(in.get(i++)) : reorder(in.subList(i, end), choices, window);
                if (end > i) {
                    i = end;
                }
                if (duplicates && burst.size() > 0 && isWebhook(burst.get(0))) {
                    burst = duplicate(burst, choices);
                }
                for (Input input : burst) {
                    out.add(input);
                    latest = at(input) != null && at(input).isAfter(latest) ? at(input) : latest;
                    if (choices.oneIn(5)) {
                        String callSid = history.callSids().get(choices.pick(history.callSids().size()));
                        out.add(new Input.DeadlinePassed(callSid, latest));
                    }
                }
            }
            return out;
        }

        private static List<Input> reorder(List<Input> burst, Choices choices, int window) {
            record Keyed(Input input, int key, int index) {
            }
            List<Keyed> keyed = new ArrayList<>();
            for (int j = 0; j < burst.size(); j++) {
                keyed.add(new Keyed(burst.get(j), j + choices.pick(window + 1), j));
            }
            keyed.sort(Comparator.comparingInt(Keyed::key).thenComparingInt(Keyed::index));
            return keyed.stream().map(Keyed::input).toList();
        }

        private static List<Input> duplicate(List<Input> burst, Choices choices) {
            List<Input> out = new ArrayList<>(burst);
            for (Input input : burst) {
                if (choices.oneIn(3)) {
                    int after = out.indexOf(input) + 1;
                    out.add(after + choices.pick(out.size() - after + 1), input);
                }
            }
            return out;
        }

        /** Some agent leg of the call reported its end before it reported it was answered. */
        static boolean anEndOvertookAnAnswer(String callSid, List<Input> delivered) {
            Set<String> ended = new java.util.HashSet<>();
            for (Input input : delivered) {
                if (input instanceof Input.AgentLegStatus leg && leg.callSid().equals(callSid)) {
                    if (leg.status().isFinal()) {
                        ended.add(leg.legSid());
                    } else if (leg.status() == TwilioCallStatus.IN_PROGRESS && ended.contains(leg.legSid())) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** The caller's end was delivered before the end of an agent leg of the call. */
        static boolean theCallersEndOvertookALegsEnd(String callSid, List<Input> delivered) {
            boolean callerGone = false;
            for (Input input : delivered) {
                if (input instanceof Input.CallerLegStatus caller && caller.callSid().equals(callSid)
                        && caller.status().isFinal()) {
                    callerGone = true;
                } else if (callerGone && input instanceof Input.AgentLegStatus leg && leg.callSid().equals(callSid)
                        && leg.status().isFinal()) {
                    return true;
                }
            }
            return false;
        }

        static boolean isClick(Input input) {
            return input instanceof Input.Claim || input instanceof Input.Retrieve;
        }

        static boolean sameBurstOfClicks(Input first, Input next) {
            return isClick(next) && ((Input.CallInput) first).callSid().equals(((Input.CallInput) next).callSid())
                    && at(first).equals(at(next));
        }

        /** Puts every burst of clicks on one call at one moment in another order. */
        static List<Input> shuffleClicks(List<Input> inputs, Choices choices) {
            List<Input> out = new ArrayList<>(inputs);
            int i = 0;
            while (i < out.size()) {
                int end = i + 1;
                if (isClick(out.get(i))) {
                    while (end < out.size() && sameBurstOfClicks(out.get(i), out.get(end))) {
                        end++;
                    }
                    List<Input> clicks = new ArrayList<>(out.subList(i, end));
                    for (int j = clicks.size() - 1; j > 0; j--) {
                        java.util.Collections.swap(clicks, j, choices.pick(j + 1));
                    }
                    for (int j = i; j < end; j++) {
                        out.set(j, clicks.get(j - i));
                    }
                }
                i = end;
            }
            return out;
        }

        /** Any input at all about a call: any webhook status, any agent's command, a timer, a refusal. */
        static Input anyInputAbout(String callSid, Choices choices, Instant at) {
            String agent = CallHistories.AGENTS.get(choices.pick(CallHistories.AGENTS.size()));
            TwilioCallStatus status = TwilioCallStatus.values()[choices.pick(TwilioCallStatus.values().length)];
            return switch (choices.pick(12)) {
                case 0 -> new Input.RingIncoming(callSid, CallHistories.CALLER, CallHistories.NUMBER, at);
                case 1 -> new Input.Claim(callSid, agent, at);
                case 2 -> new Input.Retrieve(callSid, agent, at);
                case 3 -> new Input.Park(callSid, agent, at);
                case 4 -> new Input.Hangup(callSid, agent);
                case 5 -> new Input.CallerLegStatus(callSid, CallHistories.CALLER, CallHistories.NUMBER, status, at);
                case 6 -> new Input.AgentLegStatus(callSid, callSid + "-leg9", agent, status, at);
                case 7 -> new Input.DialEnded(callSid, status, at);
                case 8 -> new Input.DeadlinePassed(callSid, at);
                case 9 -> new Input.ConnectFailed(callSid, agent, choices.pick(2) == 0, at);
                case 10 -> new Input.ParkConfirmed(callSid, agent, null, at);
                default -> new Input.ParkFailed(callSid, agent, null, choices.pick(2) == 0, at);
            };
        }

        static Instant at(Input input) {
            if (input instanceof Input.RingIncoming i) {
                return i.at();
            } else if (input instanceof Input.Claim i) {
                return i.at();
            } else if (input instanceof Input.Retrieve i) {
                return i.at();
            } else if (input instanceof Input.Park i) {
                return i.at();
            } else if (input instanceof Input.CallerLegStatus i) {
                return i.at();
            } else if (input instanceof Input.AgentLegStatus i) {
                return i.at();
            } else if (input instanceof Input.DialEnded i) {
                return i.at();
            } else if (input instanceof Input.DeadlinePassed i) {
                return i.at();
            } else if (input instanceof Input.ConnectFailed i) {
                return i.at();
            } else if (input instanceof Input.ParkFailed i) {
                return i.at();
            } else if (input instanceof Input.ParkConfirmed i) {
                return i.at();
            } else if (input instanceof Input.ReviewAgent i) {
                return i.at();
            } else if (input instanceof Input.SetStatus i) {
                return i.at();
            }
            return null; // a hangup carries no time
        }
    }
}
