package io.switchboard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.contract.Json;
import io.switchboard.stack.ScreenPicture;
import io.switchboard.stack.WireContract;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One agent's screen, as a browser would keep it: a WebSocket to the gateway, the snapshot, then every change
 * applied in seq order. It records when each frame arrived, every seq that was not the previous one + 1, and every
 * frame that breaks the contract ({@link WireContract}); a frame it sends must follow the contract too.
 */
final class AgentScreen implements WebSocket.Listener, AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration REPLY_WAIT = Duration.ofSeconds(30);

    /** A frame and the moment it arrived ({@link System#nanoTime()}). */
    record Frame(JsonNode json, long arrivedAt) {
    }

    final String agentId;
    private final WebSocket socket;
    private final StringBuilder partial = new StringBuilder();
    private final List<Frame> frames = new ArrayList<>();
    private final ScreenPicture picture = new ScreenPicture();
    private final Map<String, JsonNode> replies = new HashMap<>();
    private final List<String> seqViolations = new ArrayList<>();
    private final List<String> contractViolations = new ArrayList<>();
    private long seq = -1;
    /** The latest wallboard figures this screen got (a supervisor's), or JSON null. */
    private JsonNode wallboard;
    private final String token;
    private String closedWith;

    private AgentScreen(String agentId, String gatewayUrl, String token) {
        this.agentId = agentId;
        this.token = token;
        this.socket = HTTP.newWebSocketBuilder()
                .buildAsync(URI.create(gatewayUrl.replaceFirst("^http", "ws") + "/agent/ws?access_token=" + token), this)
                .orTimeout(20, TimeUnit.SECONDS).join();
    }

    /** Logs in with the local stack's dev token, as the console does, and opens the socket. */
    static AgentScreen open(String gatewayUrl, String tenant, String agentId) throws Exception {
        return new AgentScreen(agentId, gatewayUrl, devToken(gatewayUrl, tenant, agentId, null));
    }

    /** Opens the socket with a token of the caller's making. */
    static AgentScreen withToken(String gatewayUrl, String agentId, String token) {
        return new AgentScreen(agentId, gatewayUrl, token);
    }

    /**
     * The local stack's dev token for an agent: with the roles the tenant records for them, or {@code groups} (as
     * {@code agent,supervisor}) when given.
     */
    static String devToken(String gatewayUrl, String tenant, String agentId, String groups) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(gatewayUrl + "/dev/token?tenant="
                + tenant + "&agent=" + agentId + (groups == null ? "" : "&groups=" + groups))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("No dev token for " + agentId + ": " + response.statusCode() + " "
                    + response.body());
        }
        return Json.MAPPER.readTree(response.body()).get("token").asText();
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        synchronized (this) {
            closedWith = statusCode + " " + reason;
            notifyAll();
        }
        return null;
    }

    /** The close code and reason the gateway closed this screen with, or null while it is open. */
    synchronized String closedWith() {
        return closedWith;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            long now = System.nanoTime();
            String text = partial.toString();
            partial.setLength(0);
            WireContract.get().serverFrame(text).ifPresent(problem -> {
                synchronized (this) {
                    contractViolations.add(agentId + " received: " + problem);
                }
            });
            try {
                apply(Json.MAPPER.readTree(text), now);
            } catch (Exception e) {
                synchronized (this) {
                    seqViolations.add("unreadable frame: " + text);
                }
            }
        }
        webSocket.request(1);
        return null;
    }

    private synchronized void apply(JsonNode frame, long arrivedAt) {
        frames.add(new Frame(frame, arrivedAt));
        String type = frame.get("type").asText();
        switch (type) {
            case "snapshot" -> {
                picture.snapshot(frame);
                seq = frame.get("seq").asLong();
                wallboard = frame.get("wallboard");
            }
            case "agent", "call", "ring_cancel", "voicemail", "agent_removed", "signed_out", "tenant", "wallboard" -> {
                long next = frame.get("seq").asLong();
                if (next != seq + 1) {
                    seqViolations.add(type + " seq " + next + " after " + seq);
                }
                seq = Math.max(seq, next);
                picture.apply(frame);
                if ("wallboard".equals(type)) {
                    wallboard = frame.get("wallboard");
                }
            }
            case "ack", "error" -> replies.put(frame.get("requestId").asText(), frame);
            default -> seqViolations.add("unknown frame type " + type);
        }
        notifyAll();
    }

    /** The agent's token: for the gateway's HTTP API (call history, voicemail audio) as a bearer token. */
    String token() {
        return token;
    }

    /** Sends {@code {"type":…,"callSid":…,"requestId":…}}; returns the request id. */
    String send(String type, String callSid) {
        return send(Json.MAPPER.createObjectNode().put("type", type).put("callSid", callSid));
    }

    /** Sends the command once {@code sameMoment} lets every party go: agents clicking at the same moment. */
    String sendTogether(java.util.concurrent.CyclicBarrier sameMoment, String type, String callSid) {
        try {
            sameMoment.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return send(type, callSid);
    }

    /** Sends {@code {"type":"transfer","callSid":…,"to":…,"mode":…,"requestId":…}}; returns the request id. */
    String transfer(String callSid, String to, String mode) {
        return send(Json.MAPPER.createObjectNode().put("type", "transfer").put("callSid", callSid).put("to", to)
                .put("mode", mode));
    }

    /** Sends {@code {"type":"dial","to":…,"requestId":…}}; returns the request id. */
    String dial(String to) {
        return send(Json.MAPPER.createObjectNode().put("type", "dial").put("to", to));
    }

    /** The call this agent placed that this screen shows, or null. */
    synchronized JsonNode placedCall() {
        return picture.calls().stream().filter(this::placedByMe).findFirst().orElse(null);
    }

    /**
     * The id of the call this agent placed last, as this screen's frames named it, or null: a call that rang out at
     * once may be over before anyone looks at the picture.
     */
    synchronized String lastPlacedCall() {
        return frames.stream().map(Frame::json).filter(f -> "call".equals(f.path("type").asText()))
                .map(f -> f.get("call")).filter(this::placedByMe).reduce((earlier, later) -> later)
                .map(c -> c.get("callSid").asText()).orElse(null);
    }

    private boolean placedByMe(JsonNode call) {
        return "outbound".equals(call.path("direction").asText()) && agentId.equals(call.path("agentId").asText());
    }

    /** Sends {@code {"type":…,"voicemailId":…,"requestId":…}} ({@code take_voicemail}, {@code voicemail_done}). */
    String voicemail(String type, String voicemailId) {
        return send(Json.MAPPER.createObjectNode().put("type", type).put("voicemailId", voicemailId));
    }

    /** Sends {@code {"type":"status","status":…,"requestId":…}}; returns the request id. */
    String setStatus(String status) {
        return send(Json.MAPPER.createObjectNode().put("type", "status").put("status", status));
    }

    /** A supervisor's command about a colleague: {@code agent_status} (with {@code status}) or {@code sign_out}. */
    String aboutAgent(String type, String agent, String status) {
        ObjectNode frame = Json.MAPPER.createObjectNode().put("type", type).put("agentId", agent);
        if (status != null) {
            frame.put("status", status);
        }
        return send(frame);
    }

    private String send(ObjectNode frame) {
        String requestId = agentId + "-" + UUID.randomUUID();
        String text = frame.put("requestId", requestId).toString();
        WireContract.get().clientFrame(text).ifPresent(problem -> {
            throw new AssertionError(agentId + " was about to send: " + problem);
        });
        socket.sendText(text, true).join();
        return requestId;
    }

    synchronized JsonNode reply(String requestId) {
        return replies.get(requestId);
    }

    /** Waits for the answer to a request. */
    JsonNode awaitReply(String requestId) {
        org.awaitility.Awaitility.await().atMost(REPLY_WAIT).until(() -> reply(requestId) != null);
        return reply(requestId);
    }

    /** Sends a command and checks it was acknowledged. */
    void ack(String type, String callSid) {
        JsonNode reply = awaitReply(send(type, callSid));
        if (!reply.get("type").asText().equals("ack")) {
            throw new AssertionError(agentId + "'s " + type + " of " + callSid + " was refused: " + reply);
        }
    }

    /** The call rings on this screen (state RINGING). */
    synchronized boolean rings(String callSid) {
        JsonNode c = picture.call(callSid);
        return c != null && c.get("state").asText().equals("RINGING");
    }

    /**
     * This screen shows the call CONNECTED to {@code agent}, and the agent on it — with the caller's number, when
     * {@code caller} is given.
     */
    synchronized boolean showsOnCall(String callSid, String agent, String caller) {
        JsonNode c = picture.call(callSid);
        JsonNode a = picture.agent(agent);
        return c != null && c.get("state").asText().equals("CONNECTED") && agent.equals(c.get("agentId").asText())
                && a != null && a.hasNonNull("currentCall") && callSid.equals(a.at("/currentCall/callSid").asText())
                && (caller == null || caller.equals(a.at("/currentCall/phoneNumber").asText()));
    }

    /** An agent's presence or status as this screen shows it ({@code "unknown"} before the agent appears). */
    synchronized String agentField(String agent, String field) {
        JsonNode a = picture.agent(agent);
        return a == null ? "unknown" : a.get(field).asText();
    }

    synchronized JsonNode call(String callSid) {
        return picture.call(callSid);
    }

    synchronized JsonNode agent(String id) {
        return picture.agent(id);
    }

    /** The voicemail as this screen shows it, or null (none such, or done). */
    synchronized JsonNode voicemail(String voicemailId) {
        return picture.voicemail(voicemailId);
    }

    /** The voicemail this screen shows for the call, or null. */
    synchronized JsonNode voicemailOf(String callSid) {
        return picture.voicemails().stream().filter(v -> callSid.equals(v.get("callSid").asText())).findFirst()
                .orElse(null);
    }

    /** The latest wallboard figures this screen got: a snapshot's or a change's; JSON null when it got none. */
    synchronized JsonNode wallboard() {
        return wallboard;
    }

    synchronized long seq() {
        return seq;
    }

    synchronized boolean hasSnapshot() {
        return seq >= 0;
    }

    synchronized List<String> seqViolations() {
        return List.copyOf(seqViolations);
    }

    /** The frames received that break the contract, each with what the schemas say about it. */
    synchronized List<String> contractViolations() {
        return List.copyOf(contractViolations);
    }

    /** The screen's picture: agents, calls and voicemails, as JSON, for comparing screens with each other. */
    synchronized String picture() {
        return picture.toString();
    }

    /** When the last frame arrived, or -1 before any. */
    synchronized long arrivalOfLast() {
        return frames.isEmpty() ? -1 : frames.get(frames.size() - 1).arrivedAt();
    }

    /** The calls this screen shows. */
    synchronized List<JsonNode> calls() {
        return List.copyOf(picture.calls());
    }

    /** The agents this screen shows. */
    synchronized List<JsonNode> agents() {
        return List.copyOf(picture.agents());
    }

    /** When the first frame matching arrived, or -1. */
    synchronized long arrivalOf(java.util.function.Predicate<JsonNode> match) {
        return frames.stream().filter(f -> match.test(f.json())).mapToLong(Frame::arrivedAt).findFirst().orElse(-1);
    }

    synchronized List<JsonNode> frames(java.util.function.Predicate<JsonNode> match) {
        return frames.stream().map(Frame::json).filter(match).toList();
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        synchronized (this) {
            seqViolations.add("socket error: " + error);
        }
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null)
                .join();
    }

    static Duration since(long startNanos, long endNanos) {
        return Duration.ofNanos(endNanos - startNanos);
    }
}
