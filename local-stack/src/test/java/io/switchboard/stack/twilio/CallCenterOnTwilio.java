package io.switchboard.stack.twilio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.twilio.http.TwilioRestClient;
import java.io.IOException;
import java.net.http.HttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The fixture of the tests that drive calls end to end through the simulator: a real HTTP application
 * ({@link WebhookReceiver}, which checks every webhook's signature with twilio-java) behind the call center's number,
 * and twilio-java's own REST client on the simulator. A test class extends it and says how its application answers
 * ({@link #answers}) and, if its Twilio needs more than the number, what else ({@link #configure}). After each test
 * every webhook the application received must have carried a valid signature: the simulator signs as Twilio does, or
 * call-ingest would refuse it.
 */
abstract class CallCenterOnTwilio {
    static final String CALLER = "+15551230000";
    /**
     * The call center's number: its voice URL is the application's /twilio/voice/incoming, its status callback
     * /twilio/voice/status.
     */
    static final String NUMBER = "+15005550006";
    /** How Twilio writes a date in a webhook's parameters and in its REST resources. */
    static final String RFC_2822 = "[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} \\+0000";

    /** For the requests twilio-java cannot make: raw REST answers, the simulator's own /sim API. */
    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();
    WebhookReceiver app;
    TwilioSimulator twilio;
    TwilioRestClient rest;

    /** The application's answers, path by path, on a receiver that checks signatures with the account's token. */
    abstract WebhookReceiver answers(WebhookReceiver receiver);

    /** This test's Twilio, from the defaults with the call center's number: nothing more unless a test says so. */
    TwilioSimulator.Config configure(TwilioSimulator.Config withNumber) {
        return withNumber;
    }

    @BeforeEach
    void start() throws IOException {
        app = answers(new WebhookReceiver(TwilioSimulator.Config.DEFAULT_AUTH_TOKEN));
        twilio = TwilioSimulator.start(configure(TwilioSimulator.Config.defaults()
                .withNumber(NUMBER, app.url("/twilio/voice/incoming"), app.url("/twilio/voice/status"))));
        rest = new TwilioRestClient.Builder(twilio.accountSid(), twilio.authToken())
                .httpClient(new SimulatorHttpClient(twilio.baseUrl()))
                .build();
    }

    @AfterEach
    void stop() {
        twilio.close();
        app.close();
        assertThat(app.received()).allSatisfy(r -> assertThat(r.signatureValid()).as(r.url()).isTrue());
    }
}
