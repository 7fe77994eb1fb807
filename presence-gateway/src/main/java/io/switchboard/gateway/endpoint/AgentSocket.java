package io.switchboard.gateway.endpoint;

import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.switchboard.gateway.security.AgentIdentity;
import io.switchboard.gateway.service.CommandService;
import io.switchboard.gateway.session.AgentSession;
import io.switchboard.gateway.session.Sessions;
import jakarta.annotation.security.RolesAllowed;

/**
 * The agent socket: a snapshot, then the tenant's changes in order; commands in, one answer each out.
 *
 * <p>{@code @RolesAllowed} on the class secures the HTTP upgrade itself: no or a bad token gets 401, a token without
 * the {@code agent} group 403, and {@code AgentUpgradeCheck} refuses agents the tenant does not know. A
 * {@code ?since=} on connect is accepted and, like {@code resume}, answered with a snapshot for now.
 */
@RolesAllowed(AgentIdentity.ROLE)
@WebSocket(path = AgentSocket.PATH, endpointId = AgentSocket.ENDPOINT_ID)
public class AgentSocket {
    public static final String PATH = "/agent/ws";
    public static final String ENDPOINT_ID = "agent-socket";
    private static final UserData.TypedKey<AgentSession> SESSION = new UserData.TypedKey<>("switchboard.session");

    private final Sessions sessions;
    private final CommandService commands;

    public AgentSocket(Sessions sessions, CommandService commands) {
        this.sessions = sessions;
        this.commands = commands;
    }

    @OnOpen
    public Uni<Void> open(WebSocketConnection connection) {
        AgentSession session = sessions.open(connection, connection.userData().get(AgentIdentity.KEY));
        connection.userData().put(SESSION, session);
        // Frames are processed after this completes, so the snapshot is queued before any command's answer.
        return session.start();
    }

    @OnTextMessage
    public Uni<Void> message(String text, WebSocketConnection connection) {
        // Returns at once: waiting for call-state's reply must not hold up the connection's next frame.
        commands.handle(connection.userData().get(SESSION), text);
        return Uni.createFrom().voidItem();
    }

    @OnClose
    public void close(WebSocketConnection connection) {
        AgentSession session = connection.userData().get(SESSION);
        if (session != null) {
            sessions.close(session);
        }
    }
}
