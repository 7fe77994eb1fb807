package io.switchboard.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.contract.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A browser agent's socket, with the JDK's WebSocket client: text frames land in a queue in arrival order. */
public final class AgentClient implements WebSocket.Listener, AutoCloseable {
    public static final Duration WAIT = Duration.ofSeconds(15);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private volatile WebSocket socket;

    /** How the server closed the socket. */
    public record Closed(int code, String reason) {
    }

    private AgentClient() {
    }

    /** Connects with {@code ?access_token=}. */
    public static AgentClient withQueryToken(URI base, String token) {
        return open(socketUri(base, "?access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)), null);
    }

    /** Connects with {@code ?access_token=} and more query parameters, e.g. {@code since=41}. */
    public static AgentClient withQueryToken(URI base, String token, String moreQuery) {
        return open(socketUri(base, "?access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&"
                + moreQuery), null);
    }

    /** Connects with an {@code Authorization: Bearer} header. */
    public static AgentClient withHeaderToken(URI base, String token) {
        return open(socketUri(base, ""), token);
    }

    /** The HTTP status the upgrade was refused with; fails if the socket opened. */
    public static int refusedStatus(URI base, String query, String bearer) {
        try (AgentClient client = open(socketUri(base, query), bearer)) {
            return fail("The upgrade was accepted, expected a refusal");
        } catch (RefusedException refused) {
            return refused.status;
        }
    }

    public static URI socketUri(URI base, String query) {
        String http = base.toString().replaceFirst("/$", "");
        return URI.create(http.replaceFirst("^http", "ws") + "/agent/ws" + query);
    }

    private static AgentClient open(URI uri, String bearer) {
        AgentClient client = new AgentClient();
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(WAIT);
        if (bearer != null) {
            builder.header("Authorization", "Bearer " + bearer);
        }
        try {
            client.socket = builder.buildAsync(uri, client).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            return client;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException handshake) {
                throw new RefusedException(handshake.getResponse().statusCode());
            }
            throw new IllegalStateException("Could not connect to " + uri.getPath(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("Could not connect to " + uri.getPath(), e);
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            frames.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Closed(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(new Closed(-1, String.valueOf(error)));
    }

    /** Waits until the server closes the socket; fails after {@code wait}. */
    public Closed awaitClose(Duration wait) {
        try {
            return closed.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return fail("The socket was not closed within " + wait);
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean isClosedByServer() {
        return closed.isDone();
    }

    /** The frames received and not yet taken, without waiting. */
    public java.util.List<String> drain() {
        java.util.List<String> taken = new java.util.ArrayList<>();
        frames.drainTo(taken);
        return taken;
    }

    /** The next frame as it came; fails after {@link #WAIT}. */
    public String next() {
        try {
            String frame = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (frame == null) {
                fail("No frame within " + WAIT.toSeconds() + " s");
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public JsonNode nextJson() {
        try {
            return Json.MAPPER.readTree(next());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next frame, which must be a snapshot; returns its seq. */
    public long nextSnapshotSeq() {
        JsonNode snapshot = nextJson();
        assertThat(snapshot.path("type").asText()).as("frame %s", snapshot).isEqualTo("snapshot");
        return snapshot.path("seq").asLong();
    }

    public void send(String text) {
        socket.sendText(text, true).join();
    }

    @Override
    public void close() {
        if (socket != null && !socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS)
                    .exceptionally(failure -> null).join();
        }
    }

    static final class RefusedException extends RuntimeException {
        final int status;

        RefusedException(int status) {
            super("upgrade refused with " + status);
            this.status = status;
        }
    }
}
