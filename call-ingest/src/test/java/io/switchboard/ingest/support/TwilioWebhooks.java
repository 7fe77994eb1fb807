package io.switchboard.ingest.support;

import static io.restassured.RestAssured.given;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.switchboard.stack.SwitchboardTestResource;
import io.switchboard.stack.twilio.TwilioSignature;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.ConfigProvider;

/** Sends webhooks the way Twilio does: form-encoded, signed for the public URL the service is configured with. */
public final class TwilioWebhooks {
    public static final String INCOMING = "/twilio/voice/incoming";
    public static final String STATUS = "/twilio/voice/status";
    public static final String DIAL_ENDED = "/twilio/voice/dial-ended";
    public static final String HOLD = "/twilio/voice/hold";
    public static final String CONFERENCE = "/twilio/voice/conference";
    public static final String VOICEMAIL = "/twilio/voice/voicemail";
    public static final String VOICEMAIL_DONE = "/twilio/voice/voicemail-done";
    public static final String RECORDING = "/twilio/voice/recording";
    public static final String FORWARD = "/twilio/voice/forward";
    public static final String FORWARD_ENDED = "/twilio/voice/forward-ended";
    public static final String CALLER = "+15551230000";
    public static final String TENANT = SwitchboardTestResource.TENANT;
    public static final String NUMBER = SwitchboardTestResource.NUMBER;

    private TwilioWebhooks() {
    }

    public static String publicBaseUrl() {
        return ConfigProvider.getConfig().getValue("switchboard.public-base-url", String.class);
    }

    public static String authToken() {
        return ConfigProvider.getConfig().getValue("switchboard.twilio.auth-token", String.class);
    }

    /** A fresh call sid, so each test finds its own records on the shared topic. */
    public static String newCallSid() {
        return "CA" + UUID.randomUUID().toString().replace("-", "");
    }

    public static Map<String, String> incomingCall(String callSid) {
        return form("CallSid", callSid, "From", CALLER, "To", NUMBER, "CallStatus", "ringing",
                "Direction", "inbound", "AccountSid", "AC00000000000000000000000000000000");
    }

    public static Map<String, String> form(String... namesAndValues) {
        Map<String, String> form = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            form.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return form;
    }

    /** Signs with the configured token for {@code PUBLIC_BASE_URL + pathAndQuery}. */
    public static String signatureFor(String pathAndQuery, Map<String, String> params) {
        return TwilioSignature.sign(authToken(), publicBaseUrl() + pathAndQuery, params);
    }

    /** A request with the form body and no signature. */
    public static RequestSpecification unsigned(Map<String, String> params) {
        return given().contentType("application/x-www-form-urlencoded; charset=UTF-8").formParams(params);
    }

    public static RequestSpecification signed(String pathAndQuery, Map<String, String> params) {
        return unsigned(params).header("X-Twilio-Signature", signatureFor(pathAndQuery, params));
    }

    /**
     * POSTs a signed webhook to a URL call-ingest gave Twilio in its TwiML, as Twilio would: to the URL as written, its
     * query string left as it is encoded (RestAssured would encode a {@code %2B} again), without the fragment of
     * connection overrides, which Twilio reads and never sends.
     */
    public static Response postTo(String urlGivenToTwilio, Map<String, String> params) {
        int fragment = urlGivenToTwilio.indexOf('#');
        String url = fragment < 0 ? urlGivenToTwilio : urlGivenToTwilio.substring(0, fragment);
        if (!url.startsWith(publicBaseUrl())) {
            throw new AssertionError(url + " is not a URL of call-ingest's (" + publicBaseUrl() + ")");
        }
        String pathAndQuery = url.substring(publicBaseUrl().length());
        String body = params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return given().urlEncodingEnabled(false).contentType("application/x-www-form-urlencoded; charset=UTF-8")
                .header("X-Twilio-Signature", signatureFor(pathAndQuery, params)).body(body).post(pathAndQuery);
    }

    /** POSTs a correctly signed webhook, as Twilio would. */
    public static Response post(String pathAndQuery, Map<String, String> params) {
        return signed(pathAndQuery, params).post(pathAndQuery);
    }
}
