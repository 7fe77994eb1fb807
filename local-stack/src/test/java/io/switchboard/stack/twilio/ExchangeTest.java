package io.switchboard.stack.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.stack.twilio.Exchange.Effect;
import io.switchboard.stack.twilio.Exchange.Schedule;
import io.switchboard.stack.twilio.Exchange.Send;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The simulator's core on its own: no HTTP, a fixed clock, numbered leg sids. */
class ExchangeTest {
    private static final String NUMBER = "+15005550006";
    private static final String VOICE = "https://app.test/twilio/voice/incoming";
    private static final String STATUS = "https://app.test/twilio/voice/status";
    private static final String FALLBACK = "https://app.test/twilio/voice/fallback";

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

    private void enqueue(String sid) {
        Send incoming = (Send) exchange.placeCall(sid, "+15551230000", NUMBER).get(0);
        exchange.twimlArrived(sid, incoming.generation(), VOICE, "<Response><Enqueue>acme</Enqueue></Response>");
    }
}
