package io.switchboard.gateway.listener;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.common.annotation.NonBlocking;
import io.switchboard.contract.AgentReply;
import io.switchboard.gateway.config.GatewayConfig;
import io.switchboard.gateway.service.PendingReplies;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Takes call-state's replies addressed to this gateway. Every gateway reads every reply (own consumer group); the
 * {@code replyTo.gatewayId} says whose it is. The pending command knows the connection that sent it, so a reply that
 * comes after the command already timed out finds nothing and is not delivered twice.
 *
 * <p>Non-blocking: completing the waiting command only queues its answer on the connection, so it runs on the
 * consumer's event loop rather than hopping to a worker thread per record.
 */
@ApplicationScoped
public class AgentReplyListener {
    private static final Logger LOG = Logger.getLogger(AgentReplyListener.class);

    private final PendingReplies pending;
    private final ObjectMapper mapper;
    private final String gatewayId;

    public AgentReplyListener(PendingReplies pending, ObjectMapper mapper, GatewayConfig config) {
        this.pending = pending;
        this.mapper = mapper;
        this.gatewayId = config.gateway().id();
    }

    @Incoming(Channels.AGENT_REPLIES)
    @NonBlocking
    public void onReply(String value) {
        AgentReply reply;
        try {
            reply = mapper.readValue(value, AgentReply.class);
        } catch (IOException e) {
            LOG.warnf("Skipped a record on the agent-replies topic that is not an AgentReply (%s)", e.getMessage());
            return;
        }
        if (reply == null || reply.replyTo() == null || !gatewayId.equals(reply.replyTo().gatewayId())) {
            return;
        }
        if (!pending.complete(reply)) {
            LOG.debugf("Reply to command %s came after it timed out or its socket closed", reply.commandId());
        }
    }
}
