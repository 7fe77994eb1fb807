package io.switchboard.gateway.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.switchboard.stack.twilio.TwilioSimulator;
import io.switchboard.stack.twilio.TwimlResponder;
import java.util.Map;

/**
 * The Twilio simulator as the gateway's Twilio: its REST API is where recordings are fetched, with the account's
 * credentials. Its one number answers calls with a hang-up (a bare responder plays call-ingest): the tests only need
 * calls for the simulator to hold recordings of.
 */
public class TwilioSimulatorResource implements QuarkusTestResourceLifecycleManager {
    public static final String NUMBER = "+15005550006";
    private static TwilioSimulator simulator;
    private TwimlResponder responder;

    @Override
    public Map<String, String> start() {
        responder = TwimlResponder.start((path, form) -> "<Response><Hangup/></Response>");
        String responderUrl = responder.baseUrl();
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
            responder.close();
        }
    }

    public static TwilioSimulator simulator() {
        return simulator;
    }
}
