package io.switchboard.state.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.switchboard.contract.AgentCommand;
import io.switchboard.contract.AgentReply;
import io.switchboard.contract.ErrorCode;
import io.switchboard.contract.Probe;
import io.switchboard.state.CallDesk;
import io.switchboard.state.TwilioActionRunner;
import io.switchboard.state.core.Input;
import io.switchboard.state.outbox.Probes;
import io.switchboard.state.persistence.UnknownTenantException;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Carries out agents' commands and answers each on {@code switchboard.agent-replies}: an ack once the
 * decision is stored and Twilio did what it needed, or an error with a code.
 */
@ApplicationScoped
public class AgentCommandsListener {
    private static final Logger LOG = Logger.getLogger(AgentCommandsListener.class);
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);

    private final CallDesk desk;
    private final TwilioActionRunner actions;
    private final MutinyEmitter<String> replies;
    private final ObjectMapper json;
    private final RecordReader reader;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Probes probes;

    public AgentCommandsListener(CallDesk desk, TwilioActionRunner actions,
            @Channel(Channels.AGENT_REPLIES) MutinyEmitter<String> replies, ObjectMapper json, RecordReader reader,
            Clock clock, MeterRegistry metrics, Probes probes) {
        this.desk = desk;
        this.actions = actions;
        this.replies = replies;
        this.json = json;
        this.reader = reader;
        this.clock = clock;
        this.metrics = metrics;
        this.probes = probes;
    }

    @Incoming(Channels.AGENT_COMMANDS)
    @Blocking // ordered: one tenant's commands are decided one after the other
    public void onCommand(String record) throws JsonProcessingException {
        AgentCommand command = reader.read(record, AgentCommand.class, Channels.AGENT_COMMANDS);
        Timer.Sample sample = Timer.start(metrics);
        AgentReply reply = decide(command);
        if (reply != null) {
            reply(reply);
            // A histogram, so claim latency has a p99 on the dashboard (the claim is the agent's race).
            sample.stop(Timer.builder("switchboard.state.commands").description("Agent commands decided, by outcome")
                    .tag("type", command.type().name().toLowerCase()).tag("outcome",
                            reply.accepted() ? "accepted" : reply.code())
                    .publishPercentileHistogram().register(metrics));
        }
    }

    /** @return the answer, or null for a redelivered command (it was answered the first time) */
    private AgentReply decide(AgentCommand command) {
        if (command.type() == AgentCommand.Type.PROBE) {
            return probe(command);
        }
        Input input = toInput(command);
        CallDesk.Outcome outcome;
        try {
            outcome = Retry.untilStored(command.commandId(), () -> desk.handle(command.tenantId(),
                    command.commandId(), input, command.agentId()));
        } catch (UnknownTenantException e) {
            return AgentReply.error(command, ErrorCode.UNKNOWN_AGENT, e.getMessage());
        }
        if (outcome.duplicate()) {
            return null;
        }
        if (outcome.decision().rejected()) {
            var rejection = outcome.decision().rejection();
            return AgentReply.error(command, rejection.code(), rejection.message());
        }
        return actions.run(command.tenantId(), outcome.decision().actions())
                .map(why -> AgentReply.error(command, ErrorCode.UNAVAILABLE, why))
                .orElseGet(() -> AgentReply.ack(command));
    }

    /**
     * Stores the probe for the relay and acks. Not retried like a decision: a probe is disposable, and a broken hop
     * must be reported rather than hold up the real commands behind it on the partition.
     */
    private AgentReply probe(AgentCommand command) {
        try {
            probes.store(Probe.storedFor(command, clock.instant()));
            return AgentReply.ack(command);
        } catch (SQLException e) {
            return AgentReply.error(command, ErrorCode.UNAVAILABLE,
                    "call-state could not store the probe in PostgreSQL: " + e.getMessage());
        }
    }

    private Input toInput(AgentCommand command) {
        return switch (command.type()) {
            case CLAIM -> new Input.Claim(command.callSid(), command.agentId(), clock.instant());
            case HANGUP -> new Input.Hangup(command.callSid(), command.agentId());
            case PARK -> new Input.Park(command.callSid(), command.agentId(), clock.instant());
            case RETRIEVE -> new Input.Retrieve(command.callSid(), command.agentId(), clock.instant());
            case STATUS -> new Input.SetStatus(command.agentId(), command.status(), clock.instant());
            case PROBE -> throw new IllegalArgumentException("A probe is no decision");
        };
    }

    private void reply(AgentReply reply) throws JsonProcessingException {
        try {
            replies.sendMessage(Message.of(json.writeValueAsString(reply))
                    .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(reply.tenantId()).build()))
                    .await().atMost(REPLY_TIMEOUT);
        } catch (RuntimeException e) {
            // The decision is stored and its changes reach every screen anyway; the gateway times the request out.
            LOG.warnf("Reply to command %s not delivered: %s", reply.commandId(), e.getMessage());
        }
    }
}
