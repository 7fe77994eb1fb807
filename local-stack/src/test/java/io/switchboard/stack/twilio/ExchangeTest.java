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

    private void enqueue(String sid) {
        Send incoming = (Send) exchange.placeCall(sid, "+15551230000", NUMBER).get(0);
        exchange.twimlArrived(sid, incoming.generation(), VOICE, "<Response><Enqueue>acme</Enqueue></Response>");
    }
}
