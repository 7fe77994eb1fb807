package io.switchboard.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.contract.Json;
import io.switchboard.stack.ScreenPicture;
import io.switchboard.stack.WireContract;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One agent's screen as the console keeps it: a WebSocket to a gateway, the snapshot, then every change applied in
 * seq order. A frame it already has is ignored; a gap makes it send {@code resume}; a lost connection is opened again
 * with {@code ?since=} — to its own gateway, or to the other one while its own is down, as behind a load balancer.
 * It keeps every frame, received or sent, that breaks the contract ({@link WireContract}).
 */
final class Screen implements WebSocket.Listener, AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private static final long RESUME_AGAIN_AFTER_NANOS = TimeUnit.SECONDS.toNanos(3);

    final String tenant;
    final String agentId;
    private final List<String> gateways;
    private final Supplier<String> token;
    private final StringBuilder partial = new StringBuilder();
    private final ScreenPicture picture = new ScreenPicture();
    private final Map<String, JsonNode> replies = new HashMap<>();
    /** The first frames that broke the contract: enough to tell what broke, not a copy of a run's traffic. */
    private final List<String> contractViolations = new ArrayList<>();
    private volatile WebSocket socket;
    private volatile boolean closed;
    private long seq = -1;
    private long resumeSentAt;
    private int home;
    /** How often this screen lost its connection, found a gap, or got a resync snapshot. */
    final AtomicLong reconnects = new AtomicLong();
    final AtomicLong gaps = new AtomicLong();
    final AtomicLong resyncs = new AtomicLong();

    Screen(String tenant, String agentId, List<String> gateways, int home, Supplier<String> token) {
        this.tenant = tenant;
        this.agentId = agentId;
        this.gateways = gateways;
        this.home = home;
        this.token = token;
    }

    /** Opens the connection, trying the gateways from its own, until one takes it. */
    void connect() {
        while (!closed) {
            for (int i = 0; i < gateways.size() && !closed; i++) {
                String gateway = gateways.get((home + i) % gateways.size());
                long since;
                synchronized (this) {
                    since = seq;
                }
                String url = gateway.replaceFirst("^http", "ws") + "/agent/ws?access_token=" + token.get()
                        + (since >= 0 ? "&since=" + since : "");
                try {
                    socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(3))
                            .buildAsync(URI.create(url), this).get(5, TimeUnit.SECONDS);
                    return;
                } catch (Exception e) {
                    // that gateway is down: the next one
                }
            }
            pause(500);
        }
    }

    private void reconnect() {
        if (closed) {
            return;
        }
        reconnects.incrementAndGet();
        socket = null;
        Thread again = new Thread(() -> {
            pause(200);
            connect();
        }, "reconnect-" + agentId);
        again.setDaemon(true);
        again.start();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            WireContract.get().serverFrame(text).ifPresent(problem -> breaks(agentId + " received: " + problem));
            try {
                apply(Json.MAPPER.readTree(text));
            } catch (Exception e) {
                throw new IllegalStateException("Unreadable frame: " + text, e);
            }
        }
        webSocket.request(1);
        return null;
    }

    private synchronized void apply(JsonNode frame) {
        String type = frame.get("type").asText();
        switch (type) {
            case "snapshot" -> {
                if (frame.path("resync").asBoolean(false)) {
                    resyncs.incrementAndGet();
                }
                picture.snapshot(frame);
                seq = frame.get("seq").asLong();
                resumeSentAt = 0;
            }
            case "agent", "call", "ring_cancel", "voicemail", "agent_removed", "signed_out", "tenant", "wallboard" -> {
                long next = frame.get("seq").asLong();
                if (next <= seq) {
                    return; // already applied: a duplicate around a resume
                }
                if (next > seq + 1) {
                    // A gap: ask for what is missing rather than apply out of order.
                    long now = System.nanoTime();
                    if (resumeSentAt == 0 || now - resumeSentAt > RESUME_AGAIN_AFTER_NANOS) {
                        gaps.incrementAndGet();
                        resumeSentAt = now;
                        send(Json.MAPPER.createObjectNode().put("type", "resume").put("seq", seq), false);
                    }
                    return;
                }
                seq = next;
                resumeSentAt = 0;
                picture.apply(frame);
            }
            case "ack", "error" -> replies.put(frame.get("requestId").asText(), frame);
            default -> {
                // probes and frames this screen does not show
            }
        }
        notifyAll();
    }

    /** Sends a command; returns its request id, or null when there is no connection at the moment. */
    String command(String type, String callSid) {
        return send(Json.MAPPER.createObjectNode().put("type", type).put("callSid", callSid), true);
    }

    String transfer(String callSid, String to, String mode) {
        return send(Json.MAPPER.createObjectNode().put("type", "transfer").put("callSid", callSid).put("to", to)
                .put("mode", mode), true);
    }

    String dial(String to) {
        return send(Json.MAPPER.createObjectNode().put("type", "dial").put("to", to), true);
    }

    /** {@code take_voicemail} or {@code voicemail_done}. */
    String voicemail(String type, String voicemailId) {
        return send(Json.MAPPER.createObjectNode().put("type", type).put("voicemailId", voicemailId), true);
    }

    String status(String status) {
        return send(Json.MAPPER.createObjectNode().put("type", "status").put("status", status), true);
    }

    private String send(ObjectNode frame, boolean request) {
        WebSocket s = socket;
        if (s == null) {
            return null;
        }
        String requestId = request ? agentId + "-" + UUID.randomUUID() : null;
        if (request) {
            frame.put("requestId", requestId);
        }
        WireContract.get().clientFrame(frame.toString()).ifPresent(problem -> breaks(agentId + " sent: " + problem));
        try {
            s.sendText(frame.toString(), true).get(5, TimeUnit.SECONDS);
            return requestId;
        } catch (Exception e) {
            return null;
        }
    }

    /** The answer to a request, waiting up to {@code wait}; null if none came (the gateway or call-state died). */
    synchronized JsonNode reply(String requestId, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!replies.containsKey(requestId)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return replies.remove(requestId);
    }

    private synchronized void breaks(String problem) {
        if (contractViolations.size() < 20) {
            contractViolations.add(problem);
        }
    }

    synchronized List<String> contractViolations() {
        return List.copyOf(contractViolations);
    }

    synchronized List<JsonNode> calls() {
        return List.copyOf(picture.calls());
    }

    synchronized List<JsonNode> voicemails() {
        return List.copyOf(picture.voicemails());
    }

    synchronized JsonNode agent(String id) {
        return picture.agent(id);
    }

    synchronized List<JsonNode> agents() {
        return List.copyOf(picture.agents());
    }

    synchronized long seq() {
        return seq;
    }

    boolean connected() {
        return socket != null;
    }

    /** What the screen shows, as one string: agents, calls and voicemails by id, in a stable order. */
    synchronized String picture() {
        return Pictures.of(picture.agents(), picture.calls(), picture.voicemails());
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        if (webSocket == socket) {
            reconnect();
        }
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        if (webSocket == socket) {
            reconnect();
        }
    }

    @Override
    public void close() {
        closed = true;
        WebSocket s = socket;
        if (s != null) {
            s.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(3, TimeUnit.SECONDS).exceptionally(e -> null).join();
            s.abort();
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis); // a client's back-off before it tries again
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
