package io.switchboard.stack.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.twilio.exception.ApiException;
import com.twilio.http.HttpMethod;
import com.twilio.rest.api.v2010.account.Call;
import com.twilio.rest.api.v2010.account.Conference;
import com.twilio.rest.api.v2010.account.conference.Participant;
import com.twilio.type.PhoneNumber;
import com.twilio.type.Twiml;
import io.switchboard.stack.twilio.WebhookReceiver.Received;
import io.switchboard.stack.twilio.WebhookReceiver.Reply;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * Conferences and calls placed over REST, the way call-state uses them: the caller's call is redirected into a
 * conference named after it, and Twilio calls the agent in over the Participants API. A real HTTP application checks
 * every webhook's signature with twilio-java; the REST API is driven by twilio-java's own client.
 */
class ConferenceTest extends CallCenterOnTwilio {
    private static final String DOUG = "acme__doug";
    private static final String RHONDA = "acme__rhonda";
    private static final String ENQUEUE = "<Response><Enqueue>acme</Enqueue></Response>";

    @Override
    WebhookReceiver answers(WebhookReceiver receiver) {
        return receiver
                .on("/twilio/voice/incoming", r -> Reply.twiml(ENQUEUE))
                .on("/twilio/voice/wait", r -> Reply.twiml("<Response><Play>https://x.test/wait.mp3</Play></Response>"))
                .on("/twilio/voice/hold", r -> Reply.twiml("<Response><Play>https://x.test/hold.mp3</Play></Response>"))
                .on("/twilio/voice/dial-ended", r -> Reply.twiml("<Response><Enqueue>acme-back</Enqueue></Response>"));
    }

    @Test
    void theCallerHearsTheWaitUrlUntilTheAgentTwilioCallsInAnswers() {
        String caller = callerInConference(null);

        Received wait = app.received("/twilio/voice/wait").get(0);
        assertThat(wait.method()).isEqualTo("POST");
        assertThat(wait.params()).containsEntry("CallSid", caller).containsEntry("CallStatus", "in-progress");
        CallView waiting = twilio.call(caller);
        assertThat(waiting.conference()).isEqualTo(caller);
        assertThat(waiting.activity()).isEqualTo("conference:" + caller);
        assertThat(waiting.talkingWith()).isEmpty();
        assertThat(waiting.bridgedTo()).isNull();
        assertThat(twilio.conference(caller).started()).isFalse();
        assertThat(events()).as("joins are reported when the conference starts").isEmpty();

        Participant agent = addAgent(caller, DOUG, false);

        String conferenceSid = twilio.conference(caller).sid();
        assertThat(conferenceSid).matches("CF[0-9a-f]{32}");
        assertThat(agent.getConferenceSid()).isEqualTo(conferenceSid);
        assertThat(agent.getCallSid()).matches("CA[0-9a-f]{32}").isNotEqualTo(caller);
        assertThat(agent.getLabel()).isEqualTo(DOUG);
        assertThat(agent.getHold()).isFalse();
        assertThat(agent.getStatus()).isEqualTo(Participant.Status.QUEUED);
        assertThat(agent.getAccountSid()).isEqualTo(twilio.accountSid());
        assertThat(agent.getDateCreated()).isNotNull();
        String leg = agent.getCallSid();
        await().untilAsserted(() -> assertThat(events()).hasSize(3));
        assertThat(events()).extracting(r -> r.param("StatusCallbackEvent"), r -> r.param("SequenceNumber"),
                r -> r.param("CallSid"), r -> r.param("ParticipantLabel")).containsExactly(
                        tuple("conference-start", "1", null, null),
                        tuple("participant-join", "2", caller, "caller"),
                        tuple("participant-join", "3", leg, DOUG));
        assertThat(events()).allSatisfy(r -> {
            assertThat(r.url()).isEqualTo(app.url("/twilio/voice/conference?tenant=acme"));
            assertThat(r.params()).containsEntry("ConferenceSid", conferenceSid).containsEntry("FriendlyName", caller)
                    .containsEntry("AccountSid", twilio.accountSid());
            assertThat(r.param("Timestamp")).matches(RFC_2822);
        });
        assertThat(events().get(1).params()).containsEntry("Muted", "false").containsEntry("Hold", "false")
                .containsEntry("Coaching", "false").containsEntry("EndConferenceOnExit", "true")
                .containsEntry("StartConferenceOnEnter", "false");
        await().untilAsserted(() -> assertThat(app.statusCallbacks(leg)).hasSize(3));
        assertThat(app.statusCallbacks(leg)).extracting(r -> r.param("CallStatus"), r -> r.param("SequenceNumber"))
                .containsExactly(tuple("initiated", "0"), tuple("ringing", "1"), tuple("in-progress", "2"));
        assertThat(app.statusCallbacks(leg)).allSatisfy(r -> {
            assertThat(r.url()).isEqualTo(app.url("/twilio/voice/status?tenant=acme"));
            assertThat(r.params()).containsAllEntriesOf(Map.of("Direction", "outbound-api", "From", NUMBER,
                    "To", "client:" + DOUG, "CallbackSource", "call-progress-events", "ApiVersion", "2010-04-01",
                    "AccountSid", twilio.accountSid())).doesNotContainKey("ParentCallSid");
        });
        CallView talking = twilio.call(caller);
        assertThat(talking.talkingWith()).containsExactly("client:" + DOUG);
        assertThat(talking.bridgedTo()).isEqualTo("client:" + DOUG);
        assertThat(talking.participants()).containsExactly(caller, leg);
        assertThat(twilio.call(leg).direction()).isEqualTo("outbound-api");
        assertThat(twilio.call(leg).parentCallSid()).isNull();
        assertThat(twilio.call(leg).talkingWith()).containsExactly(CALLER);
        assertThat(Participant.fetcher(conferenceSid, DOUG).fetch(rest).getStatus())
                .isEqualTo(Participant.Status.CONNECTED);
        assertThat(Call.fetcher(leg).fetch(rest).getDirection()).isEqualTo("outbound-api");
    }

    @Test
    void anAgentWhoAnswersBeforeTheCallerArrivesTalksWithTheCallerOnceTheyDo() {
        // call-state sends the caller's redirect and the agent's participant at once: either may reach Twilio first.
        String caller = twilio.placeCall(CALLER, NUMBER);
        await().untilAsserted(() -> assertThat(twilio.call(caller).activity()).isEqualTo("enqueued:acme"));
        Participant agent = addAgent(caller, DOUG, true);
        await().untilAsserted(() -> assertThat(twilio.call(agent.getCallSid()).answeredAt()).isNotNull());

        Call.updater(caller).setTwiml(conferenceTwiml(caller, null)).update(rest);

        await().untilAsserted(() -> assertThat(twilio.call(caller).talkingWith()).containsExactly("client:" + DOUG));
        assertThat(twilio.call(caller).ended()).isFalse();
        assertThat(twilio.call(agent.getCallSid()).ended()).isFalse();
    }

    @Test
    void twilioJavaReadsAndListsConferencesAndTheirParticipants() {
        String caller = callerInConference(null);
        String leg = addAgent(caller, DOUG, false).getCallSid();
        await().untilAsserted(() -> assertThat(twilio.call(caller).talkingWith()).isNotEmpty());

        List<Conference> found = StreamSupport.stream(Conference.reader().setFriendlyName(caller).read(rest)
                .spliterator(), false).toList();
        Conference conference = Conference.fetcher(found.get(0).getSid()).fetch(rest);
        List<Participant> participants = StreamSupport.stream(Participant.reader(conference.getSid()).read(rest)
                .spliterator(), false).toList();

        assertThat(found).singleElement().satisfies(c -> assertThat(c.getFriendlyName()).isEqualTo(caller));
        assertThat(conference.getStatus()).isEqualTo(Conference.Status.IN_PROGRESS);
        assertThat(conference.getFriendlyName()).isEqualTo(caller);
        assertThat(conference.getAccountSid()).isEqualTo(twilio.accountSid());
        assertThat(conference.getDateCreated()).isNotNull();
        assertThat(conference.getReasonConferenceEnded()).isNull();
        assertThat(conference.getSubresourceUris()).containsKey("participants");
        assertThat(participants).extracting(Participant::getCallSid, Participant::getLabel)
                .containsExactly(tuple(caller, "caller"), tuple(leg, DOUG));
        assertThat(StreamSupport.stream(Conference.reader().setFriendlyName("nobody").read(rest).spliterator(),
                false)).isEmpty();
    }

    @Test
    void anAgentWhoDeclinesIsBusyAndTheCallerKeepsWaiting() {
        twilio.answerMode(DOUG, AnswerMode.REJECT);
        String caller = callerInConference(null);

        String leg = addAgent(caller, DOUG, false).getCallSid();

        await().untilAsserted(() -> assertThat(twilio.call(leg).status()).isEqualTo("busy"));
        await().untilAsserted(() -> assertThat(app.statusCallbacks(leg)).extracting(r -> r.param("CallStatus"))
                .containsExactly("initiated", "ringing", "busy"));
        await().untilAsserted(() -> assertThat(events()).singleElement().satisfies(r -> assertThat(r.params())
                .containsEntry("StatusCallbackEvent", "participant-leave").containsEntry("CallSid", leg)
                .containsEntry("ReasonParticipantLeft", "participant_add_failed")
                .containsEntry("ParticipantCallStatus", "busy")));
        ConferenceView conference = twilio.conference(caller);
        assertThat(conference.status()).isEqualTo("in-progress");
        assertThat(conference.participant(leg).orElseThrow().status()).isEqualTo("failed");
        assertThat(twilio.call(caller).activity()).isEqualTo("conference:" + caller);
        assertThat(twilio.call(caller).status()).isEqualTo("in-progress");
        assertThatThrownBy(() -> Participant.fetcher(conference.sid(), leg).fetch(rest))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(20404));
    }

    @Test
    void anAgentWhoNeverAnswersIsNoAnswerOnceTheTimeoutRunsOut() {
        twilio.answerMode(DOUG, AnswerMode.IGNORE);
        String caller = callerInConference(null);

        String leg = Participant.creator(caller, new PhoneNumber(NUMBER), new PhoneNumber("client:" + DOUG))
                .setLabel(DOUG).setTimeout(5).create(rest).getCallSid();

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(twilio.call(leg).status())
                .isEqualTo("no-answer"));
        CallView unanswered = twilio.call(leg);
        assertThat(Duration.between(unanswered.startedAt(), unanswered.endedAt())).isGreaterThanOrEqualTo(
                Duration.ofSeconds(5));
        assertThat(twilio.conference(caller).participant(DOUG).orElseThrow().status()).isEqualTo("failed");
        assertThat(twilio.call(caller).activity()).isEqualTo("conference:" + caller);
    }

    @Test
    void holdingTheCallerPlaysTheHoldUrlAndUnholdingBringsItBack() {
        String caller = callerInConference(null);
        String leg = addAgent(caller, DOUG, false).getCallSid();
        await().untilAsserted(() -> assertThat(twilio.call(caller).talkingWith()).isNotEmpty());
        String conferenceSid = twilio.conference(caller).sid();

        Participant held = Participant.updater(conferenceSid, caller).setHold(true)
                .setHoldUrl(URI.create(app.url("/twilio/voice/hold?tenant=acme"))).update(rest);

        assertThat(held.getHold()).isTrue();
        assertThat(held.getCallSid()).isEqualTo(caller);
        CallView onHold = twilio.call(caller);
        assertThat(onHold.onHold()).isTrue();
        assertThat(onHold.bridgedTo()).isNull();
        assertThat(onHold.talkingWith()).isEmpty();
        assertThat(onHold.activity()).isEqualTo("conference-hold:" + caller);
        assertThat(twilio.call(leg).talkingWith()).isEmpty();
        await().untilAsserted(() -> assertThat(app.received("/twilio/voice/hold")).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("GET"); // Twilio's default HoldMethod
            assertThat(r.params()).containsEntry("tenant", "acme").containsEntry("CallSid", caller);
        }));
        await().untilAsserted(() -> assertThat(events()).last().satisfies(r -> assertThat(r.params())
                .containsEntry("StatusCallbackEvent", "participant-hold").containsEntry("CallSid", caller)
                .containsEntry("Hold", "true")));

        Participant back = Participant.updater(conferenceSid, caller).setHold(false).update(rest);

        assertThat(back.getHold()).isFalse();
        assertThat(twilio.call(caller).onHold()).isFalse();
        assertThat(twilio.call(caller).bridgedTo()).isEqualTo("client:" + DOUG);
        await().untilAsserted(() -> assertThat(events()).last().satisfies(r -> assertThat(r.params())
                .containsEntry("StatusCallbackEvent", "participant-unhold").containsEntry("Hold", "false")));
    }

    @Test
    void mutingIsReportedAndAMutedCallerTalksWithNobody() {
        String caller = callerInConference(null);
        addAgent(caller, DOUG, false);
        await().untilAsserted(() -> assertThat(twilio.call(caller).talkingWith()).isNotEmpty());

        Participant muted = Participant.updater(twilio.conference(caller).sid(), caller).setMuted(true).update(rest);

        assertThat(muted.getMuted()).isTrue();
        assertThat(twilio.call(caller).talkingWith()).isEmpty();
        assertThat(twilio.call(caller).bridgedTo()).as("who it talked with last").isEqualTo("client:" + DOUG);
        await().untilAsserted(() -> assertThat(events()).last().satisfies(r -> assertThat(r.params())
                .containsEntry("StatusCallbackEvent", "participant-mute").containsEntry("Muted", "true")));
    }

    @Test
    void removingAnAgentByItsLabelHangsUpItsCall() {
        String caller = callerInConference(null);
        String leg = addAgent(caller, DOUG, false).getCallSid();
        await().untilAsserted(() -> assertThat(twilio.call(caller).talkingWith()).isNotEmpty());
        String conferenceSid = twilio.conference(caller).sid();

        assertThat(Participant.deleter(conferenceSid, DOUG).delete(rest)).isTrue();

        assertThat(twilio.call(leg).status()).isEqualTo("completed");
        await().untilAsserted(() -> assertThat(app.statusCallbacks(leg)).extracting(r -> r.param("CallStatus"))
                .containsExactly("initiated", "ringing", "in-progress", "completed"));
        await().untilAsserted(() -> assertThat(events()).last().satisfies(r -> assertThat(r.params())
                .containsEntry("StatusCallbackEvent", "participant-leave").containsEntry("CallSid", leg)
                .containsEntry("ReasonParticipantLeft", "participant_updated_via_api")));
        CallView alone = twilio.call(caller);
        assertThat(alone.conference()).isEqualTo(caller);
        assertThat(alone.talkingWith()).isEmpty();
        assertThat(alone.bridgedTo()).as("who it talked with last").isEqualTo("client:" + DOUG);
        assertThat(twilio.conference(caller).status()).isEqualTo("in-progress");
        assertThatThrownBy(() -> Participant.fetcher(conferenceSid, DOUG).fetch(rest))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(20404));
    }

    @Test
    void removingTheCallerEndsItsConferenceAndItGoesOnAfterItsDial() {
        String caller = callerInConference(app.url("/twilio/voice/dial-ended?tenant=acme"));
        String leg = addAgent(caller, DOUG, false).getCallSid();
        await().untilAsserted(() -> assertThat(twilio.call(caller).talkingWith()).isNotEmpty());

        assertThat(Participant.deleter(twilio.conference(caller).sid(), "caller").delete(rest)).isTrue();

        await().untilAsserted(() -> assertThat(twilio.call(caller).activity()).isEqualTo("enqueued:acme-back"));
        assertThat(twilio.call(leg).status()).isEqualTo("completed");
        assertThat(twilio.conference(caller).reasonConferenceEnded())
                .isEqualTo("participant-with-end-conference-on-exit-kicked");
        assertThat(events()).extracting(r -> r.param("StatusCallbackEvent"), r -> r.param("CallSid"),
                r -> r.param("ReasonParticipantLeft")).endsWith(
                        tuple("participant-leave", caller, "participant_updated_via_api"),
                        tuple("participant-leave", leg, "moderator_ended_conference"),
                        tuple("conference-end", null, null));
        assertThat(app.received("/twilio/voice/dial-ended")).singleElement().satisfies(r -> assertThat(r.params())
                .containsEntry("DialCallStatus", "completed").containsEntry("CallStatus", "in-progress"));
        assertThat(twilio.call(caller).status()).isEqualTo("in-progress");
    }

    @Test
    void anAgentWhoEndsTheConferenceOnExitHangingUpEndsTheCallersCall() {
        String caller = callerInConference(null);
        String leg = addAgent(caller, DOUG, true).getCallSid();
        await().untilAsserted(() -> assertThat(twilio.call(caller).talkingWith()).isNotEmpty());
        String conferenceSid = twilio.conference(caller).sid();

        twilio.hangup(leg);

        // Nothing follows the caller's <Dial>: its call ends.
        await().untilAsserted(() -> assertThat(app.statusCallbacks(caller)).singleElement()
                .satisfies(r -> assertThat(r.param("CallStatus")).isEqualTo("completed")));
        assertThat(events()).extracting(r -> r.param("StatusCallbackEvent"), r -> r.param("CallSid"),
                r -> r.param("ReasonParticipantLeft")).endsWith(
                        tuple("participant-leave", leg, "participant_hung_up"),
                        tuple("participant-leave", caller, "moderator_ended_conference"),
                        tuple("conference-end", null, null));
        assertThat(events().get(events().size() - 1).params())
                .containsEntry("ReasonConferenceEnded", "participant-with-end-conference-on-exit-left")
                .containsEntry("CallSidEndingConference", leg).containsEntry("ParticipantLabelEndingConference", DOUG);
        assertThat(twilio.call(caller).bridgedTo()).isEqualTo("client:" + DOUG);
        assertThat(twilio.call(caller).conference()).isNull();
        Conference ended = Conference.fetcher(conferenceSid).fetch(rest);
        assertThat(ended.getStatus()).isEqualTo(Conference.Status.COMPLETED);
        assertThat(ended.getReasonConferenceEnded())
                .isEqualTo(Conference.ReasonConferenceEnded.PARTICIPANT_WITH_END_CONFERENCE_ON_EXIT_LEFT);
        assertThat(ended.getCallSidEndingConference()).isEqualTo(leg);
        assertThat(StreamSupport.stream(Participant.reader(conferenceSid).read(rest).spliterator(), false))
                .as("an ended conference has no participants").isEmpty();
    }

    @Test
    void endingTheConferenceOverRestRunsTheDialActionAndHangsUpTheAgent() {
        String caller = callerInConference(app.url("/twilio/voice/dial-ended?tenant=acme"));
        String leg = addAgent(caller, DOUG, false).getCallSid();
        await().untilAsserted(() -> assertThat(twilio.call(caller).talkingWith()).isNotEmpty());

        Conference ended = Conference.updater(twilio.conference(caller).sid())
                .setStatus(Conference.UpdateStatus.COMPLETED).update(rest);

        assertThat(ended.getStatus()).isEqualTo(Conference.Status.COMPLETED);
        assertThat(ended.getReasonConferenceEnded())
                .isEqualTo(Conference.ReasonConferenceEnded.CONFERENCE_ENDED_VIA_API);
        await().untilAsserted(() -> assertThat(twilio.call(caller).activity()).isEqualTo("enqueued:acme-back"));
        Received action = app.received("/twilio/voice/dial-ended").get(0);
        assertThat(action.params()).containsEntry("CallSid", caller).containsEntry("DialCallStatus", "completed")
                .doesNotContainKeys("DialCallSid", "DialCallDuration");
        assertThat(twilio.call(leg).status()).isEqualTo("completed");
        assertThat(twilio.call(caller).talks()).singleElement().satisfies(t -> {
            assertThat(t.device()).isEqualTo("client:" + DOUG);
            assertThat(t.until()).as("the talk ended with the conference").isNotNull();
        });
        assertThat(events()).extracting(r -> r.param("StatusCallbackEvent"), r -> r.param("ReasonParticipantLeft"))
                .endsWith(tuple("participant-leave", "conference_ended_via_api"),
                        tuple("participant-leave", "conference_ended_via_api"), tuple("conference-end", null));
        // The next conference of the same name is a new one.
        Call.updater(caller).setTwiml(conferenceTwiml(caller, null)).update(rest);
        assertThat(twilio.conference(caller).sid()).isNotEqualTo(ended.getSid());
    }

    @Test
    void redirectingTheCallerOutOfTheConferenceEndsItAndHangsUpTheAgent() {
        String caller = callerInConference(null);
        String leg = addAgent(caller, DOUG, false).getCallSid();
        await().untilAsserted(() -> assertThat(twilio.call(caller).talkingWith()).isNotEmpty());

        Call.updater(caller).setTwiml("<Response><Enqueue>acme-parked</Enqueue></Response>").update(rest);

        assertThat(twilio.call(caller).activity()).isEqualTo("enqueued:acme-parked");
        assertThat(twilio.call(caller).conference()).isNull();
        assertThat(twilio.call(caller).bridgedTo()).isNull();
        assertThat(twilio.call(leg).status()).isEqualTo("completed");
        assertThat(twilio.conference(caller).reasonConferenceEnded())
                .isEqualTo("participant-with-end-conference-on-exit-left");
        await().untilAsserted(() -> assertThat(events()).extracting(r -> r.param("StatusCallbackEvent"),
                r -> r.param("CallSid"), r -> r.param("ReasonParticipantLeft")).endsWith(
                        tuple("participant-leave", caller, "participant_updated_via_api"),
                        tuple("participant-leave", leg, "moderator_ended_conference"),
                        tuple("conference-end", null, null)));
        await().untilAsserted(() -> assertThat(app.statusCallbacks(leg)).last()
                .satisfies(r -> assertThat(r.param("CallStatus")).isEqualTo("completed")));
        assertThat(app.received("/twilio/voice/dial-ended")).isEmpty();
    }

    @Test
    void aWarmTransferLeavesTheCallerTalkingWithTheSecondAgent() {
        String caller = callerInConference(null);
        String doug = addAgent(caller, DOUG, false).getCallSid();
        await().untilAsserted(() -> assertThat(twilio.call(caller).talkingWith()).containsExactly("client:" + DOUG));
        String conferenceSid = twilio.conference(caller).sid();

        Participant.updater(conferenceSid, "caller").setHold(true).update(rest);
        String rhonda = addAgent(caller, RHONDA, false).getCallSid();
        await().untilAsserted(() -> assertThat(twilio.call(doug).talkingWith()).containsExactly("client:" + RHONDA));
        assertThat(twilio.call(caller).talkingWith()).isEmpty();
        assertThat(twilio.call(caller).bridgedTo()).isNull();
        Participant.deleter(conferenceSid, DOUG).delete(rest);
        Participant.updater(conferenceSid, "caller").setHold(false).update(rest);

        CallView transferred = twilio.call(caller);
        assertThat(transferred.talkingWith()).containsExactly("client:" + RHONDA);
        assertThat(transferred.bridgedTo()).isEqualTo("client:" + RHONDA);
        assertThat(transferred.participants()).containsExactly(caller, doug, rhonda);
        assertThat(transferred.talks()).extracting(Talk::device).containsExactly("client:" + DOUG,
                "client:" + RHONDA);
        assertThat(transferred.talks().get(0).until()).isNotNull().isBeforeOrEqualTo(transferred.talks().get(1).from());
        assertThat(transferred.talks().get(1).until()).isNull();
        assertThat(transferred.talkedWithTwoAtOnce()).isFalse();
        assertThat(transferred.agentCalls()).containsExactly(doug, rhonda);
        assertThat(twilio.call(doug).talks()).extracting(Talk::device).containsExactly(CALLER, "client:" + RHONDA);
        assertThat(twilio.call(doug).talks()).allSatisfy(t -> assertThat(t.until()).isNotNull());
        assertThat(twilio.call(doug).status()).isEqualTo("completed");
        assertThat(twilio.conference(caller).connected()).extracting(ParticipantView::label)
                .containsExactly("caller", RHONDA);
    }

    @Test
    void agentCallsListsTheCallsTwilioPlacedIntoEveryConferenceOfTheCaller() {
        String caller = callerInConference(null);
        String doug = addAgent(caller, DOUG, false).getCallSid();
        await().untilAsserted(() -> assertThat(twilio.call(caller).talkingWith()).containsExactly("client:" + DOUG));
        String first = twilio.conference(caller).sid();
        // Parked and picked up again: the caller leaves its conference, ending it, and joins a new one of that name.
        Call.updater(caller).setTwiml("<Response><Enqueue>acme-parked</Enqueue></Response>").update(rest);
        Call.updater(caller).setTwiml(conferenceTwiml(caller, null)).update(rest);
        assertThat(twilio.conference(caller).sid()).isNotEqualTo(first);

        String rhonda = addAgent(caller, RHONDA, false).getCallSid();

        await().untilAsserted(() -> assertThat(twilio.call(caller).talkingWith())
                .containsExactly("client:" + RHONDA));
        CallView talking = twilio.call(caller);
        assertThat(talking.agentCalls()).containsExactly(doug, rhonda);
        assertThat(talking.participants()).as("of the conference it is in").containsExactly(caller, rhonda);
        assertThat(talking.talks()).extracting(Talk::device).containsExactly("client:" + DOUG, "client:" + RHONDA);
        assertThat(talking.talkedWithTwoAtOnce()).isFalse();
        CallView rhondasCall = twilio.call(talking.agentCalls().get(1));
        assertThat(rhondasCall.answeredAt()).isBeforeOrEqualTo(talking.talks().get(1).from());

        // Rhonda hangs up on her phone.
        twilio.hangup(talking.agentCalls().get(1));

        CallView alone = twilio.call(caller);
        assertThat(alone.talkingWith()).isEmpty();
        assertThat(alone.talks()).allSatisfy(t -> assertThat(t.until()).isNotNull());
        assertThat(twilio.call(rhonda).talks()).singleElement().satisfies(t -> {
            assertThat(t.device()).isEqualTo(CALLER);
            assertThat(t.until()).isNotNull().isBeforeOrEqualTo(twilio.call(rhonda).endedAt());
        });
    }

    @Test
    void aCallPlacedOverRestRunsItsTwimlAndANumberJoiningItsConferenceTalksWithIt() {
        Call placed = Call.creator(new PhoneNumber("client:" + DOUG), new PhoneNumber("+15550001111"),
                        new Twiml("<Response><Dial><Conference>X</Conference></Dial></Response>"))
                .setStatusCallback(URI.create(app.url("/twilio/voice/status?tenant=acme")))
                .setStatusCallbackEvent(List.of("initiated", "ringing", "answered", "completed"))
                .setStatusCallbackMethod(HttpMethod.POST)
                .create(rest);

        assertThat(placed.getStatus()).isEqualTo(Call.Status.QUEUED);
        assertThat(placed.getDirection()).isEqualTo("outbound-api");
        assertThat(placed.getTo()).isEqualTo("client:" + DOUG);
        assertThat(placed.getFrom()).isEqualTo("+15550001111");
        assertThat(placed.getParentCallSid()).isNull();
        String doug = placed.getSid();
        await().untilAsserted(() -> assertThat(twilio.call(doug).activity()).isEqualTo("conference:X"));
        // The callback is on its way when the call is in the conference; the application may not have it yet.
        await().untilAsserted(() -> assertThat(app.statusCallbacks(doug))
                .extracting(r -> r.param("CallStatus"), r -> r.param("Direction"))
                .containsExactly(tuple("initiated", "outbound-api"), tuple("ringing", "outbound-api"),
                        tuple("in-progress", "outbound-api")));

        Participant customer = Participant.creator("X", new PhoneNumber("+15550001111"),
                new PhoneNumber("+14155550123")).create(rest);

        await().untilAsserted(() -> assertThat(twilio.call(doug).talkingWith()).containsExactly("+14155550123"));
        assertThat(twilio.call(customer.getCallSid()).talkingWith()).containsExactly("client:" + DOUG);
        assertThat(twilio.conference("X").started()).isTrue();

        twilio.answerMode("+14155550199", AnswerMode.REJECT);
        String busy = Participant.creator("X", new PhoneNumber("+15550001111"), new PhoneNumber("+14155550199"))
                .create(rest).getCallSid();
        await().untilAsserted(() -> assertThat(twilio.call(busy).status()).isEqualTo("busy"));
        assertThat(twilio.call(doug).talkingWith()).containsExactly("+14155550123");
    }

    @Test
    void aCallPlacedOverRestFetchesItsUrlOnceAnswered() {
        app.on("/twilio/voice/outbound", r -> Reply.twiml("<Response><Say>Hello</Say></Response>"));

        String sid = Call.creator(new PhoneNumber("+14155550123"), new PhoneNumber("+15550001111"),
                URI.create(app.url("/twilio/voice/outbound?tenant=acme"))).create(rest).getSid();

        await().untilAsserted(() -> assertThat(twilio.call(sid).status()).isEqualTo("completed"));
        assertThat(app.received("/twilio/voice/outbound")).singleElement().satisfies(r -> assertThat(r.params())
                .containsEntry("CallSid", sid).containsEntry("CallStatus", "in-progress")
                .containsEntry("Direction", "outbound-api").containsEntry("To", "+14155550123"));
    }

    @Test
    void whatIsNeitherANumberNorAClientIsAnInvalidTo() {
        assertThatThrownBy(() -> Call.creator(new PhoneNumber(DOUG), new PhoneNumber(NUMBER),
                new Twiml("<Response><Hangup/></Response>")).create(rest))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(21211);
                    assertThat(e.getStatusCode()).isEqualTo(400);
                });
        assertThatThrownBy(() -> Participant.creator("room", new PhoneNumber(NUMBER), new PhoneNumber("555-0123"))
                .create(rest))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(21211));
        assertThat(twilio.calls()).isEmpty();
        assertThat(twilio.conferences()).isEmpty();
    }

    @Test
    void unknownConferencesAndParticipantsAre404WithTwiliosError() throws Exception {
        String caller = callerInConference(null);
        String unknown = "CF" + "0".repeat(32);

        HttpResponse<String> raw = http.send(restGet("/Conferences/" + unknown + ".json"),
                HttpResponse.BodyHandlers.ofString());

        assertThat(raw.statusCode()).isEqualTo(404);
        assertThat(json.readValue(raw.body(), Map.class)).isEqualTo(Map.of("code", 20404,
                "message", "The requested resource /2010-04-01/Accounts/" + twilio.accountSid() + "/Conferences/"
                        + unknown + ".json was not found",
                "more_info", "https://www.twilio.com/docs/errors/20404", "status", 404));
        // Twilio names a conference by its SID everywhere but where a participant is created.
        assertThatThrownBy(() -> Participant.updater(caller, caller).setHold(true).update(rest))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(20404);
                    assertThat(e.getStatusCode()).isEqualTo(404);
                });
        assertThatThrownBy(() -> Conference.fetcher(caller).fetch(rest))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(20404));
        assertThatThrownBy(() -> Participant.fetcher(twilio.conference(caller).sid(), "CA" + "0".repeat(32))
                .fetch(rest)).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(20404));
        assertThatThrownBy(() -> Participant.creator(unknown, new PhoneNumber(NUMBER), new PhoneNumber("client:x"))
                .create(rest))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(20404));
        assertThat(twilio.call(caller).onHold()).isFalse();
    }

    @Test
    void theControlApiShowsAConference() throws Exception {
        String caller = callerInConference(null);
        addAgent(caller, DOUG, false);
        await().untilAsserted(() -> assertThat(twilio.call(caller).talkingWith()).isNotEmpty());

        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(twilio.baseUrl()
                + "/sim/conferences/" + caller)).GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode conference = json.readTree(answer.body());
        assertThat(conference.get("friendlyName").asText()).isEqualTo(caller);
        assertThat(conference.get("status").asText()).isEqualTo("in-progress");
        assertThat(conference.get("participants")).extracting(p -> p.get("label").asText() + " "
                + p.get("device").asText() + " " + p.get("status").asText())
                .containsExactly("caller " + CALLER + " connected", DOUG + " client:" + DOUG + " connected");
        assertThat(http.send(HttpRequest.newBuilder(URI.create(twilio.baseUrl() + "/sim/conferences/nope")).GET()
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        assertThat(json.readTree(http.send(HttpRequest.newBuilder(URI.create(twilio.baseUrl() + "/sim/calls/"
                + caller)).GET().build(), HttpResponse.BodyHandlers.ofString()).body()).get("talkingWith").get(0)
                .asText()).isEqualTo("client:" + DOUG);
    }

    @Test
    void lostStatusCallbacksTakeTheConferencesEventsAndItsParticipantsCallsAlong() {
        String caller = callerInConference(null);
        twilio.loseStatusCallbacks(caller);

        String leg = addAgent(caller, DOUG, false).getCallSid();

        await().untilAsserted(() -> assertThat(twilio.call(caller).talkingWith()).isNotEmpty());
        await().untilAsserted(() -> assertThat(twilio.deliveryFigures().lost()).isEqualTo(6));
        assertThat(events()).isEmpty();
        assertThat(app.statusCallbacks(leg)).isEmpty();
    }

    @Test
    void whileTheApiIsDownNoParticipantIsAdded() {
        String caller = callerInConference(null);
        twilio.apiDown(true);
        try {
            assertThatThrownBy(() -> addAgent(caller, DOUG, false)).isInstanceOfSatisfying(ApiException.class,
                    e -> assertThat(e.getStatusCode()).isEqualTo(503));
        } finally {
            twilio.apiDown(false);
        }
        assertThat(twilio.conference(caller).participants()).hasSize(1);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** A caller in the conference named after its call, alone, hearing the wait music. */
    private String callerInConference(String dialAction) {
        String caller = twilio.placeCall(CALLER, NUMBER);
        await().untilAsserted(() -> assertThat(twilio.call(caller).activity()).isEqualTo("enqueued:acme"));
        Call.updater(caller).setTwiml(conferenceTwiml(caller, dialAction)).update(rest);
        await().untilAsserted(() -> assertThat(app.received("/twilio/voice/wait")).hasSize(1));
        return caller;
    }

    /** What call-state sends to put the caller in its conference. */
    private String conferenceTwiml(String name, String dialAction) {
        return "<Response><Dial" + (dialAction == null ? "" : " action=\"" + dialAction.replace("&", "&amp;") + "\"")
                + "><Conference startConferenceOnEnter=\"false\" endConferenceOnExit=\"true\" waitUrl=\""
                + app.url("/twilio/voice/wait") + "\" waitMethod=\"POST\" statusCallback=\""
                + app.url("/twilio/voice/conference?tenant=acme").replace("&", "&amp;") + "\" "
                + "statusCallbackEvent=\"start end join leave mute hold\" participantLabel=\"caller\" beep=\"false\">"
                + name + "</Conference></Dial></Response>";
    }

    /** What call-state sends to bring an agent in: by the conference's FriendlyName. */
    private Participant addAgent(String conference, String agent, boolean endsConference) {
        return Participant.creator(conference, new PhoneNumber(NUMBER), new PhoneNumber("client:" + agent))
                .setLabel(agent)
                .setTimeout(20)
                .setStatusCallback(URI.create(app.url("/twilio/voice/status?tenant=acme")))
                .setStatusCallbackEvent(List.of("initiated", "ringing", "answered", "completed"))
                .setStatusCallbackMethod(HttpMethod.POST)
                .setStartConferenceOnEnter(true)
                .setEndConferenceOnExit(endsConference)
                .setBeep("false")
                .setEarlyMedia(true)
                .create(rest);
    }

    private List<Received> events() {
        return app.received("/twilio/voice/conference");
    }

    private HttpRequest restGet(String path) {
        String credentials = twilio.accountSid() + ":" + twilio.authToken();
        return HttpRequest.newBuilder(URI.create(twilio.baseUrl() + "/2010-04-01/Accounts/" + twilio.accountSid()
                        + path))
                .header("Authorization", "Basic "
                        + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                .GET().build();
    }
}
