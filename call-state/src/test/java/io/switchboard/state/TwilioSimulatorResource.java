package io.switchboard.state;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.switchboard.contract.VoiceWebhooks;
import io.switchboard.stack.Stack;
import io.switchboard.stack.twilio.TwilioSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The Twilio simulator for call-state's tests: call-state's REST calls go to it through twilio-java. Its
 * webhooks (which call-ingest would turn into events) go to a bare TwiML responder that answers like call-ingest;
 * the tests publish the events themselves, as call-ingest would.
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
            String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            // As call-ingest answers: hold new callers, and callers whose agent did not answer.
            boolean holds = path.endsWith(VoiceWebhooks.INCOMING)
                    || path.endsWith(VoiceWebhooks.DIAL_ENDED) && !form.contains("DialCallStatus=completed");
            byte[] twiml = (holds ? "<Response><Enqueue>acme</Enqueue></Response>" : "<Response/>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/xml");
            exchange.sendResponseHeaders(200, twiml.length);
            exchange.getResponseBody().write(twiml);
            exchange.close();
        });
        responder.start();
        String publicBaseUrl = "http://localhost:" + responder.getAddress().getPort();
        simulator = TwilioSimulator.start(TwilioSimulator.Config.defaults()
                .withNumber(NUMBER, Stack.callIngestNumber(publicBaseUrl))
                .withAnswerDelay(Duration.ofMillis(20)));
        return Map.of(
                "switchboard.twilio.api-base-url", simulator.baseUrl(),
                "switchboard.twilio.account-sid", simulator.accountSid(),
                "switchboard.twilio.auth-token", simulator.authToken(),
                "switchboard.public-base-url", publicBaseUrl);
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
