package io.switchboard.state.core;

import io.switchboard.contract.Agent;
import io.switchboard.contract.Call;
import io.switchboard.contract.CallState;
import io.switchboard.contract.RingCancelReason;
import io.switchboard.contract.StateChange;
import io.switchboard.state.core.Fact.CallClaimed;
import io.switchboard.state.core.Fact.CallConnected;
import io.switchboard.state.core.Fact.CallEnded;
import io.switchboard.state.core.Fact.CallRang;
import io.switchboard.state.core.Fact.ClaimReleased;
import io.switchboard.state.core.Fact.UnseenCallEnded;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies facts to a situation (evolve) and says what every screen must be told, numbering the changes
 * from the tenant's next {@code seq}. Pure: the shell stores the resulting situation and changes in one
 * transaction.
 */
public final class Projection {
    private Projection() {
    }

    /** The situation after the facts, and the tenant's changes they make, numbered from {@code nextSeq}. */
    public record Applied(Situation situation, List<StateChange> changes) {
    }

    public static Applied apply(Situation situation, List<Fact> facts, long nextSeq) {
        Changes changes = new Changes(situation.tenantId(), nextSeq);
        Situation s = situation;
        for (Fact fact : facts) {
            s = apply(s, fact, changes);
        }
        return new Applied(s, List.copyOf(changes.list));
    }

    private static Situation apply(Situation s, Fact fact, Changes out) {
        if (fact instanceof CallRang rang) {
            s = s.with(rang.call());
            out.call(s.call());
        } else if (fact instanceof CallClaimed claimed) {
            s = s.with(s.call().claimedBy(claimed.agentId(), claimed.at(), claimed.deadline()));
            AgentRecord agent = s.agents().get(claimed.agentId()).busy();
            s = s.with(agent);
            out.call(s.call());
            out.ringCancel(claimed.callSid(), RingCancelReason.CLAIMED.wire(), claimed.agentId());
            out.agent(agent);
        } else if (fact instanceof ClaimReleased released) {
            s = s.with(s.call().released());
            out.call(s.call());
            AgentRecord agent = s.agents().get(released.agentId());
            if (agent != null) {
                s = s.with(agent.free());
                out.agent(agent.free());
            }
        } else if (fact instanceof CallConnected connected) {
            s = s.with(s.call().connected(connected.legSid(), connected.at()));
            AgentRecord agent = s.agents().get(connected.agentId())
                    .talkingTo(connected.callSid(), s.call().from(), connected.at());
            s = s.with(agent);
            out.call(s.call());
            out.agent(agent);
        } else if (fact instanceof CallEnded ended) {
            CallRecord before = s.call();
            if (before.offered()) {
                String reason = ended.reason().equals("caller_hangup") ? RingCancelReason.CALLER_HANGUP.wire()
                        : ended.reason();
                out.ringCancel(before.callSid(), reason, null);
            }
            s = s.with(before.ended(ended.at(), ended.reason()));
            out.call(s.call());
            AgentRecord agent = before.agentId() == null ? null : s.agents().get(before.agentId());
            if (agent != null) {
                s = s.with(agent.free());
                out.agent(agent.free());
            }
        } else if (fact instanceof UnseenCallEnded unseen) {
            // Nobody saw it ring, so no screen is told; it is kept only so a late incoming event is ignored.
            s = s.with(new CallRecord(unseen.callSid(), s.tenantId(), unseen.from(), unseen.to(), CallState.ENDED,
                    null, null, unseen.at(), null, null, null, unseen.at(), unseen.reason()));
        }
        return s;
    }

    public static Call view(CallRecord c) {
        return new Call(c.callSid(), c.from(), c.to(), c.state(), c.agentId(), null, c.startedAt(), c.answeredAt(),
                null, null, null, null);
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
    }
}
