package io.switchboard.stack.twilio;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BiFunction;

/**
 * A bare stand-in for call-ingest in a service's own tests: it answers the simulator's webhooks with the TwiML that
 * {@code answer} gives for the request's path and form, so the simulator's calls behave as they would behind
 * call-ingest while the test publishes the events itself. It runs on the JDK's own HTTP server.
 */
public final class TwimlResponder implements AutoCloseable {
    private final HttpServer server;

    private TwimlResponder(HttpServer server) {
        this.server = server;
    }

    /** Starts answering on a free port of localhost; {@code answer} takes the path and the form as sent. */
    public static TwimlResponder start(BiFunction<String, String, String> answer) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress("localhost", 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            byte[] twiml = answer.apply(exchange.getRequestURI().getPath(), form).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/xml");
            exchange.sendResponseHeaders(200, twiml.length);
            exchange.getResponseBody().write(twiml);
            exchange.close();
        });
        server.start();
        return new TwimlResponder(server);
    }

    /** Its base URL: where the simulator's numbers send their webhooks. */
    public String baseUrl() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
