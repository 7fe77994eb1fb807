package io.switchboard.ingest.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.contract.TwilioCallStatus;
import io.switchboard.contract.TwilioEvent.CallIncoming;
import io.switchboard.contract.TwilioEvent.CallStatusChanged;
import io.switchboard.contract.TwilioEvent.ConferenceChanged;
import io.switchboard.contract.TwilioEvent.DialEnded;
import io.switchboard.contract.TwilioEvent.ForwardEnded;
import io.switchboard.contract.TwilioEvent.RecordingStored;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TwilioEventsTest {
    private static final Instant NOW = Instant.parse("2026-11-21T14:03:07.120Z");

    /** A webhook with only the given fields; the others are absent, as when Twilio leaves them out. */
    private static Webhook webhook() {
        return new Webhook();
    }

    private static final class Webhook {
        String callSid, parentCallSid, from, to, callStatus, direction, sequenceNumber, timestamp, dialCallSid,
                dialCallStatus, tenant, idempotencyToken, claim, parkedBy, parkedAt, call, conferenceSid, friendlyName,
                event, hold, label, recordingSid, recordingUrl, recordingStatus, recordingDuration, callerFrom,
                callerTo;

        Webhook callSid(String v) { callSid = v; return this; }
        Webhook parentCallSid(String v) { parentCallSid = v; return this; }
        Webhook from(String v) { from = v; return this; }
        Webhook to(String v) { to = v; return this; }
        Webhook callStatus(String v) { callStatus = v; return this; }
        Webhook direction(String v) { direction = v; return this; }
        Webhook sequenceNumber(String v) { sequenceNumber = v; return this; }
        Webhook timestamp(String v) { timestamp = v; return this; }
        Webhook dialCallSid(String v) { dialCallSid = v; return this; }
        Webhook dialCallStatus(String v) { dialCallStatus = v; return this; }
        Webhook idempotencyToken(String v) { idempotencyToken = v; return this; }
        Webhook claim(String v) { claim = v; return this; }
        Webhook parkedBy(String v) { parkedBy = v; return this; }
        Webhook parkedAt(String v) { parkedAt = v; return this; }
        Webhook call(String v) { call = v; return this; }
        Webhook conference(String sid, String name, String v) { conferenceSid = sid; friendlyName = name; event = v; return this; }
        Webhook hold(String v) { hold = v; return this; }
        Webhook label(String v) { label = v; return this; }
        Webhook tenant(String v) { tenant = v; return this; }
        Webhook recording(String sid, String url, String status, String duration) {
            recordingSid = sid; recordingUrl = url; recordingStatus = status; recordingDuration = duration; return this;
        }
        Webhook caller(String from, String to) { callerFrom = from; callerTo = to; return this; }

        TwilioWebhook build() {
            return new TwilioWebhook(callSid, parentCallSid, from, to, callStatus, direction, sequenceNumber,
                    timestamp, dialCallSid, dialCallStatus, tenant, false, idempotencyToken, claim, parkedBy, parkedAt, call,
                    new TwilioWebhook.Conference(conferenceSid, friendlyName, event, hold, label),
                    new TwilioWebhook.Recording(recordingSid, recordingUrl, recordingStatus, recordingDuration,
                            callerFrom, callerTo));
        }
    }

    @Test
    void incomingCallIsIdentifiedByItsCallSid() {
        CallIncoming event = TwilioEvents.incoming(webhook().callSid("CA1").from("+15551230000").to("+15005550006")
                .build(), "acme", NOW);

        assertThat(event).isEqualTo(new CallIncoming("incoming:CA1", "acme", "CA1", "+15551230000", "+15005550006", NOW));
    }

    @Test
    void webhookWithoutCallSidIsMalformed() {
        assertThatThrownBy(() -> TwilioEvents.incoming(webhook().to("+15005550006").build(), "acme", NOW))
                .isInstanceOf(MalformedWebhookException.class)
                .hasMessageContaining("CallSid is missing");
        assertThatThrownBy(() -> TwilioEvents.status(webhook().callSid(" ").callStatus("ringing").build(), "acme", NOW))
                .isInstanceOf(MalformedWebhookException.class);
    }

    @Test
    void agentLegStatusBelongsToTheParentCall() {
        CallStatusChanged event = TwilioEvents.status(webhook().callSid("CA9").parentCallSid("CA1")
                .callStatus("in-progress").direction("outbound-dial").from("+15551230000").to("client:acme__doug")
                .sequenceNumber("2").timestamp("Mon, 16 Aug 2010 03:45:01 +0000").build(), "acme", NOW);

        assertThat(event).isEqualTo(new CallStatusChanged("status:CA9:2", "acme", "CA1", "CA9",
                TwilioCallStatus.IN_PROGRESS, 2, Instant.parse("2010-08-16T03:45:01Z"), "outbound-dial",
                "+15551230000", "client:acme__doug", "doug", NOW));
        assertThat(event.isAgentLeg()).isTrue();
    }

    @Test
    void anAgentLegNamesTheClaimThatDialledIt() {
        CallStatusChanged event = TwilioEvents.status(webhook().callSid("CA9").parentCallSid("CA1")
                .callStatus("completed").to("client:acme__doug").sequenceNumber("3").claim("1700000000123").build(), "acme",
                NOW);

        assertThat(event.claim()).isEqualTo(1_700_000_000_123L);
        assertThat(TwilioEvents.status(webhook().callSid("CA9").parentCallSid("CA1").callStatus("completed")
                .to("client:acme__doug").build(), "acme", NOW).claim()).isNull();
        assertThatThrownBy(() -> TwilioEvents.status(webhook().callSid("CA9").callStatus("completed").claim("soon")
                .build(), "acme", NOW)).isInstanceOf(MalformedWebhookException.class).hasMessageContaining("claim");
    }

    @Test
    void aConferenceCallbackIsAboutTheCallItIsNamedAfter() {
        ConferenceChanged join = TwilioEvents.conference(webhook().conference("CF1", "CA1", "participant-join")
                .callSid("CA9").label("doug").hold("false").sequenceNumber("2").claim("1700000000123").build(), "acme",
                NOW);
        assertThat(join).isEqualTo(new ConferenceChanged("conference:CF1:2", "acme", "CA1", "CF1", "participant-join",
                "CA9", "doug", false, 2, 1_700_000_000_123L, NOW));

        ConferenceChanged end = TwilioEvents.conference(webhook().conference("CF1", "CA1", "conference-end")
                .idempotencyToken("tok-7").build(), "acme", NOW);
        assertThat(end.eventId()).isEqualTo("conference:CF1:tok-7");
        assertThat(end.participantSid()).isNull();
        assertThat(end.hold()).isNull();

        assertThatThrownBy(() -> TwilioEvents.conference(webhook().conference("CF1", "CA1", null).build(), "acme", NOW))
                .isInstanceOf(MalformedWebhookException.class).hasMessageContaining("StatusCallbackEvent");
        assertThatThrownBy(() -> TwilioEvents.conference(webhook().conference("CF1", "huddle", "conference-start")
                .build(), "acme", NOW)).isInstanceOf(MalformedWebhookException.class).hasMessageContaining("CA");
    }

    @Test
    void anAgentsConferenceLegBelongsToTheCallInItsUrl() {
        CallStatusChanged event = TwilioEvents.status(webhook().callSid("CA9").call("CA1").callStatus("ringing")
                .to("client:acme__doug").sequenceNumber("1").build(), "acme", NOW);
        assertThat(event.callSid()).isEqualTo("CA1");
        assertThat(event.legSid()).isEqualTo("CA9");
        assertThat(event.agentId()).isEqualTo("doug");
    }

    @Test
    void theNumberOfACallAnAgentPlacedBelongsToTheCallInItsUrlAndRingsNoAgent() {
        CallStatusChanged event = TwilioEvents.status(webhook().callSid("CA9").call("OB1").callStatus("in-progress")
                .from("+15005550006").to("+14155550123").sequenceNumber("2").build(), "acme", NOW);
        assertThat(event.callSid()).isEqualTo("OB1");
        assertThat(event.legSid()).isEqualTo("CA9");
        assertThat(event.agentId()).isNull();
        assertThat(event.isNumberLeg()).isTrue();
        assertThat(event.isAgentLeg()).isFalse();
        // The agent's own leg of that call is an agent's leg, as for a call that came in.
        assertThat(TwilioEvents.status(webhook().callSid("CA8").call("OB1").callStatus("in-progress")
                .to("client:acme__doug").build(), "acme", NOW).isAgentLeg()).isTrue();
    }

    @Test
    void callersOwnStatusIsItsOwnLeg() {
        CallStatusChanged event = TwilioEvents.status(webhook().callSid("CA1").callStatus("completed")
                .to("+15005550006").sequenceNumber("0").build(), "acme", NOW);

        assertThat(event.callSid()).isEqualTo("CA1");
        assertThat(event.legSid()).isEqualTo("CA1");
        assertThat(event.isAgentLeg()).isFalse();
        assertThat(event.agentId()).isNull();
        assertThat(event.eventId()).isEqualTo("status:CA1:0");
    }

    @Test
    void statusEventIdPrefersSequenceNumberThenIdempotencyTokenThenStatus() {
        TwilioWebhook withEverything = webhook().callSid("CA1").callStatus("ringing").sequenceNumber("3")
                .idempotencyToken("tok").build();
        TwilioWebhook withToken = webhook().callSid("CA1").callStatus("ringing").idempotencyToken("tok").build();
        TwilioWebhook withStatusOnly = webhook().callSid("CA1").callStatus("ringing").build();

        assertThat(TwilioEvents.status(withEverything, "acme", NOW).eventId()).isEqualTo("status:CA1:3");
        assertThat(TwilioEvents.status(withToken, "acme", NOW).eventId()).isEqualTo("status:CA1:tok");
        assertThat(TwilioEvents.status(withStatusOnly, "acme", NOW).eventId()).isEqualTo("status:CA1:ringing");
    }

    @Test
    void missingOrUnknownCallStatusIsMalformed() {
        assertThatThrownBy(() -> TwilioEvents.status(webhook().callSid("CA1").build(), "acme", NOW))
                .isInstanceOf(MalformedWebhookException.class)
                .hasMessageContaining("CallStatus is missing");
        assertThatThrownBy(() -> TwilioEvents.status(webhook().callSid("CA1").callStatus("exploded").build(), "acme",
                NOW))
                .isInstanceOf(MalformedWebhookException.class)
                .hasMessageContaining("'exploded' is not a Twilio call status")
                .hasMessageContaining("no-answer");
    }

    @Test
    void garbledSequenceNumberIsMalformedButAGarbledTimestampIsOnlyDropped() {
        assertThatThrownBy(() -> TwilioEvents.status(webhook().callSid("CA1").callStatus("ringing")
                .sequenceNumber("two").build(), "acme", NOW))
                .isInstanceOf(MalformedWebhookException.class)
                .hasMessageContaining("SequenceNumber must be an integer");

        CallStatusChanged event = TwilioEvents.status(webhook().callSid("CA1").callStatus("ringing")
                .timestamp("yesterday-ish").build(), "acme", NOW);
        assertThat(event.occurredAt()).isNull();
    }

    @Test
    void timestampIsRfc2822() {
        assertThat(TwilioEvents.occurredAt("Mon, 16 Aug 2010 03:45:01 +0000"))
                .isEqualTo(Instant.parse("2010-08-16T03:45:01Z"));
        assertThat(TwilioEvents.occurredAt("Tue, 1 Dec 2026 10:00:00 +0100"))
                .isEqualTo(Instant.parse("2026-12-01T09:00:00Z"));
        assertThat(TwilioEvents.occurredAt(null)).isNull();
        assertThat(TwilioEvents.occurredAt("2026-12-01T09:00:00Z")).isNull();
    }

    @Test
    void agentIdIsTheClientIdentitysAgentOfTheWebhooksTenant() {
        assertThat(TwilioEvents.agentId("client:acme__doug", "acme")).isEqualTo("doug");
        assertThat(TwilioEvents.agentId("client:acme__jean_002dluc", "acme")).isEqualTo("jean-luc");
        assertThat(TwilioEvents.agentId("+15005550006", "acme")).isNull();
        assertThat(TwilioEvents.agentId(null, "acme")).isNull();
    }

    /** A leg of another tenant's agent, or of a client that names no tenant, never moves this tenant's agents. */
    @Test
    void aClientIdentityOfAnotherTenantOrOfNoneIsRefused() {
        assertThatThrownBy(() -> TwilioEvents.agentId("client:globex__doug", "acme"))
                .isInstanceOf(ForeignAgentLegException.class)
                .hasMessageContaining("of tenant 'globex', but the callback is for tenant 'acme'");
        assertThatThrownBy(() -> TwilioEvents.agentId("client:doug", "acme"))
                .isInstanceOf(ForeignAgentLegException.class)
                .hasMessageContaining("names no tenant");
        assertThatThrownBy(() -> TwilioEvents.agentId("client:", "acme"))
                .isInstanceOf(ForeignAgentLegException.class);
        assertThatThrownBy(() -> TwilioEvents.status(webhook().callSid("CA9").parentCallSid("CA1")
                .callStatus("in-progress").to("client:globex__doug").build(), "acme", NOW))
                .isInstanceOf(ForeignAgentLegException.class);
    }

    @Test
    void dialEndedIsIdentifiedByTheCallAndTheDialledLeg() {
        DialEnded event = TwilioEvents.dialEnded(webhook().callSid("CA1").dialCallSid("CA9")
                .dialCallStatus("no-answer").build(), "acme", NOW);

        assertThat(event).isEqualTo(new DialEnded("dial-ended:CA1:CA9", "acme", "CA1", "CA9",
                TwilioCallStatus.NO_ANSWER, NOW));
    }

    @Test
    void dialEndedWithoutDialCallSidIsIdentifiedByItsStatus() {
        DialEnded event = TwilioEvents.dialEnded(webhook().callSid("CA1").dialCallStatus("failed").build(), "acme",
                NOW);

        assertThat(event.eventId()).isEqualTo("dial-ended:CA1:failed");
        assertThat(event.dialCallSid()).isNull();
    }

    @Test
    void dialEndedNeedsAKnownDialCallStatus() {
        assertThat(TwilioEvents.dialEnded(webhook().callSid("CA1").dialCallStatus("answered").build(), "acme", NOW)
                .dialCallStatus()).isEqualTo(TwilioCallStatus.ANSWERED);
        assertThatThrownBy(() -> TwilioEvents.dialEnded(webhook().callSid("CA1").build(), "acme", NOW))
                .isInstanceOf(MalformedWebhookException.class)
                .hasMessageContaining("DialCallStatus is missing");
    }

    @Test
    void aRecordingIsIdentifiedByItsSidAndNamesTheCallerFromItsUrl() {
        RecordingStored event = TwilioEvents.recording(webhook().callSid("CA1").tenant("acme")
                .recording("RE1", "https://api.twilio.com/Recordings/RE1", "completed", "7")
                .caller("+15551230000", "+15005550006").build(), NOW);

        assertThat(event).isEqualTo(new RecordingStored("recording:RE1", "acme", "CA1", "RE1",
                "https://api.twilio.com/Recordings/RE1", "completed", 7, "+15551230000", "+15005550006", NOW));
    }

    @Test
    void aRecordingWithNothingToKeepNeedsNoUrlNorDuration() {
        RecordingStored event = TwilioEvents.recording(webhook().callSid("CA1").tenant("acme")
                .recording("RE1", null, "absent", null).caller("+15551230000", "+15005550006").build(), NOW);

        assertThat(event.completed()).isFalse();
        assertThat(event.recordingUrl()).isNull();
        assertThat(event.durationSeconds()).isNull();
    }

    @Test
    void aRecordingCallbackWithoutWhatItNeedsIsMalformed() {
        assertMalformed(webhook().callSid("CA1").tenant("acme").recording("RE1", null, "completed", "7")
                .caller("+1", "+2"), "RecordingUrl is missing");
        assertMalformed(webhook().callSid("CA1").tenant("acme").recording("RE1", "u", null, "7").caller("+1", "+2"),
                "RecordingStatus is missing");
        assertMalformed(webhook().callSid("CA1").tenant("acme").recording("RE1", "u", "completed", "-1")
                .caller("+1", "+2"), "RecordingDuration must be whole seconds, got '-1'");
        assertMalformed(webhook().callSid("CA1").recording("RE1", "u", "completed", "7").caller("+1", "+2"),
                "no tenant= parameter");
        assertMalformed(webhook().callSid("CA1").tenant("acme").recording("RE1", "u", "completed", "7")
                .caller("+1", null), "no to= parameter");
        assertMalformed(webhook().tenant("acme").recording("RE1", "u", "completed", "7").caller("+1", "+2"),
                "CallSid is missing");
    }

    @Test
    void aForwardEndsOncePerCall() {
        ForwardEnded event = TwilioEvents.forwardEnded(webhook().callSid("CA1").dialCallSid("CA7")
                .dialCallStatus("busy").build(), "acme", NOW);

        assertThat(event).isEqualTo(new ForwardEnded("forward-ended:CA1", "acme", "CA1", "CA7", TwilioCallStatus.BUSY,
                NOW));
        assertThatThrownBy(() -> TwilioEvents.forwardEnded(webhook().callSid("CA1").dialCallStatus("gone").build(),
                "acme", NOW)).isInstanceOf(MalformedWebhookException.class)
                .hasMessageContaining("DialCallStatus 'gone' is not a Twilio call status");
    }

    @Test
    void anIncomingCallOutsideBusinessHoursSaysWhatTheCallerGot() {
        assertThat(TwilioEvents.incoming(webhook().callSid("CA1").build(), "acme", NOW, CallIncoming.MESSAGE)
                .afterHours()).isEqualTo("message");
        assertThat(TwilioEvents.incoming(webhook().callSid("CA1").build(), "acme", NOW).afterHours()).isNull();
    }

    private static void assertMalformed(Webhook webhook, String message) {
        assertThatThrownBy(() -> TwilioEvents.recording(webhook.build(), NOW))
                .isInstanceOf(MalformedWebhookException.class)
                .hasMessageContaining(message);
    }
}
