package io.switchboard.gateway.support;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.switchboard.stack.twilio.TwilioSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The Twilio simulator as the gateway's Twilio: its REST API is where recordings are fetched, with the account's
 * credentials. Its one number answers calls with a hang-up (a bare responder plays call-ingest): the tests only need
 * calls for the simulator to hold recordings of.
 */
public class TwilioSimulatorResource implements QuarkusTestResourceLifecycleManager {
    public static final String NUMBER = "+15005550006";
    private static TwilioSimulator simulator;
    private HttpServer responder;

    @Override
    public Map<String, String> start() {
        try {
            responder = HttpServer.create(new InetSocketAddress("localhost", 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        responder.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] twiml = "<Response><Hangup/></Response>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/xml");
            exchange.sendResponseHeaders(200, twiml.length);
            exchange.getResponseBody().write(twiml);
            exchange.close();
        });
        responder.start();
        String responderUrl = "http://localhost:" + responder.getAddress().getPort();
        simulator = TwilioSimulator.start(TwilioSimulator.Config.defaults()
                .withNumber(NUMBER, responderUrl + "/incoming", responderUrl + "/status"));
        return Map.of(
                "switchboard.twilio.api-base-url", simulator.baseUrl(),
                "switchboard.voice.account-sid", simulator.accountSid(),
                "switchboard.twilio.auth-token", simulator.authToken());
    }

    @Override
    public void stop() {
        if (simulator != null) {
            simulator.close();
        }
        if (responder != null) {
            responder.stop(0);
        }
    }

    public static TwilioSimulator simulator() {
        return simulator;
    }
}
