package io.switchboard.state.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.switchboard.contract.AgentCommand;
import io.switchboard.contract.AgentReply;
import io.switchboard.contract.ErrorCode;
import io.switchboard.contract.OutboundCall;
import io.switchboard.contract.Probe;
import io.switchboard.state.CallDesk;
import io.switchboard.state.core.Decision;
import io.switchboard.state.core.Input;
import io.switchboard.state.outbox.Probes;
import io.switchboard.state.persistence.UnknownTenantException;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Decides agents' commands, in their tenant's lane, and answers each on {@code switchboard.agent-replies}: an ack as
 * soon as the decision is stored — the race is decided then; Twilio is told afterwards, off the lane — or an error
 * with a code. A command that changes nothing but asks Twilio to act (a hang-up) is answered when Twilio did it or
 * refused: then its answer is Twilio's.
 */
@ApplicationScoped
public class AgentCommandsListener {
    private static final Logger LOG = Logger.getLogger(AgentCommandsListener.class);

    private final TenantLanes lanes;
    private final MutinyEmitter<String> replies;
    private final ObjectMapper json;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Probes probes;

    public AgentCommandsListener(TenantLanes lanes,
            @Channel(Channels.AGENT_REPLIES) MutinyEmitter<String> replies, ObjectMapper json, Clock clock,
            MeterRegistry metrics, Probes probes) {
        this.lanes = lanes;
        this.replies = replies;
        this.json = json;
        this.clock = clock;
        this.metrics = metrics;
        this.probes = probes;
    }

    @Incoming(Channels.AGENT_COMMANDS)
    public CompletionStage<Void> onCommand(Message<String> record) {
        return lanes.apply(record, AgentCommand.class, Channels.AGENT_COMMANDS, AgentCommand::tenantId, command -> {
            Timer.Sample sample = Timer.start(metrics);
            if (command.type() == AgentCommand.Type.PROBE) {
                return new TenantLanes.Alone(() -> answer(command, sample,
                        CompletableFuture.completedFuture(probe(command))));
            }
            return new TenantLanes.Decide(command.commandId(), toInput(command), command.agentId(),
                    (outcome, failure) -> answer(command, sample, reply(command, outcome, failure)));
        });
    }

    private void answer(AgentCommand command, Timer.Sample sample, CompletionStage<AgentReply> answer) {
        answer.thenAccept(reply -> {
            if (reply != null) {
                reply(reply);
                // A histogram, so claim latency has a p99 on the dashboard (the claim is the agent's race).
                sample.stop(Timer.builder("switchboard.state.commands")
                        .description("Agent commands decided, by outcome")
                        .tag("type", command.type().name().toLowerCase())
                        .tag("outcome", reply.accepted() ? "accepted" : reply.code())
                        .publishPercentileHistogram().register(metrics));
            }
        }).exceptionally(failure -> {
            LOG.errorf(failure, "Command %s not answered", command.commandId());
            return null;
        });
    }

    /** @return the answer, or null for a redelivered command (it was answered the first time) */
    private CompletionStage<AgentReply> reply(AgentCommand command, CallDesk.Outcome outcome,
            RuntimeException failure) {
        if (failure instanceof UnknownTenantException) {
            return CompletableFuture.completedFuture(AgentReply.error(command, ErrorCode.UNKNOWN_AGENT,
                    failure.getMessage()));
        } else if (failure != null) {
            throw failure;
        }
        if (outcome.duplicate()) {
            return CompletableFuture.completedFuture(null);
        }
        Decision decision = outcome.decision();
        if (decision.rejected()) {
            return CompletableFuture.completedFuture(AgentReply.error(command, decision.rejection().code(),
                    decision.rejection().message()));
        }
        if (decision.facts().isEmpty() && !decision.actions().isEmpty()) {
            return outcome.twilio().thenApply(refusal -> refusal
                    .map(why -> AgentReply.error(command, ErrorCode.UNAVAILABLE, why))
                    .orElseGet(() -> AgentReply.ack(command)));
        }
        return CompletableFuture.completedFuture(AgentReply.ack(command));
    }

    /**
     * Stores the probe for the relay and acks. Not retried like a decision: a probe is disposable, and a broken hop
     * must be reported rather than hold up the real commands behind it in the tenant's lane.
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
            case HOLD -> new Input.Hold(command.callSid(), command.agentId(), true, clock.instant());
            case UNHOLD -> new Input.Hold(command.callSid(), command.agentId(), false, clock.instant());
            case TRANSFER -> new Input.Transfer(command.callSid(), command.agentId(), command.to(),
                    command.mode() == AgentCommand.TransferMode.WARM, clock.instant());
            case COMPLETE_TRANSFER -> new Input.EndConsult(command.callSid(), command.agentId(), true, clock.instant());
            case CANCEL_TRANSFER -> new Input.EndConsult(command.callSid(), command.agentId(), false, clock.instant());
            case RETRIEVE -> new Input.Retrieve(command.callSid(), command.agentId(), clock.instant());
            case DIAL -> new Input.Dial(OutboundCall.idFor(command.commandId()), command.agentId(), command.to(),
                    clock.instant());
            case STATUS -> new Input.SetStatus(command.agentId(), command.status(), clock.instant());
            case AGENT_STATUS -> new Input.SetStatus(command.to(), command.status(), clock.instant(),
                    command.agentId());
            case SIGN_OUT -> new Input.SignOut(command.to(), command.agentId(), clock.instant());
            case ADMIN -> new Input.Administer(command.agentId(), command.admin(), clock.instant());
            case TAKE_VOICEMAIL -> new Input.TakeVoicemail(command.voicemailId(), command.agentId(), clock.instant());
            case VOICEMAIL_DONE -> new Input.VoicemailDone(command.voicemailId(), command.agentId(), clock.instant());
            case PROBE -> throw new IllegalArgumentException("A probe is no decision");
        };
    }

    /**
     * Sends the answer without waiting for Kafka's acknowledgement: the decision is stored and its changes reach every
     * screen anyway; an answer Kafka refused is logged, and the gateway times the request out.
     */
    private void reply(AgentReply reply) {
        String payload;
        try {
            payload = json.writeValueAsString(reply);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write reply " + reply, e);
        }
        replies.sendMessage(Message.of(payload)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(reply.tenantId()).build()))
                .subscribe().with(sent -> { }, failure -> LOG.warnf("Reply to command %s not delivered: %s",
                        reply.commandId(), failure.getMessage()));
    }
}
