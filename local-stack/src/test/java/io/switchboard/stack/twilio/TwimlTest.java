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
    void refusesWhatIsNotTwiml() {
        assertThatThrownBy(() -> Twiml.parse("")).isInstanceOf(Twiml.TwimlException.class);
        assertThatThrownBy(() -> Twiml.parse("<Response><Dial>")).isInstanceOf(Twiml.TwimlException.class);
        assertThatThrownBy(() -> Twiml.parse("<Html/>")).hasMessageContaining("<Response>");
        assertThatThrownBy(() -> Twiml.parse("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><Response>&e;</Response>"))
                .isInstanceOf(Twiml.TwimlException.class);
    }
}
