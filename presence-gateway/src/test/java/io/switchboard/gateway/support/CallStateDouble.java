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
import io.switchboard.stack.SwitchboardTestResource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plays call-state for the gateway's tests: bumps a tenant's seq in Postgres before publishing the change (as
 * call-state's outbox does, commit first), publishes replies, and reads the commands the gateway published.
 */
public final class CallStateDouble implements AutoCloseable {
    private final KafkaProducer<String, String> producer;

    public CallStateDouble() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SwitchboardTestResource.kafka().bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        this.producer = new KafkaProducer<>(props);
    }

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
        send(Topics.STATE_CHANGES, tenant, frame);
    }

    public void reply(AgentReply reply) {
        send(Topics.AGENT_REPLIES, reply.tenantId(), write(reply));
    }

    private void send(String topic, String key, String value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Kafka did not take the record for " + topic, e);
        }
    }

    /** Reads {@code switchboard.agent-commands} from the start until a command matches; returns it with its key. */
    public static ConsumerRecord<String, String> awaitCommand(Predicate<AgentCommand> matching) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SwitchboardTestResource.kafka().bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(Topics.AGENT_COMMANDS));
            long deadline = System.nanoTime() + AgentClient.WAIT.toNanos();
            List<String> seen = new ArrayList<>();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(record.value());
                    if (matching.test(command(record.value()))) {
                        return record;
                    }
                }
            }
            throw new AssertionError("No matching command on " + Topics.AGENT_COMMANDS + " within "
                    + AgentClient.WAIT.toSeconds() + " s; saw " + seen);
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
        producer.close(Duration.ofSeconds(5));
    }
}
