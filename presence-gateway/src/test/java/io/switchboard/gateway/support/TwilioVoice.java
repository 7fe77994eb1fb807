package io.switchboard.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** A made-up Twilio account and API key, and how Twilio reads the access tokens signed with it. */
public final class TwilioVoice {
    public static final String ACCOUNT = "AC00000000000000000000000000000001";
    public static final String KEY = "SK00000000000000000000000000000002";
    public static final String SECRET = "api-key-secret-of-thirty-two-chr";

    private TwilioVoice() {
    }

    /** The payload, once the HS256 signature checks out with the API key's secret (as Twilio checks it). */
    public static JsonNode verifiedClaims(String jwt) throws Exception {
        String[] parts = jwt.split("\\.");
        assertThat(parts).hasSize(3);
        Base64.Decoder base64 = Base64.getUrlDecoder();
        ObjectMapper json = new ObjectMapper();
        JsonNode header = json.readTree(base64.decode(parts[0]));
        assertThat(header.get("alg").asText()).isEqualTo("HS256");
        assertThat(header.get("cty").asText()).isEqualTo("twilio-fpa;v=1");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(base64.decode(parts[2])).as("signature").isEqualTo(expected);
        return json.readTree(base64.decode(parts[1]));
    }

}
