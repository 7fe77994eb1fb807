package io.switchboard.gateway.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.switchboard.contract.Agent;
import io.switchboard.contract.AgentCommand;
import io.switchboard.contract.AgentReply;
import io.switchboard.contract.AgentStatus;
import io.switchboard.contract.Json;
import io.switchboard.contract.Presence;
import io.switchboard.contract.PresenceReport;
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
    private final KafkaProbe kafka = KafkaProbe.of(SwitchboardTestResource.kafka().bootstrapServers(),
            Topics.AGENT_COMMANDS, Topics.PRESENCE);

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

    /** An agent change padded to about {@code bytes} with a field screens ignore: for filling TCP buffers. */
    public static String bulkyAgentChange(String tenant, long seq, String agentId, int bytes) {
        String frame = agentChange(tenant, seq, agentId, agentId, AgentStatus.AWAY);
        return "{\"padding\":\"" + "x".repeat(bytes) + "\"," + frame.substring(1);
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

    /** Publishes a change as call-state's relay does when tracing: with the trace it belongs to. */
    public void publishChange(String tenant, String frame, String traceparent) {
        kafka.send(Topics.STATE_CHANGES, tenant, frame, java.util.Map.of("traceparent", traceparent));
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

    /** The commands on {@code switchboard.agent-commands} so far (from the topic's start) that match. */
    public java.util.List<AgentCommand> commands(Predicate<AgentCommand> matching) {
        return kafka.records(Topics.AGENT_COMMANDS).stream().map(r -> command(r.value())).filter(matching).toList();
    }

    /** The presence reports of {@code tenant} received so far (from the topic's start), with their keys. */
    public java.util.List<ConsumerRecord<String, String>> presenceRecords(String tenant) {
        return kafka.records(Topics.PRESENCE).stream().filter(r -> report(r.value()).tenantId().equals(tenant))
                .toList();
    }

    /** The presence reports of {@code tenant} received so far, in order. */
    public java.util.List<PresenceReport> presence(String tenant) {
        return presenceRecords(tenant).stream().map(r -> report(r.value())).toList();
    }

    /** Waits for {@code count} reports of {@code tenant} that match; returns all that match so far. */
    public java.util.List<PresenceReport> awaitPresence(String tenant, Predicate<PresenceReport> matching, int count) {
        return kafka.await(Topics.PRESENCE, v -> {
            PresenceReport report = report(v);
            return report.tenantId().equals(tenant) && matching.test(report);
        }, count, AgentClient.WAIT).stream().map(CallStateDouble::report).toList();
    }

    public static PresenceReport report(String value) {
        try {
            return Json.MAPPER.readValue(value, PresenceReport.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
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
