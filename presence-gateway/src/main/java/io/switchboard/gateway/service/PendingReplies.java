package io.switchboard.gateway.service;

import io.smallrye.mutiny.Uni;
import io.switchboard.contract.AgentReply;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Commands of this gateway waiting for call-state's reply, by command id. */
@ApplicationScoped
public class PendingReplies {
    private final ConcurrentMap<String, CompletableFuture<AgentReply>> waiting = new ConcurrentHashMap<>();

    /**
     * Starts waiting for the reply to a command. Call it before the command is published, so even a reply that
     * overtakes the publish acknowledgement is caught.
     *
     * @return the reply, or empty when none came within {@code timeout}; either way the command stops waiting
     */
    public Uni<Optional<AgentReply>> expect(String commandId, Duration timeout) {
        CompletableFuture<AgentReply> reply = new CompletableFuture<>();
        waiting.put(commandId, reply);
        return Uni.createFrom().completionStage(reply)
                .map(Optional::of)
                .ifNoItem().after(timeout).recoverWithItem(Optional.empty())
                .eventually(() -> forget(commandId));
    }

    /** @return false when nobody waits for it (timed out, or not this gateway's command) */
    public boolean complete(AgentReply reply) {
        CompletableFuture<AgentReply> waiter = reply.commandId() == null ? null : waiting.remove(reply.commandId());
        return waiter != null && waiter.complete(reply);
    }

    public void forget(String commandId) {
        waiting.remove(commandId);
    }

    public int size() {
        return waiting.size();
    }
}
