package io.switchboard.stack.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class TwimlTest {

    @Test
    void readsTheDialCallStateSends() throws Exception {
        var verbs = Twiml.parse("""
                <?xml version="1.0" encoding="UTF-8"?>
                <Response><Dial answerOnBridge="true" timeout="20" action="https://x.test/dial-ended?tenant=acme&amp;a=b">
                  <Client statusCallback="https://x.test/status?tenant=acme"
                          statusCallbackEvent="initiated ringing answered completed">doug</Client>
                </Dial></Response>""");

        assertThat(verbs).singleElement().isEqualTo(new Twiml.Dial(
                java.util.List.of(new Twiml.DialTarget("client:doug", "https://x.test/status?tenant=acme", "POST",
                        Set.of("initiated", "ringing", "answered", "completed"))),
                20, "https://x.test/dial-ended?tenant=acme&a=b", "POST", true, null));
    }

    @Test
    void aClientWithParametersNamesItsIdentityInAnElement() throws Exception {
        var dial = (Twiml.Dial) Twiml.parse("<Response><Dial><Client><Identity>rhonda</Identity>"
                + "<Parameter name=\"x\" value=\"y\"/></Client></Dial></Response>").get(0);

        assertThat(dial.targets().get(0).to()).isEqualTo("client:rhonda");
        assertThat(dial.targets().get(0).events()).containsExactly("completed");
        assertThat(dial.timeoutSeconds()).isEqualTo(30);
    }

    @Test
    void readsTheQueueAndTheSmallVerbs() throws Exception {
        assertThat(Twiml.parse("<Response><Say>Hi</Say><Pause length=\"2\"/><Enqueue waitUrl=\"/hold\">acme</Enqueue>"
                + "<Redirect method=\"GET\">/next</Redirect><Reject reason=\"busy\"/><Hangup/><Gather/></Response>"))
                .containsExactly(new Twiml.Say("Hi"), new Twiml.Pause(2), new Twiml.Enqueue("acme", "/hold", "POST"),
                        new Twiml.Redirect("/next", "GET"), new Twiml.Reject("busy"), new Twiml.Hangup(),
                        new Twiml.Unsupported("Gather"));
    }

    @Test
    void aRecordHasTwiliosDefaults() throws Exception {
        assertThat(Twiml.parse("<Response><Record/></Response>")).singleElement().isEqualTo(new Twiml.Record(null,
                "POST", 5, "1234567890*#", 3600, true, "trim-silence", null, "POST", Set.of("completed")));
    }

    @Test
    void readsTheRecordOfAVoicemail() throws Exception {
        var verbs = Twiml.parse("""
                <Response><Record action="/recorded?tenant=acme" method="get" timeout="10" finishOnKey="#"
                    maxLength="120" playBeep="false" trim="do-not-trim"
                    recordingStatusCallback="https://x.test/recording?tenant=acme"
                    recordingStatusCallbackMethod="GET" recordingStatusCallbackEvent="in-progress completed absent"/>
                </Response>""");

        assertThat(verbs).singleElement().isEqualTo(new Twiml.Record("/recorded?tenant=acme", "GET", 10, "#", 120,
                false, "do-not-trim", "https://x.test/recording?tenant=acme", "GET",
                Set.of("in-progress", "completed", "absent")));
        assertThatThrownBy(() -> Twiml.parse("<Response><Record maxLength=\"0\"/></Response>"))
                .isInstanceOf(Twiml.TwimlException.class).hasMessageContaining("maxLength");
        assertThatThrownBy(() -> Twiml.parse("<Response><Record maxLength=\"long\"/></Response>"))
                .isInstanceOf(Twiml.TwimlException.class);
    }

    @Test
    void readsTheConferenceCallStateWillSend() throws Exception {
        var verbs = Twiml.parse("""
                <Response><Dial action="/dial-ended?tenant=acme">
                  <Conference startConferenceOnEnter="false" endConferenceOnExit="true" waitUrl="/wait"
                      waitMethod="POST" statusCallback="https://x.test/conference?tenant=acme"
                      statusCallbackEvent="start end join leave mute hold" participantLabel="caller"
                      beep="false">CA0123</Conference>
                </Dial></Response>""");

        assertThat(verbs).singleElement().isEqualTo(new Twiml.Dial(java.util.List.of(), 30,
                "/dial-ended?tenant=acme", "POST", false, null,
                new Twiml.Conference("CA0123", false, "false", false, true, "caller", "/wait", "POST",
                        "https://x.test/conference?tenant=acme", "POST",
                        Set.of("start", "end", "join", "leave", "mute", "hold"))));
    }

    @Test
    void aConferenceHasTwiliosDefaultsAndIsItsDialsOnlyNoun() throws Exception {
        var dial = (Twiml.Dial) Twiml.parse("<Response><Dial><Conference>room</Conference></Dial></Response>").get(0);

        assertThat(dial.targets()).isEmpty();
        assertThat(dial.conference()).isEqualTo(new Twiml.Conference("room", false, "true", true, false, null, null,
                "POST", null, "POST", Set.of()));
        assertThatThrownBy(() -> Twiml.parse("<Response><Dial><Client>doug</Client><Conference>room</Conference>"
                + "</Dial></Response>")).isInstanceOf(Twiml.TwimlException.class);
        assertThatThrownBy(() -> Twiml.parse("<Response><Dial><Conference> </Conference></Dial></Response>"))
                .hasMessageContaining("name");
    }

    @Test
    void refusesWhatIsNotTwiml() {
        assertThatThrownBy(() -> Twiml.parse("")).isInstanceOf(Twiml.TwimlException.class);
        assertThatThrownBy(() -> Twiml.parse("<Response><Dial>")).isInstanceOf(Twiml.TwimlException.class);
        assertThatThrownBy(() -> Twiml.parse("<Html/>")).hasMessageContaining("<Response>");
        assertThatThrownBy(() -> Twiml.parse("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><Response>&e;</Response>"))
                .isInstanceOf(Twiml.TwimlException.class);
    }
}
