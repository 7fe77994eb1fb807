package io.switchboard.diagnose;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.contract.Json;
import io.switchboard.contract.Probe;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code ./diagnose}: the I/O around {@link Diagnosis}. Gets a token, opens the agent socket as the console would, waits
 * for the snapshot, sends probes one after the other and reads the gateway's readiness report; each observation goes
 * to the diagnosis, and each line it makes is printed at once.
 */
public final class Diagnose {

    /** What the socket saw, in order: a frame (arrival in nanoTime), or the end of the connection. */
    private sealed interface Event {
    }

    private record Frame(JsonNode json, long at) implements Event {
    }

    private record Ended(String how) implements Event {
    }

    private Diagnose() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /** @return the exit code: 0 realtime works, 1 it does not, 2 bad usage (picocli's message, then the usage) */
    public static int run(String[] args, PrintStream out) {
        PrintWriter writer = new PrintWriter(out, true, StandardCharsets.UTF_8);
        return Options.commandLine(options -> diagnose(options, out)).setOut(writer).setErr(writer).execute(args);
    }

    private static int diagnose(Options options, PrintStream out) {
        Diagnosis diagnosis = new Diagnosis(options.token());
        HttpClient http = HttpClient.newBuilder().connectTimeout(options.timeout()).build();
        out.println(diagnosis.start(options.gateway().toString(), options.who()));
        check(options, diagnosis, http, out);
        out.println(diagnosis.verdict());
        return diagnosis.exitCode();
    }

    private static void check(Options options, Diagnosis diagnosis, HttpClient http, PrintStream out) {
        String token = options.token();
        if (token == null) {
            token = devToken(options, diagnosis, http, out);
            if (token == null) {
                return;
            }
        }
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        WebSocket socket = connect(options, token, diagnosis, http, events, out);
        if (socket == null) {
            return;
        }
        try {
            if (awaitSnapshot(options, diagnosis, events, out)) {
                probe(options, diagnosis, socket, events, out);
            }
        } finally {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "diagnose done").orTimeout(2, TimeUnit.SECONDS)
                    .exceptionally(e -> null).join();
        }
        readiness(options, diagnosis, http, out);
    }

    private static String devToken(Options options, Diagnosis diagnosis, HttpClient http, PrintStream out) {
        URI uri = URI.create(options.gateway() + "/dev/token?tenant=" + encode(options.tenant()) + "&agent="
                + encode(options.devAgent()));
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(options.timeout()).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                out.println(diagnosis.devTokenRefused(millisSince(start), response.statusCode(),
                        problem(response.body())));
                return null;
            }
            String token = Json.MAPPER.readTree(response.body()).path("token").asText(null);
            diagnosis.secret(token);
            out.println(diagnosis.devToken(millisSince(start), options.tenant(), options.devAgent()));
            return token;
        } catch (ConnectException e) {
            out.println(diagnosis.unreachable("token", millisSince(start), options.gateway().toString(),
                    "connection refused"));
        } catch (IOException e) {
            out.println(diagnosis.devTokenRefused(millisSince(start), 0, describe(e)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    private static WebSocket connect(Options options, String token, Diagnosis diagnosis, HttpClient http,
            BlockingQueue<Event> events, PrintStream out) {
        URI uri = URI.create(options.socket() + "?access_token=" + encode(token));
        long start = System.nanoTime();
        try {
            WebSocket socket = http.newWebSocketBuilder().connectTimeout(options.timeout())
                    .buildAsync(uri, new Listener(events)).get(options.timeout().toMillis() + 1000,
                            TimeUnit.MILLISECONDS);
            out.println(diagnosis.connected(millisSince(start), options.socket().toString()));
            return socket;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause()
                    : e.getCause();
            if (cause instanceof WebSocketHandshakeException refused) {
                out.println(diagnosis.upgradeRefused(millisSince(start), refused.getResponse().statusCode()));
            } else if (cause instanceof ConnectException) {
                out.println(diagnosis.unreachable("connect", millisSince(start), options.gateway().toString(),
                        "connection refused"));
            } else {
                out.println(diagnosis.connectFailed(millisSince(start), describe(cause)));
            }
        } catch (TimeoutException e) {
            out.println(diagnosis.connectFailed(millisSince(start), "no answer within " + options.timeout().toMillis()
                    + " ms"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    private static boolean awaitSnapshot(Options options, Diagnosis diagnosis, BlockingQueue<Event> events,
            PrintStream out) {
        long start = System.nanoTime();
        long deadline = start + options.timeout().toNanos();
        Event event;
        while ((event = next(events, deadline)) != null) {
            if (event instanceof Ended ended) {
                out.println(diagnosis.noSnapshot(millisSince(start), "the gateway closed the connection: "
                        + ended.how()));
                return false;
            }
            JsonNode frame = ((Frame) event).json();
            if ("snapshot".equals(frame.path("type").asText())) {
                out.println(diagnosis.snapshot(millisSince(start), frame.path("seq").asLong(),
                        frame.path("agents").size(), frame.path("calls").size()));
                return true;
            }
        }
        out.println(diagnosis.noSnapshot(millisSince(start), "none within " + options.timeout().toMillis() + " ms"));
        return false;
    }

    private static void probe(Options options, Diagnosis diagnosis, WebSocket socket, BlockingQueue<Event> events,
            PrintStream out) {
        out.println(diagnosis.probeLegend());
        for (int i = 1; i <= options.probes(); i++) {
            String requestId = "diagnose-" + i;
            Diagnosis.ProbeOutcome outcome = Diagnosis.ProbeOutcome.of(i, options.probes(),
                    options.timeout().toMillis());
            long sent = System.nanoTime();
            long deadline = sent + options.timeout().toNanos();
            try {
                socket.sendText("{\"type\":\"probe\",\"requestId\":\"" + requestId + "\"}", true)
                        .get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                outcome = outcome.closed("the probe could not be sent: " + describe(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            Event event;
            while (!outcome.complete() && (event = next(events, deadline)) != null) {
                if (event instanceof Ended ended) {
                    outcome = outcome.closed(ended.how());
                    continue;
                }
                Frame frame = (Frame) event;
                JsonNode json = frame.json();
                if (!requestId.equals(json.path("requestId").asText())) {
                    continue; // a change of the tenant, or an answer to an earlier probe that came late
                }
                long millis = TimeUnit.NANOSECONDS.toMillis(frame.at() - sent);
                switch (json.path("type").asText()) {
                    case "ack" -> outcome = outcome.acked(millis);
                    case Probe.TYPE -> outcome = outcome.back(millis);
                    case "error" -> outcome = outcome.error(json.path("code").asText(),
                            json.path("message").asText(), millis);
                    default -> {
                    }
                }
            }
            out.println(diagnosis.probe(outcome));
            if (diagnosis.brokenAt() != null) {
                if (i < options.probes()) {
                    out.println(diagnosis.probesSkipped(i + 1, options.probes()));
                }
                return;
            }
        }
    }

    private static void readiness(Options options, Diagnosis diagnosis, HttpClient http, PrintStream out) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create(options.gateway() + "/q/health/ready")).timeout(options.timeout()).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body;
            try {
                body = Json.MAPPER.readTree(response.body());
            } catch (IOException e) {
                body = null;
            }
            out.println(diagnosis.canary(millisSince(start), response.statusCode(), body));
        } catch (IOException e) {
            out.println(diagnosis.canaryUnreadable(millisSince(start), describe(e)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Collects whole text frames; a frame that is not JSON is dropped (the protocol has none). */
    private static final class Listener implements WebSocket.Listener {
        private final BlockingQueue<Event> events;
        private final StringBuilder partial = new StringBuilder();

        Listener(BlockingQueue<Event> events) {
            this.events = events;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                long at = System.nanoTime();
                try {
                    events.add(new Frame(Json.MAPPER.readTree(partial.toString()), at));
                } catch (IOException e) {
                    // not a frame of the protocol: nothing to learn from it
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            events.add(new Ended("close code " + statusCode + (reason == null || reason.isBlank() ? "" : ", " + reason)));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            events.add(new Ended(describe(error)));
        }
    }

    private static Event next(BlockingQueue<Event> events, long deadline) {
        try {
            return events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The sentence of a gateway's JSON refusal ({@code {"message":…}}), else its body, shortened. */
    private static String problem(String body) {
        try {
            JsonNode json = Json.MAPPER.readTree(body);
            if (json != null && json.hasNonNull("message")) {
                return json.get("message").asText();
            }
        } catch (IOException e) {
            // not JSON: the body as it is
        }
        return body == null ? "" : body.length() > 200 ? body.substring(0, 200) + "…" : body;
    }

    private static String describe(Throwable e) {
        Throwable cause = e;
        while ((cause instanceof ExecutionException || cause instanceof CompletionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
            return "no answer in time";
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static long millisSince(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
