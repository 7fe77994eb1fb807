package io.switchboard.gateway.endpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.switchboard.contract.ErrorCode;
import io.switchboard.contract.Roles;
import io.switchboard.gateway.domain.ClientFrame;
import io.switchboard.gateway.domain.ClientFrames;
import io.switchboard.gateway.domain.ServerFrames;
import io.switchboard.gateway.security.AgentIdentity;
import io.switchboard.gateway.service.CommandService;
import io.switchboard.gateway.session.AgentSession;
import io.switchboard.gateway.session.Sessions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import jakarta.annotation.security.RolesAllowed;
import org.jboss.logging.Logger;

/**
 * The agent socket: a snapshot (or, with {@code ?since=}, the changes the client missed), then the tenant's changes
 * in order; commands in, one answer each out.
 *
 * <p>{@code @RolesAllowed} on the class secures the HTTP upgrade itself: no or a bad token gets 401, a token without
 * the {@code agent} group 403, and {@code AgentUpgradeCheck} refuses agents the tenant does not know.
 */
@RolesAllowed(Roles.AGENT)
@WebSocket(path = AgentSocket.PATH, endpointId = AgentSocket.ENDPOINT_ID)
public class AgentSocket {
    public static final String PATH = "/agent/ws";
    public static final String ENDPOINT_ID = "agent-socket";
    /** Where the upgrade check leaves the TCP connection, to drop a peer that does not answer a close. */
    public static final UserData.TypedKey<HttpConnection> TRANSPORT = new UserData.TypedKey<>("switchboard.tcp");
    private static final UserData.TypedKey<AgentSession> SESSION = new UserData.TypedKey<>("switchboard.session");
    private static final Logger LOG = Logger.getLogger(AgentSocket.class);

    private final Sessions sessions;
    private final CommandService commands;
    private final ServerFrames serverFrames;

    public AgentSocket(Sessions sessions, CommandService commands, ObjectMapper mapper) {
        this.sessions = sessions;
        this.commands = commands;
        this.serverFrames = new ServerFrames(mapper);
    }

    @OnOpen
    public Uni<Void> open(WebSocketConnection connection) {
        UserData data = connection.userData();
        AgentSession session = sessions.open(connection, data.get(AgentIdentity.KEY), data.get(AgentIdentity.EXPIRES_AT),
                data.get(TRANSPORT));
        data.put(SESSION, session);
        // Frames are processed after this completes, so the first frames are queued before any command's answer.
        ClientFrame since = ClientFrames.since(new QueryStringDecoder(connection.handshakeRequest().path() + "?"
                + nullToEmpty(connection.handshakeRequest().query())).parameters().get("since"));
        if (since instanceof ClientFrame.Resume resume) {
            return session.startFrom(resume.seq());
        }
        if (since instanceof ClientFrame.Invalid invalid) {
            session.reply(serverFrames.error(null, ErrorCode.BAD_REQUEST, invalid.message()));
            return session.start(true);
        }
        return session.start(false);
    }

    @OnTextMessage
    public Uni<Void> message(String text, WebSocketConnection connection) {
        AgentSession session = connection.userData().get(SESSION);
        session.heard();
        // Returns at once: waiting for call-state's reply must not hold up the connection's next frame.
        commands.handle(session, text);
        return Uni.createFrom().voidItem();
    }

    /** The protocol has no binary frames: without this they would be dropped unanswered. */
    @OnBinaryMessage
    public Uni<Void> binary(Buffer data, WebSocketConnection connection) {
        return connection.close(new CloseReason(1003, "Binary frames are not part of the protocol: send JSON text"
                + " frames"));
    }

    @OnPongMessage
    public void pong(Buffer data, WebSocketConnection connection) {
        AgentSession session = connection.userData().get(SESSION);
        if (session != null) {
            session.heard();
        }
    }

    /**
     * Vert.x refuses a frame bigger than {@code quarkus.websockets-next.server.max-message-size} before buffering it
     * whole, with this exception; the client is told why with 1009 (message too big) rather than a bare 1011.
     */
    @OnError
    public Uni<Void> failed(IllegalStateException error, WebSocketConnection connection) {
        boolean tooBig = String.valueOf(error.getMessage()).contains("max message size");
        return connection.close(tooBig
                ? new CloseReason(1009, "Frame too big: client frames are small JSON commands (at most 64 KiB)")
                : new CloseReason(1011, "Unexpected error on this connection; reconnect"));
    }

    /**
     * A frame the WebSocket decoder refuses before any handler sees it: one frame over the size limit, text that is
     * not UTF-8, a broken frame. Client garbage, not a failure of the gateway: the client is told why with the code
     * the decoder chose (1009, 1007, 1002), and nothing is logged as an error.
     */
    @OnError
    public Uni<Void> refusedFrame(CorruptedWebSocketFrameException error, WebSocketConnection connection) {
        WebSocketCloseStatus status = error.closeStatus();
        String reason = status.code() == 1009
                ? "Frame too big: client frames are small JSON commands (at most 64 KiB)"
                : "Unreadable frame: " + status.reasonText();
        LOG.debugf("Closing %s: %s", connection.id(), error.getMessage());
        return connection.close(new CloseReason(status.code(), reason))
                .onFailure().recoverWithNull(); // the transport may already be gone
    }

    @OnClose
    public void close(WebSocketConnection connection) {
        AgentSession session = connection.userData().get(SESSION);
        if (session != null) {
            sessions.closed(session);
        }
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }
}
