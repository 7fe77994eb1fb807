package io.switchboard.stack.twilio;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.switchboard.stack.Stack;
import io.switchboard.stack.SwitchboardTestResource;
import java.util.Map;

/**
 * The Twilio simulator as a service's Twilio in its {@code @QuarkusTest}s. Its one number, {@link #NUMBER}, sends
 * its webhooks to a bare {@link TwimlResponder} at call-ingest's paths, as the stack does to call-ingest; the tests
 * publish whatever events call-ingest would have made of them.
 *
 * <p>Each service subclasses it and states what differs: what the responder answers ({@link #answer}), what its
 * Twilio needs beyond the defaults ({@link #configure}), and the configuration that points it at the simulator
 * ({@link #config}). The last is the service's own because the services name their Twilio settings differently, and
 * Quarkus refuses a {@code switchboard.*} property that the service's mapping does not declare.
 *
 * <p>Tests reach the simulator through {@link #simulator()}.
 */
public abstract class TwilioSimulatorTestResource implements QuarkusTestResourceLifecycleManager {
    /** The seed tenant's number, so that a call to it is that tenant's. */
    public static final String NUMBER = SwitchboardTestResource.NUMBER;
    private static TwilioSimulator simulator;
    private TwimlResponder responder;

    /** The TwiML the stand-in for call-ingest answers a webhook to {@code path} with, given its {@code form}. */
    protected abstract String answer(String path, String form);

    /** The simulator these tests need, from the defaults with {@link #NUMBER}; those alone unless overridden. */
    protected TwilioSimulator.Config configure(TwilioSimulator.Config withNumber) {
        return withNumber;
    }

    /**
     * The configuration that points the service at the simulator; {@code publicBaseUrl} is where Twilio reaches
     * call-ingest, the responder.
     */
    protected abstract Map<String, String> config(TwilioSimulator simulator, String publicBaseUrl);

    @Override
    public Map<String, String> start() {
        responder = TwimlResponder.start(this::answer);
        String publicBaseUrl = responder.baseUrl();
        simulator = TwilioSimulator.start(configure(TwilioSimulator.Config.defaults()
                .withNumber(NUMBER, Stack.callIngestNumber(publicBaseUrl))));
        return config(simulator, publicBaseUrl);
    }

    @Override
    public void stop() {
        if (simulator != null) {
            simulator.close();
        }
        if (responder != null) {
            responder.close();
        }
    }

    public static TwilioSimulator simulator() {
        return simulator;
    }
}
