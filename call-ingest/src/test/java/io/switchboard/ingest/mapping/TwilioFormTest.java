package io.switchboard.ingest.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TwilioFormTest {

    private static byte[] ascii(String body) {
        return body.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void decodesTwiliosFieldsInTheOrderSent() {
        String caller = "+15551230000";
        String body = "CallSid=CA1&From=" + URLEncoder.encode(caller, StandardCharsets.UTF_8)
                + "&CallerName=Jos%C3%A9+M%C3%BCller&To=client%3Aacme__doug&Empty=&Flag&&";

        assertThat(TwilioForm.parse(ascii(body))).containsExactly(Map.entry("CallSid", "CA1"),
                Map.entry("From", caller), Map.entry("CallerName", "José Müller"),
                Map.entry("To", "client:acme__doug"), Map.entry("Empty", ""), Map.entry("Flag", ""));
    }

    @Test
    void anEmptyBodyIsAnEmptyForm() {
        assertThat(TwilioForm.parse(new byte[0])).isEmpty();
    }

    @Test
    void keepsAFieldSentTwiceAndAnEqualsSignInAValue() {
        assertThat(TwilioForm.parse(ascii("A=1&A=2&B=x=y"))).containsExactly(Map.entry("A", "1"),
                Map.entry("A", "2"), Map.entry("B", "x=y"));
    }

    @Test
    void aBadEscapeIsRefusedSayingWhere() {
        assertThatThrownBy(() -> TwilioForm.parse(ascii("CallSid=CA1&To=%ZZ")))
                .isInstanceOf(MalformedWebhookException.class)
                .hasMessageContaining("not percent-encoded").hasMessageContaining("byte 15");
        assertThatThrownBy(() -> TwilioForm.parse(ascii("To=50%"))).hasMessageContaining("byte 5");
        assertThatThrownBy(() -> TwilioForm.parse(ascii("To=%4"))).hasMessageContaining("byte 3");
        // An escape cut short by the end of its field, not only of the body.
        assertThatThrownBy(() -> TwilioForm.parse(ascii("To=%4&From=1"))).hasMessageContaining("byte 3");
    }

    @Test
    void bytesThatAreNotUtf8AreRefused() {
        assertThatThrownBy(() -> TwilioForm.parse(ascii("CallerName=%C3%28")))
                .isInstanceOf(MalformedWebhookException.class).hasMessageContaining("not UTF-8");
        byte[] raw = {'A', '=', (byte) 0xFF};
        assertThatThrownBy(() -> TwilioForm.parse(raw)).hasMessageContaining("not UTF-8");
    }
}
