package io.switchboard.stack.twilio;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.twilio.security.RequestValidator;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The application's side in the simulator's tests: a real HTTP server that checks every webhook's signature
 * with twilio-java's {@link RequestValidator} (403 when it fails, as call-ingest does) and answers TwiML.
 */
final class WebhookReceiver implements AutoCloseable {

    /** {@code url}: what the request reached (no fragment ever arrives); {@code signature}: its X-Twilio-Signature. */
    record Received(String path, String url, String method, Map<String, String> params, String signature,
            boolean signatureValid, String idempotencyToken, String userAgent, String contentType) {
        String param(String name) {
            return params.get(name);
        }
    }

    /** {@code delay}: how long the application thinks before it answers. */
    record Reply(int status, String body, Duration delay) {
        Reply(int status, String body) {
            this(status, body, Duration.ZERO);
        }

        static Reply twiml(String body) {
            return new Reply(200, body);
        }

        /** An application that takes {@code delay} to answer. */
        static Reply slow(Duration delay, String body) {
            return new Reply(200, body, delay);
        }

        /** An application that takes the request and never answers (until the receiver closes). */
        static Reply never() {
            return slow(Duration.ofMinutes(1), "<Response/>");
        }
    }

    private final RequestValidator validator;
    private final HttpServer server;
    /** A thread per request, so that a slow answer does not hold back the next request. */
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "webhook-receiver");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Function<Received, Reply>> replies = new ConcurrentHashMap<>();

    WebhookReceiver(String authToken) throws IOException {
        validator = new RequestValidator(authToken);
        server = HttpServer.create(new InetSocketAddress("localhost", 0), 16);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** What to answer on {@code path} (without its query string); the default is an empty {@code <Response/>}. */
    WebhookReceiver on(String path, Function<Received, Reply> reply) {
        replies.put(path, reply);
        return this;
    }

    String url(String pathAndQuery) {
        return "http://localhost:" + server.getAddress().getPort() + pathAndQuery;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    List<Received> received(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    /** Status callbacks about one call (the caller's call or a leg), in arrival order. */
    List<Received> statusCallbacks(String callSid) {
        return received.stream()
                .filter(r -> r.path().equals("/twilio/voice/status") && callSid.equals(r.param("CallSid")))
                .toList();
    }

    private void handle(HttpExchange http) throws IOException {
        try (http) {
            String query = http.getRequestURI().getRawQuery();
            String url = url(http.getRequestURI().getRawPath() + (query == null ? "" : "?" + query));
            boolean post = "POST".equals(http.getRequestMethod());
            Map<String, String> params = post
                    ? SimulatorHttp.form(new String(http.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
                    : SimulatorHttp.form(query);
            String signature = http.getRequestHeaders().getFirst("X-Twilio-Signature");
            boolean valid = signature != null && validator.validate(url, post ? params : Map.of(), signature);
            Received request = new Received(http.getRequestURI().getPath(), url, http.getRequestMethod(),
                    Map.copyOf(params), signature, valid, http.getRequestHeaders().getFirst("I-Twilio-Idempotency-Token"),
                    http.getRequestHeaders().getFirst("User-Agent"), http.getRequestHeaders().getFirst("Content-Type"));
            received.add(request);
            Reply reply = valid
                    ? replies.getOrDefault(request.path(), r -> Reply.twiml("<Response/>")).apply(request)
                    : new Reply(403, "");
            if (!reply.delay().isZero()) {
                try {
                    Thread.sleep(reply.delay().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return; // the receiver closes
                }
            }
            byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
            http.getResponseHeaders().set("Content-Type", "application/xml");
            http.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
            try (OutputStream out = http.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
