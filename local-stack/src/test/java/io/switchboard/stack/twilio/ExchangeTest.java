package io.switchboard.stack.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.switchboard.stack.twilio.Exchange.Effect;
import io.switchboard.stack.twilio.Exchange.Schedule;
import io.switchboard.stack.twilio.Exchange.Send;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The simulator's core on its own: no HTTP, a fixed clock, numbered leg sids. */
class ExchangeTest {
    private static final String NUMBER = "+15005550006";
    private static final String VOICE = "https://app.test/twilio/voice/incoming";
    private static final String STATUS = "https://app.test/twilio/voice/status";
    private static final String FALLBACK = "https://app.test/twilio/voice/fallback";
    private static final String CONFERENCE = "https://app.test/twilio/voice/conference";

    private final AtomicInteger legs = new AtomicInteger();
    private final Exchange exchange = new Exchange("AC1", Map.of(NUMBER, new TwilioSimulator.Number(VOICE, STATUS)),
            Duration.ofMillis(50), Clock.fixed(Instant.parse("2010-08-16T03:45:01Z"), ZoneOffset.UTC),
            () -> "CAleg" + legs.incrementAndGet());

    @Test
    void anAnswerThatArrivesAfterTheCallMovedOnIsIgnored() throws Exception {
        Send incoming = (Send) exchange.placeCall("CA1", "+15551230000", NUMBER).get(0);
        exchange.updateTwiml("CA1", "<Response><Enqueue>acme-parked</Enqueue></Response>");

        List<Effect> late = exchange.twimlArrived("CA1", incoming.generation(), VOICE,
                "<Response><Enqueue>acme</Enqueue></Response>");

        assertThat(late).isEmpty();
        assertThat(exchange.view("CA1").activity()).isEqualTo("enqueued:acme-parked");
    }

    @Test
    void aDialReportsTheLegAndSetsTheAgentsAndTheTimeoutsTimers() throws Exception {
        enqueue("CA1");

        List<Effect> effects = exchange.updateTwiml("CA1", "<Response><Dial timeout=\"20\"><Client statusCallback=\""
                + STATUS + "?tenant=acme\" statusCallbackEvent=\"initiated ringing answered completed\">doug</Client>"
                + "</Dial></Response>");

        assertThat(effects).hasSize(4);
        assertThat(((Send) effects.get(0)).webhook().params()).containsEntry("CallSid", "CAleg1")
                .containsEntry("CallStatus", "initiated").containsEntry("SequenceNumber", "0")
                .containsEntry("Timestamp", "Mon, 16 Aug 2010 03:45:01 +0000");
        assertThat(((Send) effects.get(0)).conversation()).isEqualTo("CA1");
        assertThat(effects.subList(2, 4)).containsExactly(
                new Schedule(Duration.ofMillis(50), new Exchange.AgentAnswers("CAleg1")),
                new Schedule(Duration.ofSeconds(20), new Exchange.DialTimesOut("CAleg1")));

        assertThat(exchange.fire(new Exchange.AgentAnswers("CAleg1"))).singleElement()
                .satisfies(e -> assertThat(((Send) e).webhook().params()).containsEntry("SequenceNumber", "2"));
        assertThat(exchange.fire(new Exchange.DialTimesOut("CAleg1"))).isEmpty();
        assertThat(exchange.view("CA1").activity()).isEqualTo("bridged:client:doug");
    }

    @Test
    void aDialWithoutActionGoesOnWithTheNextVerbs() throws Exception {
        enqueue("CA1");
        exchange.answerMode("doug", AnswerMode.REJECT);
        exchange.updateTwiml("CA1", "<Response><Dial><Client>doug</Client></Dial><Redirect>/next</Redirect></Response>");

        List<Effect> effects = exchange.fire(new Exchange.AgentDeclines("CAleg1"));

        assertThat(effects).singleElement().satisfies(e -> {
            assertThat(((Send) e).webhook().kind()).isEqualTo("redirect");
            assertThat(((Send) e).fetchesTwiml()).isTrue();
        });
    }

    @Test
    void aDocumentThatRunsOutOfVerbsEndsTheCall() {
        Send incoming = (Send) exchange.placeCall("CA1", "+15551230000", NUMBER).get(0);

        List<Effect> effects = exchange.twimlArrived("CA1", incoming.generation(), VOICE,
                "<Response><Say>We are closed</Say></Response>");

        assertThat(effects).singleElement().satisfies(e -> assertThat(((Send) e).webhook().params())
                .containsEntry("CallStatus", "completed").containsEntry("CallDuration", "0"));
        assertThat(exchange.view("CA1").status()).isEqualTo("completed");
    }

    @Test
    void relativeUrlsAreRelativeToTheirDocument() {
        Send incoming = (Send) exchange.placeCall("CA1", "+15551230000", NUMBER).get(0);

        List<Effect> effects = exchange.twimlArrived("CA1", incoming.generation(), VOICE,
                "<Response><Redirect>park?tenant=acme</Redirect></Response>");

        assertThat(((Send) effects.get(0)).webhook().url()).isEqualTo("https://app.test/twilio/voice/park?tenant=acme");
    }

    @Test
    void aCallThatIsOverCannotBeRedirected() {
        enqueue("CA1");
        exchange.hangUp("CA1");

        assertThatThrownBy(() -> exchange.updateTwiml("CA1", "<Response><Hangup/></Response>"))
                .isInstanceOf(Exchange.NotInProgress.class);
        assertThatThrownBy(() -> exchange.view("CA2")).isInstanceOf(Exchange.NoSuchCall.class);
        assertThatThrownBy(() -> exchange.placeCall("CA3", "+15551230000", "+15550000000"))
                .hasMessageContaining("+15550000000");
    }

    @Test
    void aFailedVoiceUrlHandsTheCallToTheFallbackUrlAndAFailedFallbackEndsIt() {
        String fallbackNumber = "+15005550007";
        exchange.addNumber(fallbackNumber, new TwilioSimulator.Number(VOICE + "#rc=2", FALLBACK + "#rt=2000", STATUS));
        Send incoming = (Send) exchange.placeCall("CA1", "+15551230000", fallbackNumber).get(0);

        Send fallback = (Send) exchange.twimlUnavailable("CA1", incoming.generation(), incoming.webhook()).get(0);

        assertThat(fallback.fetchesTwiml()).isTrue();
        assertThat(fallback.webhook().kind()).isEqualTo("fallback");
        assertThat(fallback.webhook().method()).isEqualTo("POST");
        assertThat(fallback.webhook().url()).isEqualTo(FALLBACK + "#rt=2000");
        assertThat(fallback.webhook().params()).containsAllEntriesOf(incoming.webhook().params())
                .containsEntry("ErrorCode", "11200").containsEntry("ErrorUrl", VOICE);
        assertThat(exchange.view("CA1").activity()).isEqualTo("fetching");
        // An answer to the voice URL that comes now is too late: the fallback's is awaited.
        assertThat(exchange.twimlUnavailable("CA1", incoming.generation(), incoming.webhook())).isEmpty();

        List<Effect> end = exchange.twimlUnavailable("CA1", fallback.generation(), fallback.webhook());

        assertThat(end).singleElement().satisfies(e -> assertThat(((Send) e).webhook().params())
                .containsEntry("CallStatus", "failed"));
        assertThat(exchange.view("CA1").status()).isEqualTo("failed");
    }

    @Test
    void withoutAFallbackUrlAFailedVoiceUrlEndsTheCall() {
        Send incoming = (Send) exchange.placeCall("CA1", "+15551230000", NUMBER).get(0);

        exchange.twimlUnavailable("CA1", incoming.generation(), incoming.webhook());

        assertThat(exchange.view("CA1").status()).isEqualTo("failed");
    }

    @Test
    void aConferenceStartsWhenTheAgentTwilioCalledAnswersAndReportsItInOrder() throws Exception {
        enqueue("CA1");
        List<Effect> joined = exchange.updateTwiml("CA1", "<Response><Dial><Conference startConferenceOnEnter=\"false\" "
                + "endConferenceOnExit=\"true\" waitUrl=\"https://app.test/wait\" statusCallback=\"" + CONFERENCE
                + "\" statusCallbackEvent=\"start end join leave\">CA1</Conference></Dial></Response>");

        // Alone, the caller hears the wait music; its join is reported once the conference starts.
        assertThat(joined).singleElement().satisfies(e -> assertThat(((Send) e).webhook().kind()).isEqualTo("wait"));
        ConferenceView waiting = exchange.conferenceNamed("CA1");
        assertThat(waiting.status()).isEqualTo("in-progress");
        assertThat(waiting.started()).isFalse();
        assertThat(exchange.view("CA1").conference()).isEqualTo("CA1");

        List<Effect> added = exchange.addParticipant("CAagent", "CA1", new Exchange.ParticipantRequest("+15005550006",
                "client:doug", "doug", 20, new Exchange.StatusCallback(STATUS, "POST",
                        Set.of("initiated", "ringing", "answered", "completed")), true, false, false, null, "POST",
                null, "POST", Set.of()));

        assertThat(added).containsExactly(new Schedule(Duration.ZERO, new Exchange.CallPlaced("CAagent")));
        assertThat(exchange.participant(waiting.sid(), "doug").status()).isEqualTo("queued");
        List<Effect> ringing = exchange.fire(new Exchange.CallPlaced("CAagent"));
        assertThat(ringing).hasSize(4);
        assertThat(((Send) ringing.get(1)).webhook().params()).containsEntry("CallStatus", "ringing")
                .containsEntry("Direction", "outbound-api").containsEntry("From", "+15005550006")
                .doesNotContainKey("ParentCallSid");
        assertThat(ringing.subList(2, 4)).containsExactly(
                new Schedule(Duration.ofMillis(50), new Exchange.AgentAnswers("CAagent")),
                new Schedule(Duration.ofSeconds(20), new Exchange.DialTimesOut("CAagent")));

        List<Effect> answered = exchange.fire(new Exchange.AgentAnswers("CAagent"));

        assertThat(answered).extracting(e -> ((Send) e).webhook().params().get("StatusCallbackEvent"))
                .containsExactly(null, "conference-start", "participant-join", "participant-join");
        assertThat(answered.subList(1, 4)).extracting(e -> ((Send) e).webhook().params().get("SequenceNumber"),
                e -> ((Send) e).webhook().params().get("CallSid"), e -> ((Send) e).conversation())
                .containsExactly(tuple("1", null, "CA1"), tuple("2", "CA1", "CA1"), tuple("3", "CAagent", "CA1"));
        assertThat(exchange.view("CA1").talkingWith()).containsExactly("client:doug");
        assertThat(exchange.view("CA1").bridgedTo()).isEqualTo("client:doug");
        assertThat(exchange.view("CAagent").talkingWith()).containsExactly("+15551230000");
        assertThat(exchange.fire(new Exchange.DialTimesOut("CAagent"))).isEmpty();
    }

    @Test
    void theCallerHangingUpEndsItsConferenceAndTwilioHangsUpTheAgentItCalled() throws Exception {
        enqueue("CA1");
        exchange.updateTwiml("CA1", "<Response><Dial><Conference endConferenceOnExit=\"true\" statusCallback=\""
                + CONFERENCE + "\" statusCallbackEvent=\"end leave\">CA1</Conference></Dial></Response>");
        exchange.addParticipant("CAagent", "CA1", new Exchange.ParticipantRequest("+15005550006", "client:doug",
                "doug", 20, new Exchange.StatusCallback(STATUS, "POST", Set.of("completed")), true, false, false,
                null, "POST", null, "POST", Set.of()));
        exchange.fire(new Exchange.CallPlaced("CAagent"));
        exchange.fire(new Exchange.AgentAnswers("CAagent"));

        List<Effect> ended = exchange.hangUp("CA1");

        assertThat(ended).extracting(e -> ((Send) e).webhook().kind() + " " + ((Send) e).webhook().callSid() + " "
                + ((Send) e).webhook().params().getOrDefault("StatusCallbackEvent", "")
                + ((Send) e).webhook().params().getOrDefault("ReasonParticipantLeft", "")
                + ((Send) e).webhook().params().getOrDefault("ReasonConferenceEnded", "")
                + ((Send) e).webhook().params().getOrDefault("CallStatus", "")).containsExactly(
                        "conference CA1 participant-leaveparticipant_hung_up",
                        "conference CAagent participant-leavemoderator_ended_conference",
                        "conference CA1 conference-endparticipant-with-end-conference-on-exit-left",
                        "status CAagent completed",
                        "status CA1 completed");
        assertThat(exchange.conferenceNamed("CA1").status()).isEqualTo("completed");
        assertThat(exchange.view("CAagent").status()).isEqualTo("completed");
    }

    @Test
    void aCallToWhatIsNeitherANumberNorAClientIsRefused() {
        assertThatThrownBy(() -> exchange.placeOutboundCall("CA9", new Exchange.OutboundCall("+15005550006",
                "doug", List.of(), null, "POST", Exchange.StatusCallback.NONE, 60)))
                .isInstanceOf(Exchange.InvalidTo.class).hasMessageContaining("doug");
        assertThatThrownBy(() -> exchange.updateParticipant("CF" + "0".repeat(32), "doug",
                new Exchange.ParticipantUpdate(null, true, null, null, null, null, null)))
                .isInstanceOf(Exchange.NoSuchConference.class);
    }

    private void enqueue(String sid) {
        Send incoming = (Send) exchange.placeCall(sid, "+15551230000", NUMBER).get(0);
        exchange.twimlArrived(sid, incoming.generation(), VOICE, "<Response><Enqueue>acme</Enqueue></Response>");
    }
}
