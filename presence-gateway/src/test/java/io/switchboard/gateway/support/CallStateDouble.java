package io.switchboard.gateway.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.switchboard.contract.Agent;
import io.switchboard.contract.AgentCommand;
import io.switchboard.contract.AgentReply;
import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.Json;
import io.switchboard.contract.Presence;
import io.switchboard.contract.StateChange;
import io.switchboard.contract.Topics;
import io.switchboard.stack.KafkaProbe;
import io.switchboard.stack.SwitchboardTestResource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Plays call-state for the gateway's tests: bumps a tenant's seq in Postgres before publishing the change (as
 * call-state's outbox does, commit first), publishes replies, and reads the commands the gateway published.
 */
public final class CallStateDouble implements AutoCloseable {
    private final KafkaProbe kafka =
            KafkaProbe.of(SwitchboardTestResource.kafka().bootstrapServers(), Topics.AGENT_COMMANDS);

    public static void sql(String sql) {
        SwitchboardTestResource.postgres().execute(sql);
    }

    public static long seq(String tenant) {
        return queryLong("SELECT seq FROM tenants WHERE id = ?", tenant);
    }

    /** Commits {@code by} changes' worth of seq for the tenant; returns the new seq. */
    public static long advance(String tenant, int by) {
        return queryLong("UPDATE tenants SET seq = seq + " + by + " WHERE id = ? RETURNING seq", tenant);
    }

    private static long queryLong(String sql, String tenant) {
        try (Connection c = SwitchboardTestResource.postgres().connect();
                PreparedStatement statement = c.prepareStatement(sql)) {
            statement.setString(1, tenant);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw new IllegalStateException("No tenant " + tenant);
                }
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An agent change as call-state would write it. */
    public static String agentChange(String tenant, long seq, String agentId, String name, AgentStatus status) {
        return write(new StateChange.AgentChanged(tenant, seq,
                new Agent(agentId, name, Presence.ONLINE, status, null)));
    }

    public static String ringCancel(String tenant, long seq, String callSid) {
        return write(new StateChange.RingCancel(tenant, seq, callSid, "claimed", "doug"));
    }

    /** Advances the tenant by one change and publishes it; returns the frame. */
    public String nextAgentChange(String tenant, String agentId, String name, AgentStatus status) {
        String frame = agentChange(tenant, advance(tenant, 1), agentId, name, status);
        publishChange(tenant, frame);
        return frame;
    }

    public void publishChange(String tenant, String frame) {
        kafka.send(Topics.STATE_CHANGES, tenant, frame);
    }

    public void reply(AgentReply reply) {
        kafka.send(Topics.AGENT_REPLIES, reply.tenantId(), write(reply));
    }

    /** Waits for a command on {@code switchboard.agent-commands} (read from the start); returns it with its key. */
    public ConsumerRecord<String, String> awaitCommand(Predicate<AgentCommand> matching) {
        String value = kafka.awaitOne(Topics.AGENT_COMMANDS, v -> matching.test(command(v)), AgentClient.WAIT);
        return kafka.records(Topics.AGENT_COMMANDS).stream().filter(r -> r.value().equals(value)).findFirst()
                .orElseThrow();
    }

    public static AgentCommand command(String value) {
        try {
            return Json.MAPPER.readValue(value, AgentCommand.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String write(Object value) {
        try {
            return value instanceof StateChange change
                    ? Json.MAPPER.writerFor(StateChange.class).writeValueAsString(change)
                    : Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        kafka.close();
    }
}
