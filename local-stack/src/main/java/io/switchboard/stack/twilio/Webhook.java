package io.switchboard.stack.twilio;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One request the simulated Twilio makes to the application: a TwiML fetch (incoming call, {@code <Dial action>},
 * {@code <Redirect>}, REST {@code Url}, a call placed over REST once answered) or a notification (status callback,
 * conference event, queue or conference wait URL, hold music, announcement).
 *
 * @param kind    {@code incoming}, {@code fallback} (the number's voice fallback URL, when {@code incoming} gave no
 *                TwiML), {@code outbound} (the {@code Url} of a call placed over REST, once answered), {@code status}
 *                (a call's progress), {@code conference} (a conference's status callback), {@code dial-action},
 *                {@code redirect}, {@code wait} (a queue's or a conference's wait music), {@code hold} (a conference
 *                participant's {@code HoldUrl}), {@code announce} ({@code AnnounceUrl}), {@code record-action} (a {@code <Record action>},
 *                or its document's URL), {@code recording} (a {@code <Record recordingStatusCallback>})
 * @param callSid the call the request is about (its {@code CallSid}); for a conference's own events (start, end,
 *                announcement) the call whose TwiML opened the conference
 * @param url     the URL exactly as given to Twilio, query string and fragment included; the request goes to it
 *                without its fragment (Twilio's connection overrides), and the signature covers it so
 * @param params  the form parameters (or, for GET, the query parameters Twilio appends)
 */
public record Webhook(String kind, String callSid, String method, String url, Map<String, String> params) {
    public Webhook {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params)); // in the order Twilio sends them
    }
}
