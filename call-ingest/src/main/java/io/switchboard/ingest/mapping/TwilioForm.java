package io.switchboard.ingest.mapping;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A webhook's body as Twilio sends it: {@code application/x-www-form-urlencoded}, UTF-8. Decoded strictly — a stray
 * {@code %}, a bad escape or bytes that are not UTF-8 are refused saying where — because Twilio signs the decoded
 * values: a lenient guess would be checked against a signature over something else.
 */
public final class TwilioForm {
    private TwilioForm() {
    }

    /** The form's fields in the order sent (a name may come twice). */
    public static List<Map.Entry<String, String>> parse(byte[] body) {
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        int start = 0;
        while (start < body.length) {
            int end = indexOf(body, (byte) '&', start, body.length);
            if (end > start) {
                int eq = indexOf(body, (byte) '=', start, end);
                String name = decode(body, start, eq);
                fields.add(Map.entry(name, eq < end ? decode(body, eq + 1, end) : ""));
            }
            start = end + 1;
        }
        return fields;
    }

    /** Each name's first value: what the signature covers, and what the endpoints read. */
    public static Map<String, String> firstValues(List<Map.Entry<String, String>> fields) {
        Map<String, String> values = new HashMap<>(fields.size() * 2);
        for (Map.Entry<String, String> field : fields) {
            values.putIfAbsent(field.getKey(), field.getValue());
        }
        return values;
    }

    /** The first {@code b} in {@code from..to}, or {@code to}. */
    private static int indexOf(byte[] bytes, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return to;
    }

    private static String decode(byte[] body, int from, int to) {
        byte[] decoded = new byte[to - from];
        int length = 0;
        boolean ascii = true;
        for (int i = from; i < to; i++) {
            int b = body[i];
            if (b == '+') {
                b = ' ';
            } else if (b == '%') {
                int high = i + 1 < to ? Character.digit(body[i + 1], 16) : -1;
                int low = i + 2 < to ? Character.digit(body[i + 2], 16) : -1;
                if (high < 0 || low < 0) {
                    throw new MalformedWebhookException("The form body is not percent-encoded: the '%' at byte " + i
                            + " starts no %XX escape.");
                }
                b = high << 4 | low;
                i += 2;
            }
            ascii &= (b & 0x80) == 0;
            decoded[length++] = (byte) b;
        }
        if (ascii) {
            // ASCII is UTF-8 as it stands (most of what Twilio sends): no decoder needed to check it.
            return new String(decoded, 0, length, StandardCharsets.US_ASCII);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(decoded, 0, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedWebhookException("The form field at byte " + from
                    + " is not UTF-8 once decoded; Twilio always sends UTF-8.");
        }
    }
}
