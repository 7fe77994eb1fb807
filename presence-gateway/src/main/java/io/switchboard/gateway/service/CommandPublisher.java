package io.switchboard.gateway.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.switchboard.contract.AgentCommand;
import io.switchboard.gateway.config.GatewayConfig;
import io.switchboard.gateway.listener.Channels;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Publishes agent commands to call-state, keyed by tenant so one tenant's commands stay in order. */
@ApplicationScoped
public class CommandPublisher {
    private final MutinyEmitter<String> emitter;
    private final ObjectMapper mapper;
    private final Duration timeout;

    public CommandPublisher(@Channel(Channels.AGENT_COMMANDS) MutinyEmitter<String> emitter, ObjectMapper mapper,
            GatewayConfig config) {
        this.emitter = emitter;
        this.mapper = mapper;
        this.timeout = config.gateway().publishTimeout();
    }

    /** Completes once Kafka stored the command (acks=all); fails if it did not within the publish timeout. */
    public Uni<Void> publish(AgentCommand command) {
        String value;
        try {
            value = mapper.writeValueAsString(command);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        Message<String> record = Message.of(value)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(command.tenantId()).build());
        return Uni.createFrom().deferred(() -> emitter.sendMessage(record))
                .ifNoItem().after(timeout)
                .failWith(() -> new TimeoutException("Kafka did not acknowledge command " + command.commandId()
                        + " within " + timeout.toMillis() + " ms"));
    }
}
