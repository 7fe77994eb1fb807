package io.switchboard.ingest.signature;

import static io.restassured.RestAssured.given;
import static io.switchboard.ingest.support.TwilioWebhooks.CALLER;
import static io.switchboard.ingest.support.TwilioWebhooks.INCOMING;
import static io.switchboard.ingest.support.TwilioWebhooks.NUMBER;
import static io.switchboard.ingest.support.TwilioWebhooks.STATUS;
import static io.switchboard.ingest.support.TwilioWebhooks.TENANT;
import static io.switchboard.ingest.support.TwilioWebhooks.incomingCall;
import static io.switchboard.ingest.support.TwilioWebhooks.newCallSid;
import static io.switchboard.ingest.support.TwilioWebhooks.publicBaseUrl;
import static io.switchboard.ingest.support.TwilioWebhooks.signatureFor;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.switchboard.ingest.support.TwilioEventsTopic;
import io.switchboard.stack.SwitchboardTestResource;
import io.switchboard.stack.twilio.TwilioSignature;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Bodies that are not Twilio's voice form. Twilio signs a JSON body another way than a form: the body's SHA-256 goes
 * into the URL as {@code bodySHA256}, and the signature covers that URL alone. Voice webhooks are always
 * form-encoded, so a JSON body is refused whatever its signature; the signature is checked first, so a forged one is
 * a 403 like any other, and a genuine one says what is wrong (415). Nothing is published, and nothing answers 5xx.
 */
@QuarkusTest
@WithTestResource(SwitchboardTestResource.class)
class JsonBodyWebhookTest {

    @Test
    void jsonBodyWithoutSignatureIsForbidden() {
        String callSid = newCallSid();

        json(incomingJson(callSid)).post(INCOMING).then()
                .statusCode(403)
                .body(containsString("Missing X-Twilio-Signature"));

        TwilioEventsTopic.assertNothingAbout(callSid);
    }

    @Test
    void jsonBodyWithForgedSignatureIsForbidden() {
        String callSid = newCallSid();
        String body = incomingJson(callSid);
        String path = INCOMING + "?bodySHA256=" + sha256(body);

        json(body).header("X-Twilio-Signature", "bm90IGEgc2lnbmF0dXJl").post(path).then()
                .statusCode(403);
        // Signed by another account, body hash right.
        json(body).header("X-Twilio-Signature",
                        TwilioSignature.sign("another-accounts-token", publicBaseUrl() + path, Map.of()))
                .post(path).then()
                .statusCode(403);

        TwilioEventsTopic.assertNothingAbout(callSid);
    }

    /** Without {@code bodySHA256} a signature would cover the URL only: the body would be anybody's. */
    @Test
    void jsonBodyWhoseSignatureDoesNotCoverTheBodyIsForbidden() {
        String callSid = newCallSid();

        json(incomingJson(callSid)).header("X-Twilio-Signature", signatureFor(INCOMING, Map.of()))
                .post(INCOMING).then()
                .statusCode(403)
                .body(containsString("bodySHA256"));

        TwilioEventsTopic.assertNothingAbout(callSid);
    }

    /** The URL is signed, but the body is not the one whose hash it carries (a body swapped in transit). */
    @Test
    void jsonBodyThatDoesNotMatchItsSignedHashIsForbidden() {
        String callSid = newCallSid();
        String signedBody = incomingJson(newCallSid());
        String path = INCOMING + "?bodySHA256=" + sha256(signedBody);

        json(incomingJson(callSid)).header("X-Twilio-Signature", signatureFor(path, Map.of())).post(path).then()
                .statusCode(403)
                .body(containsString("SHA-256"));

        TwilioEventsTopic.assertNothingAbout(callSid);
    }

    /** Genuinely signed the JSON way: the signature is good, the format is not what a voice webhook is. */
    @Test
    void correctlySignedJsonBodyIsUnsupportedMediaTypeWithAProblem() {
        String callSid = newCallSid();
        for (String endpoint : new String[] {INCOMING, STATUS + "?tenant=" + TENANT}) {
            String body = incomingJson(callSid);
            String path = endpoint + (endpoint.contains("?") ? "&" : "?") + "bodySHA256=" + sha256(body);

            json(body).header("X-Twilio-Signature", signatureFor(path, Map.of())).post(path).then()
                    .statusCode(415)
                    .contentType(startsWith("application/problem+json"))
                    .body(allOf(containsString("\"status\":415"),
                            containsString("application/x-www-form-urlencoded")));
        }

        TwilioEventsTopic.assertNothingAbout(callSid);
    }

    /** A JSON body labelled as a form, signed as Twilio signs forms (the "form" is one odd parameter). */
    @Test
    void jsonBodySentAsAFormIsABadRequest() {
        String callSid = newCallSid();
        String body = incomingJson(callSid);
        // How a form parser reads that body: one parameter named after the whole text, without a value.
        Map<String, String> asParsed = Map.of(URLDecoder.decode(body, StandardCharsets.UTF_8), "");

        given().contentType("application/x-www-form-urlencoded").body(body)
                .header("X-Twilio-Signature", signatureFor(INCOMING, asParsed))
                .post(INCOMING).then()
                .statusCode(400)
                .body(containsString("CallSid is missing"));
        // Unsigned, the same body is simply forbidden.
        given().contentType("application/x-www-form-urlencoded").body(body).post(INCOMING).then()
                .statusCode(403);

        TwilioEventsTopic.assertNothingAbout(callSid);
    }

    /** A genuine form body with a JSON label: its form signature does not count for a JSON body. */
    @Test
    void formBodySentAsJsonIsRefused() {
        String callSid = newCallSid();
        Map<String, String> params = incomingCall(callSid);
        String body = formBody(params);

        json(body).header("X-Twilio-Signature", signatureFor(INCOMING, params)).post(INCOMING).then()
                .statusCode(403);
        String path = INCOMING + "?bodySHA256=" + sha256(body);
        json(body).header("X-Twilio-Signature", signatureFor(path, Map.of())).post(path).then()
                .statusCode(415);

        TwilioEventsTopic.assertNothingAbout(callSid);
    }

    /** Other bodies a client might send: refused with a 4xx, never a 5xx, nothing published. */
    @Test
    void oddBodiesAreRefusedWithA4xx() {
        String callSid = newCallSid();
        String body = incomingJson(callSid);
        String path = INCOMING + "?bodySHA256=" + sha256(body);
        String signature = signatureFor(path, Map.of());

        for (String contentType : new String[] {"text/plain", "application/xml", "application/octet-stream",
                "multipart/form-data; boundary=x", "application/json; charset=UTF-8"}) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            given().contentType(contentType).body(bytes).post(INCOMING).then()
                    .statusCode(403);
            given().contentType(contentType).body(bytes).header("X-Twilio-Signature", signature).post(path).then()
                    .statusCode(allOf(greaterThanOrEqualTo(400), lessThan(500)));
        }
        // Malformed JSON, and no content type at all.
        given().contentType("application/json").body("{\"CallSid\":").post(INCOMING).then().statusCode(403);
        given().body(body.getBytes(StandardCharsets.UTF_8)).header("X-Twilio-Signature", signature).post(path).then()
                .statusCode(allOf(greaterThanOrEqualTo(400), lessThan(500)));

        TwilioEventsTopic.assertNothingAbout(callSid);
    }

    /** A form that does not decode: 400 saying where, never a 500; nothing published. It used to answer 500. */
    @Test
    void aFormBodyThatDoesNotDecodeIsABadRequestSayingWhere() {
        String callSid = newCallSid();
        String good = formBody(incomingCall(callSid));
        String signature = signatureFor(INCOMING, incomingCall(callSid));

        for (String body : new String[] {good + "&Extra=%ZZ", good + "&Extra=50%", "=%%&" + good}) {
            given().contentType("application/x-www-form-urlencoded").body(body)
                    .header("X-Twilio-Signature", signature).post(INCOMING).then()
                    .statusCode(400)
                    .contentType(startsWith("text/plain"))
                    .body(containsString("not percent-encoded"));
        }
        given().contentType("application/x-www-form-urlencoded").body(good + "&Extra=%C3%28")
                .header("X-Twilio-Signature", signature).post(INCOMING).then()
                .statusCode(400)
                .body(containsString("not UTF-8"));

        TwilioEventsTopic.assertNothingAbout(callSid);
        // The same form, well encoded, is taken: the strict reading changes nothing for Twilio's own bodies.
        given().contentType("application/x-www-form-urlencoded").body(good)
                .header("X-Twilio-Signature", signature).post(INCOMING).then()
                .statusCode(200);
        TwilioEventsTopic.single(callSid);
    }

    private static RequestSpecification json(String body) {
        return given().contentType("application/json").body(body);
    }

    private static String incomingJson(String callSid) {
        return "{\"CallSid\":\"" + callSid + "\",\"From\":\"" + CALLER + "\",\"To\":\"" + NUMBER
                + "\",\"CallStatus\":\"ringing\",\"Direction\":\"inbound\"}";
    }

    private static String formBody(Map<String, String> params) {
        return new TreeMap<>(params).entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** Twilio's {@code bodySHA256}: the hex SHA-256 of the body's bytes. */
    private static String sha256(String body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
