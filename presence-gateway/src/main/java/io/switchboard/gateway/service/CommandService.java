package io.switchboard.gateway.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.switchboard.contract.AgentCommand;
import io.switchboard.contract.AgentReply;
import io.switchboard.contract.ErrorCode;
import io.switchboard.gateway.config.GatewayConfig;
import io.switchboard.gateway.domain.ClientFrame;
import io.switchboard.gateway.domain.ClientFrames;
import io.switchboard.gateway.domain.ServerFrames;
import io.switchboard.gateway.metrics.GatewayMetrics;
import io.switchboard.gateway.session.AgentSession;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Turns client frames into commands for call-state and answers each with exactly one {@code ack} or {@code error}.
 * Tenant and agent come from the session (the verified token), never from the frame.
 */
@ApplicationScoped
public class CommandService {
    private static final Logger LOG = Logger.getLogger(CommandService.class);
    private static final Set<String> KNOWN_CODES = Arrays.stream(ErrorCode.values()).map(ErrorCode::wire)
            .collect(Collectors.toUnmodifiableSet());

    /** What a token needs the {@code supervisor} role for. */
    private static final Set<AgentCommand.Type> SUPERVISORS_ONLY = EnumSet.of(AgentCommand.Type.AGENT_STATUS,
            AgentCommand.Type.SIGN_OUT);

    private final ClientFrames clientFrames;
    private final ServerFrames serverFrames;
    private final CommandPublisher publisher;
    private final PendingReplies pending;
    private final GatewayMetrics metrics;
    private final String gatewayId;
    private final Duration replyTimeout;
    private final Clock clock = Clock.systemUTC();

    public CommandService(ObjectMapper mapper, CommandPublisher publisher, PendingReplies pending,
            GatewayMetrics metrics, GatewayConfig config) {
        this.clientFrames = new ClientFrames(mapper);
        this.serverFrames = new ServerFrames(mapper);
        this.publisher = publisher;
        this.pending = pending;
        this.metrics = metrics;
        this.gatewayId = config.gateway().id();
        this.replyTimeout = config.gateway().replyTimeout();
    }

    /** Handles one text frame; returns at once, the answer follows on the session when it is known. */
    public void handle(AgentSession session, String text) {
        ClientFrame frame = clientFrames.parse(text);
        if (!session.mayAct()) {
            metrics.command(kind(frame), ErrorCode.RATE_LIMITED.wire());
            session.reply(serverFrames.error(requestId(frame), ErrorCode.RATE_LIMITED,
                    "Too many frames from this connection; this one was not sent. Try again in a moment."));
        } else if (frame instanceof ClientFrame.Invalid invalid) {
            metrics.command("invalid", ErrorCode.BAD_REQUEST.wire());
            session.reply(serverFrames.error(invalid.requestId(), ErrorCode.BAD_REQUEST, invalid.message()));
        } else if (frame instanceof ClientFrame.Resume resume) {
            session.resume(resume.seq());
        } else if (frame instanceof ClientFrame.Command command && SUPERVISORS_ONLY.contains(command.type())
                && !session.agent().supervisor()) {
            metrics.command(kind(frame), ErrorCode.FORBIDDEN.wire());
            session.reply(serverFrames.error(command.requestId(), ErrorCode.FORBIDDEN,
                    "Only a supervisor may set a colleague's status or sign them out; the token has no supervisor"
                            + " role."));
        } else if (frame instanceof ClientFrame.Command command) {
            submit(session, command);
        }
    }

    private static String kind(ClientFrame frame) {
        if (frame instanceof ClientFrame.Command command) {
            return command.type().name().toLowerCase(Locale.ROOT);
        }
        return frame instanceof ClientFrame.Resume ? "resume" : "invalid";
    }

    private static String requestId(ClientFrame frame) {
        if (frame instanceof ClientFrame.Command command) {
            return command.requestId();
        }
        return frame instanceof ClientFrame.Invalid invalid ? invalid.requestId() : null;
    }

    private void submit(AgentSession session, ClientFrame.Command frame) {
        AgentCommand command = new AgentCommand(UUID.randomUUID().toString(), session.agent().tenantId(),
                session.agent().agentId(), frame.type(), frame.callSid(), frame.status(), frame.requestId(),
                new AgentCommand.ReplyTo(gatewayId, session.connectionId()), Instant.now(clock), frame.to(),
                frame.mode(), frame.voicemailId());
        String type = frame.type().name().toLowerCase(Locale.ROOT);
        ask(command)
                .map(answer -> answer(command, answer))
                .onFailure().recoverWithItem(failure -> new Answer(ErrorCode.UNAVAILABLE.wire(),
                        serverFrames.error(command.requestId(), ErrorCode.UNAVAILABLE, failure.getMessage())))
                .subscribe().with(answer -> {
                    metrics.command(type, answer.outcome());
                    session.reply(answer.frame());
                });
    }

    /**
     * Sends a command to call-state and waits for its reply: empty when none came within the reply timeout (the
     * outcome, if any, arrives as a change). Fails, saying nothing changed, when Kafka did not take the command.
     */
    public Uni<Optional<AgentReply>> ask(AgentCommand command) {
        var reply = pending.expect(command.commandId(), replyTimeout);
        return publisher.publish(command)
                .onFailure().transform(failure -> {
                    pending.forget(command.commandId());
                    LOG.warnf("Command %s (%s) not published: %s", command.commandId(), command.type(),
                            failure.getMessage());
                    return new IllegalStateException("The command could not be queued (Kafka did not acknowledge it);"
                            + " nothing changed, try again.", failure);
                })
                .chain(published -> reply);
    }

    public Duration replyTimeout() {
        return replyTimeout;
    }

    public String gatewayId() {
        return gatewayId;
    }

    private Answer answer(AgentCommand command, Optional<AgentReply> reply) {
        if (reply.isEmpty()) {
            return new Answer(ErrorCode.TIMEOUT.wire(), serverFrames.error(command.requestId(), ErrorCode.TIMEOUT,
                    "No answer from call-state within " + replyTimeout.toSeconds()
                            + " s; the outcome, if any, will arrive as a change."));
        }
        AgentReply answer = reply.get();
        String outcome = answer.accepted() ? "ack" : KNOWN_CODES.contains(answer.code()) ? answer.code() : "other";
        return new Answer(outcome, serverFrames.reply(answer));
    }

    /** @param outcome for the commands meter: {@code ack} or a bounded error code */
    private record Answer(String outcome, String frame) {
    }
}
