package io.switchboard.contract;

import java.util.List;

/**
 * The tenant's whole live picture as of {@code seq}: the first frame on every connection. The changes that
 * follow it start at {@code seq + 1}.
 */
public record Snapshot(String type, long seq, List<Agent> agents, List<Call> calls) {

    public Snapshot(long seq, List<Agent> agents, List<Call> calls) {
        this("snapshot", seq, agents, calls);
    }
}
