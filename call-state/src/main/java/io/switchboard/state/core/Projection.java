package io.switchboard.state.core;

import io.switchboard.contract.Agent;
import io.switchboard.contract.Call;
import io.switchboard.contract.CallState;
import io.switchboard.contract.OutboundCall;
import io.switchboard.contract.RingCancelReason;
import io.switchboard.contract.StateChange;
import io.switchboard.contract.TenantSettings;
import io.switchboard.contract.Voicemail;
import io.switchboard.state.core.Fact.AgentAnswered;
import io.switchboard.state.core.Fact.AgentDialed;
import io.switchboard.state.core.Fact.AgentUpdated;
import io.switchboard.state.core.Fact.BackInSlot;
import io.switchboard.state.core.Fact.CallClaimed;
import io.switchboard.state.core.Fact.CallConnected;
import io.switchboard.state.core.Fact.CallEnded;
import io.switchboard.state.core.Fact.CallHeld;
import io.switchboard.state.core.Fact.CallParked;
import io.switchboard.state.core.Fact.CallPlaced;
import io.switchboard.state.core.Fact.CallRang;
import io.switchboard.state.core.Fact.CallTransferred;
import io.switchboard.state.core.Fact.CallUnheld;
import io.switchboard.state.core.Fact.CallerGone;
import io.switchboard.state.core.Fact.CallerJoined;
import io.switchboard.state.core.Fact.ClaimReleased;
import io.switchboard.state.core.Fact.ConsultConnected;
import io.switchboard.state.core.Fact.ConsultEnded;
import io.switchboard.state.core.Fact.ConsultOffered;
import io.switchboard.state.core.Fact.ConsultTaken;
import io.switchboard.state.core.Fact.EndedBeforeItsPark;
import io.switchboard.state.core.Fact.NumberCalled;
import io.switchboard.state.core.Fact.OfferWidened;
import io.switchboard.state.core.Fact.ParkSettled;
import io.switchboard.state.core.Fact.ParkTimedOut;
import io.switchboard.state.core.Fact.ParkUndone;
import io.switchboard.state.core.Fact.TransferCompleted;
import io.switchboard.state.core.Fact.TransferRangBack;
import io.switchboard.state.core.Fact.UnseenCallEnded;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Applies facts to a situation (evolve) and says what every screen must be told, numbering the changes
 * from the tenant's next {@code seq}. Pure: the shell stores the resulting situation and changes in one
 * transaction.
 */
public final class Projection {
    private Projection() {
    }

    /**
     * The situation after the facts, the tenant's changes they make (numbered from {@code nextSeq}), and what the
     * parking lot's history gains.
     */
    public record Applied(Situation situation, List<StateChange> changes, List<ParkingHistory> parking,
            List<CallStep> steps, List<Fact.AdminFact> admin) {
    }

    public static Applied apply(Situation situation, List<Fact> facts, long nextSeq) {
        Changes changes = new Changes(situation.tenantId(), nextSeq);
        List<ParkingHistory> parking = new ArrayList<>();
        List<CallStep> steps = new ArrayList<>();
        List<Fact.AdminFact> admin = new ArrayList<>();
        Situation s = situation;
        for (Fact fact : facts) {
            if (fact instanceof Fact.AdminFact write) {
                admin.add(write);
                announce(write, changes);
                continue;
            }
            CallRecord call = s.call();
            if (call != null) {
                parking(call, fact).ifPresent(parking::add);
            }
            Optional<CallStep> step = step(call, fact);
            s = apply(s, fact, changes);
            CallRecord after = s.call();
            step.map(taken -> taken.ringing(after)).ifPresent(steps::add);
        }
        return new Applied(s, List.copyOf(changes.list), List.copyOf(parking), List.copyOf(steps),
                List.copyOf(admin));
    }

    /**
     * What screens hear of an admin's write: a new or changed agent on every team board, a deactivated one gone from
     * them, the tenant's numbers and settings as they now are. The shell stores the write itself (it is no part of
     * the calls and agents a situation holds).
     */
    private static void announce(Fact.AdminFact write, Changes out) {
        if (write instanceof Fact.AgentEnrolled enrolled) {
            out.agent(enrolled.agent());
        } else if (write instanceof Fact.AgentEdited edited) {
            if (edited.agent().active()) {
                out.agent(edited.agent());
            } else if (edited.wasActive()) {
                out.agentRemoved(edited.agent().id());
            }
        } else if (write instanceof Fact.NumbersChanged numbers) {
            out.tenant(numbers.numbers(), numbers.settings());
        } else if (write instanceof Fact.SettingsChanged settings) {
            out.tenant(settings.numbers(), settings.settings());
        }
    }

    /** A stay in the lot begins with a park and ends when the call leaves its slot, however it leaves. */
    private static Optional<ParkingHistory> parking(CallRecord call, Fact fact) {
        if (fact instanceof CallParked parked) {
            return Optional.of(new ParkingHistory.StayBegun(parked.callSid(), parked.slot(), parked.agentId(),
                    parked.at()));
        } else if (fact instanceof ParkUndone || fact instanceof EndedBeforeItsPark) {
            return Optional.of(new ParkingHistory.StayUndone(call.callSid()));
        } else if (call.slot() == null) {
            return Optional.empty();
        } else if (fact instanceof CallConnected connected) {
            return Optional.of(new ParkingHistory.StayEnded(connected.callSid(), connected.at(), "retrieved",
                    connected.agentId()));
        } else if (fact instanceof ParkTimedOut timedOut) {
            return Optional.of(new ParkingHistory.StayEnded(timedOut.callSid(), call.deadline(), "park_timeout",
                    null));
        } else if (fact instanceof CallEnded ended) {
            return Optional.of(new ParkingHistory.StayEnded(ended.callSid(), ended.at(), ended.reason(), null));
        }
        return Optional.empty();
    }

    /** The step a fact adds to the call's history, if it is one a person reading the history needs. */
    private static Optional<CallStep> step(CallRecord call, Fact fact) {
        if (fact instanceof CallRang rang) {
            return Optional.of(new CallStep(rang.call().callSid(), "rang", null, rang.call().ringReason(),
                    rang.call().startedAt()));
        } else if (fact instanceof UnseenCallEnded unseen) {
            return Optional.of(new CallStep(unseen.callSid(), "ended", null, unseen.reason(), unseen.at()));
        } else if (fact instanceof Fact.VoicemailLeft left) {
            return Optional.of(new CallStep(left.voicemail().callSid(), "voicemail", null, left.voicemail().id(),
                    left.voicemail().recordedAt()));
        } else if (call == null) {
            return Optional.empty();
        }
        String sid = call.callSid();
        CallStep step = null;
        if (fact instanceof CallClaimed claimed) {
            step = new CallStep(sid, call.state() == CallState.PARKED ? "retrieved" : "claimed", claimed.agentId(),
                    null, claimed.at());
        } else if (fact instanceof ClaimReleased released) {
            step = new CallStep(sid, "given_back", released.agentId(), released.reason(), null);
        } else if (fact instanceof CallConnected connected) {
            step = new CallStep(sid, "answered", connected.agentId(), null, connected.at());
        } else if (fact instanceof CallHeld held) {
            step = new CallStep(sid, "held", call.agentId(), null, held.at());
        } else if (fact instanceof CallUnheld) {
            step = new CallStep(sid, "unheld", call.agentId(), null, null);
        } else if (fact instanceof CallParked parked) {
            step = new CallStep(sid, "parked", parked.agentId(), "slot " + parked.slot(), parked.at());
        } else if (fact instanceof ParkTimedOut timedOut) {
            step = new CallStep(sid, "rang_back", timedOut.offeredTo(), "park_timeout", null);
        } else if (fact instanceof CallTransferred transferred) {
            step = new CallStep(sid, "transferred", transferred.agentId(), "to " + transferred.target(), null);
        } else if (fact instanceof ConsultOffered offered) {
            step = new CallStep(sid, "consulted", call.agentId(), "with " + offered.colleague(), offered.at());
        } else if (fact instanceof TransferCompleted completed) {
            step = new CallStep(sid, "handed_over", completed.agentId(), "to " + completed.colleague(), null);
        } else if (fact instanceof Fact.WaitLimitReached reached) {
            step = new CallStep(sid, "wait_limit", null, reached.to() == CallState.FORWARDED ? "forwarded"
                    : "voicemail", null);
        } else if (fact instanceof CallEnded ended) {
            step = new CallStep(sid, "ended", null, ended.reason(), ended.at());
        } else if (fact instanceof EndedBeforeItsPark || fact instanceof Fact.EndedBeforeItsTransfer) {
            step = new CallStep(sid, "ended", null, "completed", null);
        }
        return Optional.ofNullable(step);
    }

    private static Situation apply(Situation s, Fact fact, Changes out) {
        CallRecord call = s.call();
        if (fact instanceof CallRang rang) {
            s = s.with(rang.call());
            out.call(s.call());
        } else if (fact instanceof CallPlaced placed) {
            s = s.with(placed.call());
            out.call(s.call());
            s = agent(s, s.agents().get(placed.call().agentId()).busy(), out);
        } else if (fact instanceof NumberCalled called) {
            s = s.with(call.numberCalled(called.legSid(), called.at(), called.answerBy())); // CLAIMED still
        } else if (fact instanceof Fact.NumberChecked checked) {
            s = s.with(call.numberChecked(checked.askAgainAt())); // nothing screens show
        } else if (fact instanceof CallClaimed claimed) {
            s = s.with(call.claimedBy(claimed.agentId(), claimed.at(), claimed.deadline()));
            out.call(s.call());
            if (call.offered()) {
                out.ringCancel(claimed.callSid(), RingCancelReason.CLAIMED.wire(), claimed.agentId());
            }
            s = agent(s, s.agents().get(claimed.agentId()).busy(), out);
        } else if (fact instanceof ClaimReleased released) {
            s = s.with(call.released(released.reason()));
            out.call(s.call());
            s = freeAgent(s, released.agentId(), null, out);
        } else if (fact instanceof BackInSlot back) {
            s = s.with(call.backInSlot(back.deadline()));
            out.call(s.call());
            s = freeAgent(s, back.agentId(), null, out);
        } else if (fact instanceof CallConnected connected) {
            s = s.with(call.connected(connected.legSid(), connected.at()));
            out.call(s.call());
            s = agent(s, s.agents().get(connected.agentId())
                    .talkingTo(connected.callSid(), call.customerNumber(), connected.at()), out);
        } else if (fact instanceof CallParked parked) {
            s = s.with(call.parked(parked.slot(), parked.agentId(), parked.at(), parked.deadline()));
            out.call(s.call());
            s = freeAgent(s, parked.agentId(), parked.wrapUpUntil(), out);
        } else if (fact instanceof CallerGone gone) {
            s = s.with(call.callerGone(gone.at())); // nothing screens show until Twilio answers the park
        } else if (fact instanceof ParkUndone undone) {
            s = s.with(call.unparked());
            out.call(s.call());
            s = agent(s, s.agents().get(undone.agentId()).talkingTo(call.callSid(), call.customerNumber(), call.answeredAt()),
                    out);
        } else if (fact instanceof CallTransferred transferred) {
            s = s.with(call.transferred(transferred.agentId(), transferred.target(), transferred.ringUntil(),
                    transferred.waitUntil()).markedTransferred());
            out.call(s.call());
            s = freeAgent(s, transferred.agentId(), null, out);
        } else if (fact instanceof Fact.MoveSettled) {
            s = s.with(call.moveSettled()); // nothing screens show: they saw the transfer already
        } else if (fact instanceof Fact.TransferUndone undone) {
            s = s.with(call.untransferred());
            out.call(s.call());
            s = agent(s, s.agents().get(undone.agentId()).talkingTo(call.callSid(), call.customerNumber(),
                    call.answeredAt()), out);
        } else if (fact instanceof TransferRangBack back) {
            s = s.with(call.offeredTo(back.agentId(), back.ringUntil()));
            out.call(s.call());
        } else if (fact instanceof ConsultOffered offered) {
            s = s.with(call.consultOffered(offered.colleague(), offered.at(), offered.ringUntil()));
            out.call(s.call());
        } else if (fact instanceof ConsultTaken taken) {
            s = s.with(call.consultTaken(taken.colleague(), taken.answerBy()));
            out.call(s.call());
            s = agent(s, s.agents().get(taken.colleague()).busy(), out);
        } else if (fact instanceof ConsultConnected connected) {
            s = s.with(call.consulting(connected.legSid()));
            s = agent(s, s.agents().get(connected.colleague()).talkingTo(call.callSid(), call.customerNumber(), connected.at()),
                    out);
        } else if (fact instanceof ConsultEnded ended) {
            s = s.with(call.consultOver());
            out.call(s.call());
            if (s.agents().get(ended.colleague()) != null && call.consultWith() != null) {
                s = freeAgent(s, ended.colleague(), null, out);
            }
        } else if (fact instanceof Fact.HandoverUndone undone) {
            s = s.with(call.handedTo(undone.agentId(), undone.legSid()));
            out.call(s.call());
            s = agent(s, s.agents().get(undone.agentId()).talkingTo(call.callSid(), call.customerNumber(),
                    call.answeredAt()), out);
            s = freeAgent(s, undone.colleague(), null, out);
        } else if (fact instanceof TransferCompleted completed) {
            s = s.with(call.handedTo(completed.colleague(), call.consultLegSid()).markedTransferred());
            out.call(s.call());
            s = freeAgent(s, completed.agentId(), completed.wrapUpUntil(), out);
        } else if (fact instanceof AgentAnswered answered) {
            s = s.with(call.agentAnswered(answered.legSid(), answered.at())); // CLAIMED still, as screens show
        } else if (fact instanceof CallerJoined joined) {
            s = s.with(call.callerJoined(joined.at())); // CLAIMED still, as screens show
        } else if (fact instanceof AgentDialed dialed) {
            s = s.with(call.dialed(dialed.legSid())); // nothing screens show: the call is CLAIMED already
        } else if (fact instanceof CallHeld held) {
            s = s.with(call.held(held.at()));
            out.call(s.call());
        } else if (fact instanceof CallUnheld) {
            s = s.with(call.unheld());
            out.call(s.call());
        } else if (fact instanceof ParkSettled) {
            s = s.with(call.parkSettled()); // nothing screens show: they saw the call parked already
        } else if (fact instanceof ParkTimedOut timedOut) {
            s = s.with(call.ringingBack("park_timeout", timedOut.offeredTo(), timedOut.widenAt(),
                    timedOut.waitUntil()));
            out.call(s.call());
        } else if (fact instanceof Fact.WaitLimitReached reached) {
            out.ringCancel(call.callSid(), RingCancelReason.TIMEOUT.wire(), null);
            s = s.with(call.overflowed(reached.to()));
            out.call(s.call());
        } else if (fact instanceof Fact.OverflowUndone undone) {
            s = s.with(call.overflowUndone(undone.waitUntil()));
            out.call(s.call());
        } else if (fact instanceof Fact.VoicemailLeft left) {
            s = s.with(left.voicemail());
            out.voicemail(s.voicemail());
        } else if (fact instanceof Fact.VoicemailTaken taken) {
            s = s.with(s.voicemail().takenBy(taken.agentId(), taken.at()));
            out.voicemail(s.voicemail());
        } else if (fact instanceof Fact.VoicemailClosed closed) {
            s = s.with(s.voicemail().done(closed.at()));
            out.voicemail(s.voicemail());
        } else if (fact instanceof OfferWidened) {
            s = s.with(call.offeredToEveryone());
            out.call(s.call());
        } else if (fact instanceof CallEnded ended) {
            if (call.offered()) {
                String reason = ended.reason().equals("caller_hangup") ? RingCancelReason.CALLER_HANGUP.wire()
                        : ended.reason();
                out.ringCancel(call.callSid(), reason, null);
            }
            s = s.with(call.ended(ended.at(), ended.reason()));
            out.call(s.call());
            if (call.agentId() != null) {
                s = freeAgent(s, call.agentId(), ended.wrapUpUntil(), out);
            }
            if (call.consultWith() != null) {
                s = freeAgent(s, call.consultWith(), null, out);
            }
        } else if (fact instanceof EndedBeforeItsPark ended) {
            s = s.with(call.unparked().ended(ended.at(), "completed"));
            out.call(s.call());
        } else if (fact instanceof Fact.EndedBeforeItsTransfer ended) {
            out.ringCancel(call.callSid(), "completed", null); // it rang for the colleague
            s = s.with(call.untransferred().ended(ended.at(), "completed"));
            out.call(s.call());
        } else if (fact instanceof UnseenCallEnded unseen) {
            // Nobody saw it ring, so no screen is told; it is kept only so a late incoming event is ignored.
            s = s.with(CallRecord.unseenEnded(unseen.callSid(), s.tenantId(), unseen.from(), unseen.to(), unseen.at(),
                    unseen.reason()));
        } else if (fact instanceof AgentUpdated updated) {
            AgentRecord before = s.agents().get(updated.agent().id());
            s = s.with(updated.agent());
            // Deadlines are call-state's own business, and a deactivated agent is on no team board: screens hear of
            // what they show.
            if (updated.agent().active() && (before == null || !view(before).equals(view(updated.agent())))) {
                out.agent(updated.agent());
            }
        } else if (fact instanceof Fact.SignedOut signedOut) {
            out.signedOut(signedOut.agentId(), signedOut.by());
        }
        return s;
    }

    private static Situation freeAgent(Situation s, String agentId, java.time.Instant wrapUpUntil, Changes out) {
        AgentRecord agent = s.agents().get(agentId);
        return agent == null ? s : agent(s, agent.free(wrapUpUntil), out);
    }

    private static Situation agent(Situation s, AgentRecord agent, Changes out) {
        out.agent(agent);
        return s.with(agent);
    }

    public static Call view(CallRecord c) {
        return new Call(c.callSid(), c.from(), c.to(), c.state(), c.agentId(), c.slot(), c.startedAt(),
                Call.shownAnsweredAt(c.state(), c.answeredAt()), c.parkedAt(), c.parkedBy(), c.ringReason(),
                c.offeredTo(), c.onHold(), c.heldAt(), c.transferredBy(), c.consultWith(),
                OutboundCall.direction(c.callSid()), c.state() == CallState.RINGING ? c.waitUntil() : null);
    }

    public static Voicemail view(VoicemailRecord v) {
        return new Voicemail(v.id(), v.callSid(), v.from(), v.to(), v.recordedAt(), v.durationSeconds(), v.state(),
                v.takenBy(), v.takenAt());
    }

    public static Agent view(AgentRecord a) {
        Agent.CurrentCall current = a.currentCallSid() == null ? null
                : new Agent.CurrentCall(a.currentCallSid(), a.currentCallPhoneNumber(), a.currentCallAnsweredAt());
        return new Agent(a.id(), a.name(), a.presence(), a.status(), current);
    }

    private static final class Changes {
        final String tenantId;
        long seq;
        final List<StateChange> list = new ArrayList<>();

        Changes(String tenantId, long nextSeq) {
            this.tenantId = tenantId;
            this.seq = nextSeq;
        }

        void call(CallRecord call) {
            list.add(new StateChange.CallChanged(tenantId, seq++, view(call)));
        }

        void agent(AgentRecord agent) {
            list.add(new StateChange.AgentChanged(tenantId, seq++, view(agent)));
        }

        void ringCancel(String callSid, String reason, String by) {
            list.add(new StateChange.RingCancel(tenantId, seq++, callSid, reason, by));
        }

        void agentRemoved(String agentId) {
            list.add(new StateChange.AgentRemoved(tenantId, seq++, agentId));
        }

        void signedOut(String agentId, String by) {
            list.add(new StateChange.SignedOut(tenantId, seq++, agentId, by));
        }

        void tenant(List<String> numbers, TenantSettings settings) {
            list.add(new StateChange.TenantChanged(tenantId, seq++, numbers, settings));
        }

        void voicemail(VoicemailRecord voicemail) {
            list.add(new StateChange.VoicemailChanged(tenantId, seq++, view(voicemail)));
        }
    }
}
