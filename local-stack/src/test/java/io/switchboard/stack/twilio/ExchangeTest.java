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
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The simulator's core on its own: no HTTP, a clock that moves only when told, numbered leg sids. */
class ExchangeTest {
    private static final String NUMBER = "+15005550006";
    private static final String VOICE = "https://app.test/twilio/voice/incoming";
    private static final String STATUS = "https://app.test/twilio/voice/status";
    private static final String FALLBACK = "https://app.test/twilio/voice/fallback";
    private static final String CONFERENCE = "https://app.test/twilio/voice/conference";
    private static final String CALLER = "+15551230000";
    private static final Duration SECOND = Duration.ofSeconds(1);

    private final AtomicInteger legs = new AtomicInteger();
    private final SteppedClock clock = new SteppedClock(Instant.parse("2010-08-16T03:45:01Z"));
    private final Exchange exchange = new Exchange("AC1", Map.of(NUMBER, new TwilioSimulator.Number(VOICE, STATUS)),
            Duration.ofMillis(50), clock, () -> "CAleg" + legs.incrementAndGet());

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

    @Test
    void theCallersTalksFollowHoldAndAWarmTransferEndsOneBeforeTheNextBegins() throws Exception {
        callerInConference("CA1");
        Instant dougIn = clock.advance(SECOND);
        agentJoins("CAdoug", "client:doug");
        Instant held = clock.advance(SECOND);
        hold("CA1", true);
        Instant unheld = clock.advance(SECOND);
        hold("CA1", false);

        // A warm transfer: the caller waits on hold while doug hands it over to rhonda.
        Instant heldAgain = clock.advance(SECOND);
        hold("CA1", true);
        Instant rhondaIn = clock.advance(SECOND);
        agentJoins("CArhonda", "client:rhonda");
        Instant dougOut = clock.advance(SECOND);
        exchange.removeParticipant(conferenceSid(), "client:doug");
        Instant handedOver = clock.advance(SECOND);
        hold("CA1", false);

        CallView caller = exchange.view("CA1");
        assertThat(caller.talks()).containsExactly(
                new Talk("client:doug", dougIn, held),
                new Talk("client:doug", unheld, heldAgain),
                new Talk("client:rhonda", handedOver, null));
        assertThat(caller.talkedWithTwoAtOnce()).isFalse();
        assertThat(caller.agentCalls()).containsExactly("CAdoug", "CArhonda");
        assertThat(exchange.view("CAdoug").talks()).containsExactly(
                new Talk(CALLER, dougIn, held),
                new Talk(CALLER, unheld, heldAgain),
                new Talk("client:rhonda", rhondaIn, dougOut));
        assertThat(exchange.view("CArhonda").talks()).containsExactly(
                new Talk("client:doug", rhondaIn, dougOut),
                new Talk(CALLER, handedOver, null));
        assertThat(exchange.view("CAdoug").agentCalls()).as("Twilio placed nothing for an agent's call").isEmpty();
    }

    @Test
    void aStrayWhoJoinsWhileTheCallerIsOnHoldTalksWithItOnlyOnceItIsBack() throws Exception {
        callerInConference("CA1");
        Instant dougIn = clock.advance(SECOND);
        agentJoins("CAdoug", "client:doug");
        Instant held = clock.advance(SECOND);
        hold("CA1", true);
        Instant strayIn = clock.advance(SECOND);

        agentJoins("CAstray", "+14155550199");

        assertThat(exchange.view("CA1").talks()).containsExactly(new Talk("client:doug", dougIn, held));
        assertThat(exchange.view("CA1").talkedWithTwoAtOnce()).isFalse();
        assertThat(exchange.view("CAstray").talks()).containsExactly(new Talk("client:doug", strayIn, null));

        Instant back = clock.advance(SECOND);
        hold("CA1", false);

        CallView caller = exchange.view("CA1");
        assertThat(caller.talks()).containsExactly(
                new Talk("client:doug", dougIn, held),
                new Talk("client:doug", back, null),
                new Talk("+14155550199", back, null));
        assertThat(caller.talkedWithTwoAtOnce()).isTrue();
    }

    @Test
    void mutingEndsATalkAndTheCallerHangingUpEndsEveryTalkOfItsConference() throws Exception {
        callerInConference("CA1");
        Instant dougIn = clock.advance(SECOND);
        agentJoins("CAdoug", "client:doug");
        Instant muted = clock.advance(SECOND);
        exchange.updateParticipant(conferenceSid(), "client:doug",
                new Exchange.ParticipantUpdate(true, null, null, null, null, null, null));
        Instant unmuted = clock.advance(SECOND);
        exchange.updateParticipant(conferenceSid(), "client:doug",
                new Exchange.ParticipantUpdate(false, null, null, null, null, null, null));
        Instant hungUp = clock.advance(SECOND);

        exchange.hangUp("CA1");

        assertThat(exchange.view("CA1").talks()).containsExactly(
                new Talk("client:doug", dougIn, muted),
                new Talk("client:doug", unmuted, hungUp));
        assertThat(exchange.view("CAdoug").talks()).containsExactly(
                new Talk(CALLER, dougIn, muted),
                new Talk(CALLER, unmuted, hungUp));
    }

    @Test
    void aDialledClientTalksWithTheCallerFromItsAnswerUntilTheBridgeEnds() throws Exception {
        enqueue("CA1");
        exchange.updateTwiml("CA1", "<Response><Dial><Client>doug</Client></Dial>"
                + "<Dial><Client>rhonda</Client></Dial></Response>");
        assertThat(exchange.view("CA1").talks()).as("while doug's device rings").isEmpty();
        Instant dougAnswers = clock.advance(SECOND);
        exchange.fire(new Exchange.AgentAnswers("CAleg1"));
        Instant dougHangsUp = clock.advance(SECOND);
        exchange.hangUp("CAleg1");
        Instant rhondaAnswers = clock.advance(SECOND);
        exchange.fire(new Exchange.AgentAnswers("CAleg2"));
        Instant callerHangsUp = clock.advance(SECOND);

        exchange.hangUp("CA1");

        CallView caller = exchange.view("CA1");
        assertThat(caller.talks()).containsExactly(
                new Talk("client:doug", dougAnswers, dougHangsUp),
                new Talk("client:rhonda", rhondaAnswers, callerHangsUp));
        assertThat(caller.talkedWithTwoAtOnce()).isFalse();
        assertThat(caller.agentCalls()).containsExactly("CAleg1", "CAleg2");
        assertThat(exchange.view("CAleg1").talks()).containsExactly(new Talk(CALLER, dougAnswers, dougHangsUp));
        assertThat(exchange.view("CAleg2").talks()).containsExactly(new Talk(CALLER, rhondaAnswers, callerHangsUp));
    }

    @Test
    void talksOverlapWhenTheyShareAnInstant() {
        Instant t = Instant.parse("2010-08-16T03:45:01Z");
        Talk doug = new Talk("client:doug", t, t.plusSeconds(10));

        assertThat(doug.overlaps(new Talk("client:rhonda", t.plusSeconds(9), null))).isTrue();
        assertThat(doug.overlaps(new Talk("client:rhonda", t.plusSeconds(10), null))).isFalse();
        assertThat(doug.overlaps(new Talk("client:rhonda", t.minusSeconds(5), t))).isFalse();
        assertThat(doug.overlaps(new Talk("client:rhonda", t.plusSeconds(5), t.plusSeconds(5)))).isFalse();
        assertThat(new Talk("a", t, null).overlaps(new Talk("b", t.plusSeconds(60), null))).isTrue();
    }

    /** The caller in the conference named after its call; it neither starts the conference nor outlives it. */
    private void callerInConference(String sid) throws Exception {
        enqueue(sid);
        exchange.updateTwiml(sid, "<Response><Dial><Conference startConferenceOnEnter=\"false\" "
                + "endConferenceOnExit=\"true\">" + sid + "</Conference></Dial></Response>");
    }

    /** Twilio calls {@code to} into the caller's conference (labelled {@code to}), and it answers. */
    private void agentJoins(String sid, String to) {
        exchange.addParticipant(sid, "CA1", new Exchange.ParticipantRequest(NUMBER, to, to, 20,
                Exchange.StatusCallback.NONE, true, false, false, null, "POST", null, "POST", Set.of()));
        exchange.fire(new Exchange.CallPlaced(sid));
        exchange.fire(new Exchange.AgentAnswers(sid));
    }

    private void hold(String callSid, boolean hold) {
        exchange.updateParticipant(conferenceSid(), callSid,
                new Exchange.ParticipantUpdate(null, hold, null, null, null, null, null));
    }

    private String conferenceSid() {
        return exchange.conferenceNamed("CA1").sid();
    }

    /** A clock that stands still until a test moves it on. */
    private static final class SteppedClock extends Clock {
        private Instant now;

        SteppedClock(Instant now) {
            this.now = now;
        }

        Instant advance(Duration by) {
            now = now.plus(by);
            return now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void aCallerWhoHangsUpDuringRecordIsReportedToTheActionThenTheRecordingOnceProcessed() throws Exception {
        enqueue("CA1");
        List<Effect> started = exchange.updateTwiml("CA1", "<Response><Say>Leave a message</Say><Record action=\""
                + "https://app.test/recorded\" recordingStatusCallback=\"https://app.test/recording\" "
                + "recordingStatusCallbackEvent=\"in-progress completed\" maxLength=\"60\"/></Response>");
        RecordingView recording = exchange.recordings().get(0);
        assertThat(exchange.view("CA1").activity()).isEqualTo("recording");
        assertThat(recording.status()).isEqualTo("in-progress");
        assertThat(started).hasSize(2);
        assertThat(((Send) started.get(0)).webhook().params()).containsEntry("RecordingStatus", "in-progress")
                .doesNotContainKey("RecordingDuration");
        assertThat(started.get(1)).isEqualTo(new Schedule(Duration.ofSeconds(60),
                new Exchange.RecordingMaxLength("CA1", recording.sid())));

        clock.advance(Duration.ofMillis(2_700));
        List<Effect> hungUp = exchange.hangUp("CA1");

        assertThat(hungUp).hasSize(3);
        assertThat(hungUp.get(0)).isEqualTo(new Schedule(Exchange.RECORDING_PROCESSING,
                new Exchange.RecordingProcessed("CA1", recording.sid())));
        Send action = (Send) hungUp.get(1);
        assertThat(action.fetchesTwiml()).isFalse(); // the call is over: what the action answers is not run
        assertThat(action.webhook().kind()).isEqualTo("record-action");
        assertThat(action.webhook().url()).isEqualTo("https://app.test/recorded");
        assertThat(action.webhook().params()).containsEntry("Digits", "hangup").containsEntry("RecordingDuration", "2")
                .containsEntry("RecordingSid", recording.sid()).containsEntry("CallStatus", "completed")
                .containsEntry("RecordingUrl", "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/"
                        + recording.sid());
        assertThat(((Send) hungUp.get(2)).webhook().params()).containsEntry("CallStatus", "completed");
        assertThat(exchange.recording(recording.sid()).status()).isEqualTo("processing");
        assertThat(exchange.fire(new Exchange.RecordingMaxLength("CA1", recording.sid()))).isEmpty();

        List<Effect> processed = exchange.fire(new Exchange.RecordingProcessed("CA1", recording.sid()));

        assertThat(processed).singleElement().satisfies(e -> {
            assertThat(((Send) e).conversation()).isEqualTo("CA1");
            assertThat(((Send) e).webhook().kind()).isEqualTo("recording");
            assertThat(((Send) e).webhook().params()).containsEntry("RecordingStatus", "completed")
                    .containsEntry("RecordingDuration", "2").containsEntry("ErrorCode", "0")
                    .containsEntry("RecordingStartTime", "Mon, 16 Aug 2010 03:45:01 +0000");
        });
        assertThat(exchange.recording(recording.sid()).completed()).isTrue();
    }

    @Test
    void aRecordWithoutActionAsksItsDocumentsUrlAtMaxLength() {
        Send incoming = (Send) exchange.placeCall("CA1", CALLER, NUMBER).get(0);
        exchange.twimlArrived("CA1", incoming.generation(), VOICE, "<Response><Record maxLength=\"30\"/></Response>");
        String sid = exchange.recordings().get(0).sid();

        clock.advance(Duration.ofSeconds(30));
        List<Effect> ended = exchange.fire(new Exchange.RecordingMaxLength("CA1", sid));

        assertThat(ended).hasSize(2);
        Send action = (Send) ended.get(1);
        assertThat(action.fetchesTwiml()).isTrue();
        assertThat(action.webhook().url()).isEqualTo(VOICE);
        assertThat(action.webhook().params()).containsEntry("RecordingDuration", "30")
                .containsEntry("CallStatus", "in-progress").doesNotContainKey("Digits");
        // Nobody asked for the recording's callback.
        assertThat(exchange.fire(new Exchange.RecordingProcessed("CA1", sid))).isEmpty();
    }

    @Test
    void aRecordRedirectedOverRestEndsWithoutActionAndAStaleMaxLengthDoesNothing() throws Exception {
        enqueue("CA1");
        exchange.updateTwiml("CA1", "<Response><Record action=\"https://app.test/recorded\" maxLength=\"5\"/>"
                + "</Response>");
        String sid = exchange.recordings().get(0).sid();
        clock.advance(SECOND);

        List<Effect> parked = exchange.updateTwiml("CA1", "<Response><Enqueue>acme</Enqueue></Response>");

        assertThat(parked).containsExactly(new Schedule(Exchange.RECORDING_PROCESSING,
                new Exchange.RecordingProcessed("CA1", sid)));
        assertThat(exchange.view("CA1").activity()).isEqualTo("enqueued:acme");
        assertThat(exchange.fire(new Exchange.RecordingMaxLength("CA1", sid))).isEmpty();
        assertThat(exchange.recording(sid).durationSeconds()).isEqualTo(1);
    }

    @Test
    void aStoredRecordingIsCompletedAtOnce() {
        enqueue("CA1");

        RecordingView stored = exchange.storeRecording("CA1", 4);

        assertThat(stored.completed()).isTrue();
        assertThat(stored.durationSeconds()).isEqualTo(4);
        assertThat(stored.startedAt()).isEqualTo(clock.instant().minusSeconds(4));
        assertThatThrownBy(() -> exchange.storeRecording("CA9", 4)).isInstanceOf(Exchange.NoSuchCall.class);
        assertThatThrownBy(() -> exchange.storeRecording("CA1", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private void enqueue(String sid) {
        Send incoming = (Send) exchange.placeCall(sid, "+15551230000", NUMBER).get(0);
        exchange.twimlArrived(sid, incoming.generation(), VOICE, "<Response><Enqueue>acme</Enqueue></Response>");
    }
}
