package io.switchboard.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.switchboard.stack.Stack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent console in Debian's headless chromium, on the packaged stack: Doug and Rhonda in two isolated browser
 * contexts play the parking-lot scenario, the call controls (hold, a cold transfer chosen with the keyboard, a warm
 * transfer) and a call placed from Recent calls and the dial pad through the page alone (clicks and keys, no reload),
 * while a WebSocket screen beside them timestamps every server change so the test can print how long each took to
 * appear on both pages; and a caller nobody answers within the tenant's wait limit, who leaves a voicemail that an
 * agent plays, takes and closes. Neither page may log an error or see a request fail.
 */
class ConsoleInBrowserTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String CALLER = "+15550201234";
    static final String TRANSFERRED_CALLER = "+15550205678";
    static final String CONSULTED_CALLER = "+15550209012";
    static final String CALLED_BACK = "+15550203456";
    static final String LEFT_A_MESSAGE = "+15550207890";
    /** The tenant's wait limit while the voicemail scenario runs (call_handling.max_wait_seconds). */
    static final int WAIT_LIMIT_SECONDS = 5;
    static final String NUMBER = "+15005550006";
    static final Path SHOTS = EndToEnd.repoRoot().resolve("e2e/target/screenshots");
    /** Records, in the page, when each seq was first drawn (console.js puts it on body[data-seq]). */
    static final String SEEN_AT = """
            window.__seenAt = {};
            new MutationObserver(() => {
              const seq = document.body && document.body.dataset.seq;
              if (seq && !(seq in window.__seenAt)) window.__seenAt[seq] = Date.now();
            }).observe(document, {attributes: true, subtree: true, attributeFilter: ['data-seq']});
            """;

    static Stack stack;
    static AgentScreen observer;
    static Playwright playwright;
    static Browser browser;
    static Page doug;
    static Page rhonda;
    static final List<String> timings = new ArrayList<>();
    /** Console errors, uncaught exceptions and failed requests (4xx/5xx, or no answer) of either page. */
    static final List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
    /** When the last click that changes the call happened (wall clock, as the pages' Date.now()). */
    static long actionAt;

    @BeforeAll
    static void startStackAndBrowser() throws Exception {
        stack = EndToEnd.start("console", o -> o
                .withServiceEnv(Stack.Service.CALL_STATE, "SWITCHBOARD_AVAILABILITY_WRAP_UP", "0s"));
        String gateway = stack.baseUrl(Stack.Service.PRESENCE_GATEWAY);
        observer = AgentScreen.open(gateway, "acme", "doug");
        playwright = BrowserPages.playwright();
        browser = BrowserPages.launch(playwright, WAIT);
        doug = signIn(gateway, "doug", "Doug");
        rhonda = signIn(gateway, "rhonda", "Rhonda");
    }

    @AfterAll
    static void stop() {
        timings.forEach(System.out::println);
        EndToEnd.closeAll(browser, playwright, observer, stack);
    }

    @Test
    void dougAnswersParksRhondaRetrievesTheCallerHangsUpAndBothPagesFollowWithoutReload() throws Exception {
        // The caller dials, from Rhonda's simulate panel: both pages ring, with an Answer button.
        rhonda.getByTestId("caller-number").fill(CALLER);
        actionAt = System.currentTimeMillis();
        rhonda.getByTestId("place-call").click();
        await().atMost(WAIT).until(() -> callSid() != null);
        String call = callSid();
        for (Page page : pages()) {
            Locator ringing = page.locator("[data-testid=ringing-call][data-key=ringing-" + call + "]");
            assertThat(ringing).containsText(CALLER);
            assertThat(ringing.getByTestId("answer")).isVisible();
            assertThat(page.locator("body.ringing")).hasCount(1);
        }
        report("ringing", callChange(call, c -> state(c, "RINGING")));

        // Doug answers from the keyboard (Tab to the Answer button, Enter); Rhonda's ringing stops, saying who answered.
        BrowserPages.tabTo(doug, "[data-focus-key=answer-" + call + "]");
        actionAt = System.currentTimeMillis();
        doug.keyboard().press("Enter");
        assertThat(rhonda.getByTestId("ring-stopped")).containsText(CALLER + ": answered by Doug");
        assertThat(rhonda.getByTestId("ringing-call")).hasCount(0);
        assertThat(rhonda.locator("body.ringing")).hasCount(0);
        report("claimed, ring stops", callChange(call, c -> state(c, "CLAIMED")));
        for (Page page : pages()) {
            Locator dougRow = page.getByTestId("agent-doug");
            assertThat(dougRow).containsText(CALLER);
            assertThat(dougRow.getByTestId("status")).hasText("on a call");
            assertThat(dougRow.getByTestId("timer")).hasText(Pattern.compile("\\d+:\\d\\d"));
        }
        assertThat(doug.getByTestId("my-call")).containsText(CALLER);
        report("Doug on the call", f -> f.path("type").asText().equals("agent")
                && f.at("/agent/id").asText().equals("doug")
                && f.at("/agent/currentCall/phoneNumber").asText().equals(CALLER));
        screenshots("on-a-call");

        // Doug parks: both pages show slot 701 with the caller and a "parked for" timer; Doug is free again.
        actionAt = System.currentTimeMillis();
        doug.getByTestId("park").click();
        for (Page page : pages()) {
            Locator slot = page.getByTestId("slot-701");
            assertThat(slot).containsText(CALLER);
            assertThat(slot).containsText("parked by Doug for");
            assertThat(page.getByTestId("agent-doug")).not().containsText(CALLER);
        }
        report("parked in 701", callChange(call, c -> state(c, "PARKED")));
        screenshots("parked");

        // Rhonda retrieves once Twilio has the caller in the lot (before that, call-state refuses a retrieve): both
        // pages show her on the call and the lot empty.
        await().atMost(WAIT).until(() -> EndToEnd.inTheLot(stack, call));
        actionAt = System.currentTimeMillis();
        rhonda.getByTestId("slot-701").getByTestId("retrieve").click();
        for (Page page : pages()) {
            assertThat(page.getByTestId("agent-rhonda")).containsText(CALLER);
            assertThat(page.getByTestId("slot-701")).hasCount(0);
        }
        assertThat(rhonda.getByTestId("my-call")).containsText(CALLER);
        report("Rhonda retrieved it", callChange(call, c -> state(c, "CONNECTED") && c.path("agentId").asText().equals("rhonda")));

        // The caller hangs up (Doug's simulate panel): both pages clear and list it under recent calls.
        actionAt = System.currentTimeMillis();
        doug.locator("[data-focus-key=caller-hangup-" + call + "]").click();
        for (Page page : pages()) {
            assertThat(page.getByTestId("agent-rhonda")).not().containsText(CALLER);
            assertThat(page.getByTestId("agent-rhonda").getByTestId("status")).hasText("available");
            assertThat(page.getByTestId("recent-calls")).containsText(CALLER);
            assertThat(page.getByTestId("my-call")).containsText("Not on a call");
            assertThat(page.getByTestId("connection")).hasText("live");
        }
        report("caller hung up", callChange(call, c -> state(c, "ENDED")));
        screenshots("after-the-call");

        // Nothing secret reached a service's log: not the agents' tokens (they travel in the socket's query string),
        // not the Twilio auth token that signs every webhook.
        for (Stack.Service service : Stack.Service.values()) {
            String log = Files.readString(stack.logFile(service));
            org.assertj.core.api.Assertions.assertThat(log).as(service + "'s log")
                    .doesNotContain(stack.simulator().authToken())
                    .doesNotContainPattern(Pattern.compile("eyJ[\\w-]{8,}\\.eyJ[\\w-]{8,}"));
        }

        // No reload happened: each page still has the seq history of the whole scenario.
        for (Page page : pages()) {
            org.assertj.core.api.Assertions.assertThat(
                    ((Number) page.evaluate("Object.keys(window.__seenAt).length")).intValue()).isGreaterThan(5);
        }
    }

    /**
     * Hold, resume and a cold transfer, in both windows: Doug holds his caller and both pages show a running hold
     * timer; he resumes; then, with the keyboard alone, he opens the transfer picker, picks Rhonda and "cold" and
     * sends it; her page rings "transferred by Doug", she answers, and both pages show the caller with her.
     */
    @Test
    void dougHoldsResumesAndTransfersColdToRhondaWithTheKeyboard() throws Exception {
        String call = stack.simulator().placeCall(TRANSFERRED_CALLER, NUMBER);
        Locator answer = doug.locator("[data-focus-key=answer-" + call + "]");
        assertThat(answer).isVisible();
        answer.click();
        // Connected: Doug's own row offers Hold (only once he is talking).
        assertThat(doug.getByTestId("my-call-row")).containsText("on the call");
        for (Page page : pages()) {
            assertThat(page.getByTestId("agent-doug")).containsText(TRANSFERRED_CALLER);
        }

        // Hold: both pages show "on hold" with a timer that runs.
        actionAt = System.currentTimeMillis();
        doug.getByTestId("hold").click();
        for (Page page : pages()) {
            Locator held = page.getByTestId("agent-doug").getByTestId("hold-timer");
            assertThat(held).hasText(Pattern.compile("on hold \\d+:\\d\\d"));
            String first = held.textContent();
            assertThat(held).not().hasText(first);
        }
        assertThat(doug.getByTestId("my-call-row").getByTestId("hold-timer")).containsText("on hold");
        report("on hold", callChange(call, c -> c.path("onHold").asBoolean()));
        screenshots("on-hold");

        // Resume: the hold timer is gone from both pages.
        actionAt = System.currentTimeMillis();
        doug.getByTestId("resume").click();
        for (Page page : pages()) {
            assertThat(page.getByTestId("hold-timer")).hasCount(0);
        }
        assertThat(doug.getByTestId("hold")).isVisible();
        long heldSeq = observer.frames(callChange(call, c -> c.path("onHold").asBoolean())).get(0).get("seq").asLong();
        report("resumed", f -> f.path("seq").asLong() > heldSeq
                && callChange(call, c -> !c.path("onHold").asBoolean()).test(f));

        // The transfer picker opens from the keyboard and Escape closes it, back on the Transfer button.
        BrowserPages.tabTo(doug, "[data-focus-key=transfer]");
        doug.keyboard().press("Enter");
        assertThat(doug.getByTestId("transfer-picker")).isVisible();
        assertThat(doug.getByTestId("transfer-to-rhonda")).isFocused();
        assertThat(doug.getByTestId("transfer-to-rhonda")).isChecked();
        assertThat(doug.getByTestId("transfer-picker").locator("input[value=doug]")).hasCount(0);
        doug.keyboard().press("Escape");
        assertThat(doug.getByTestId("transfer-picker")).hasCount(0);
        assertThat(doug.getByTestId("transfer")).isFocused();
        assertThat(doug.getByTestId("transfer")).hasAttribute("aria-expanded", "false");

        // Cold to Rhonda, keys only: Enter opens the picker on her, Tab to the mode, arrows choose, Tab, Enter sends.
        doug.keyboard().press("Enter");
        assertThat(doug.getByTestId("transfer")).hasAttribute("aria-expanded", "true");
        assertThat(doug.getByTestId("transfer-to-rhonda")).isFocused();
        doug.keyboard().press("Tab");
        assertThat(doug.getByTestId("transfer-mode-cold")).isFocused();
        doug.keyboard().press("ArrowDown");
        assertThat(doug.getByTestId("transfer-mode-warm")).isChecked();
        doug.keyboard().press("ArrowUp");
        assertThat(doug.getByTestId("transfer-mode-cold")).isChecked();
        screenshots("transfer-picker");
        assertThat(doug.getByTestId("transfer-mode-cold")).isFocused();
        doug.keyboard().press("Tab");
        assertThat(doug.getByTestId("transfer-send")).isFocused();
        actionAt = System.currentTimeMillis();
        doug.keyboard().press("Enter");

        // Rhonda's page rings for her alone, saying who transferred it; Doug is free at once.
        Locator ringsRhonda = rhonda.locator("[data-testid=ringing-call][data-key=ringing-" + call + "]");
        assertThat(ringsRhonda).containsText("transferred by Doug");
        assertThat(ringsRhonda.getByTestId("answer")).isVisible();
        assertThat(rhonda.locator("body.ringing")).hasCount(1);
        Locator seenByDoug = doug.locator("[data-testid=ringing-call][data-key=ringing-" + call + "]");
        assertThat(seenByDoug).containsText("transferred by Doug to Rhonda");
        assertThat(seenByDoug.getByTestId("answer")).hasCount(0);
        assertThat(doug.getByTestId("my-call")).containsText("Not on a call");
        report("transferred to Rhonda", callChange(call, c -> state(c, "RINGING")
                && "rhonda".equals(c.path("offeredTo").asText(null))));
        screenshots("transfer-rings");

        actionAt = System.currentTimeMillis();
        ringsRhonda.getByTestId("answer").click();
        for (Page page : pages()) {
            assertThat(page.getByTestId("agent-rhonda")).containsText(TRANSFERRED_CALLER);
            assertThat(page.getByTestId("agent-rhonda").getByTestId("status")).hasText("on a call");
            assertThat(page.getByTestId("agent-doug")).not().containsText(TRANSFERRED_CALLER);
            assertThat(page.locator("[data-key=ringing-" + call + "]")).hasCount(0);
        }
        assertThat(rhonda.getByTestId("my-call-row")).containsText(TRANSFERRED_CALLER);
        assertThat(rhonda.getByTestId("my-call-row")).containsText("on the call");
        report("Rhonda has it", callChange(call, c -> state(c, "CONNECTED")
                && c.path("agentId").asText().equals("rhonda")));

        hangUpAndSeeBothFree(call);
    }

    /**
     * A warm transfer: Doug consults Rhonda (the caller on hold), her page rings for the consult, she takes it, both
     * pages say who consults whom, and Doug's Complete transfer hands her the caller, off hold.
     */
    @Test
    void dougConsultsRhondaThenHandsHerTheCaller() throws Exception {
        String call = stack.simulator().placeCall(CONSULTED_CALLER, NUMBER);
        doug.locator("[data-focus-key=answer-" + call + "]").click();
        assertThat(doug.getByTestId("hold")).isVisible();

        doug.getByTestId("transfer").click();
        assertThat(doug.getByTestId("transfer-to-rhonda")).isChecked();
        doug.getByTestId("transfer-mode-warm").check();
        actionAt = System.currentTimeMillis();
        doug.getByTestId("transfer-send").click();

        // The consult rings on Rhonda's page alone; the caller waits on hold, on every page.
        Locator consult = rhonda.locator("[data-testid=consult-call][data-key=ringing-" + call + "]");
        assertThat(consult).containsText("Doug wants to transfer this caller to you");
        assertThat(rhonda.locator("body.ringing")).hasCount(1);
        assertThat(doug.getByTestId("my-call-row")).containsText("waiting for Rhonda");
        assertThat(doug.getByTestId("consult-call")).hasCount(0);
        assertThat(doug.locator("body.ringing")).hasCount(0);
        for (Page page : pages()) {
            assertThat(page.getByTestId("agent-doug")).containsText("asking Rhonda");
            assertThat(page.getByTestId("agent-doug").getByTestId("hold-timer")).containsText("on hold");
        }
        report("consult offered", callChange(call, c -> "consult".equals(c.path("ringReason").asText(null))));

        actionAt = System.currentTimeMillis();
        consult.getByTestId("answer").click();
        assertThat(rhonda.locator("body.ringing")).hasCount(0);
        assertThat(doug.getByTestId("my-call-row")).containsText("consulting Rhonda");
        assertThat(doug.getByTestId("complete-transfer")).isEnabled();
        assertThat(doug.getByTestId("cancel-transfer")).isEnabled();
        assertThat(doug.getByTestId("hold")).hasCount(0);
        assertThat(rhonda.getByTestId("my-call-row")).containsText("consult with Doug");
        for (Page page : pages()) {
            assertThat(page.getByTestId("agent-doug")).containsText("consulting Rhonda");
            assertThat(page.getByTestId("agent-rhonda")).containsText("consulted by Doug");
        }
        report("Rhonda consulted", f -> f.path("type").asText().equals("agent")
                && f.at("/agent/id").asText().equals("rhonda")
                && f.at("/agent/currentCall/callSid").asText().equals(call));
        screenshots("consulting");

        actionAt = System.currentTimeMillis();
        doug.getByTestId("complete-transfer").click();
        for (Page page : pages()) {
            assertThat(page.getByTestId("agent-rhonda")).containsText(CONSULTED_CALLER);
            assertThat(page.getByTestId("agent-rhonda")).not().containsText("consulted by");
            assertThat(page.getByTestId("agent-doug")).not().containsText(CONSULTED_CALLER);
            assertThat(page.getByTestId("hold-timer")).hasCount(0);
        }
        assertThat(rhonda.getByTestId("my-call-row")).containsText("on the call");
        assertThat(rhonda.getByTestId("hold")).isVisible();
        assertThat(doug.getByTestId("my-call")).containsText("Not on a call");
        report("handed to Rhonda", callChange(call, c -> c.path("agentId").asText().equals("rhonda")));

        hangUpAndSeeBothFree(call);
    }

    /** The caller hangs up: both pages show Doug and Rhonda free again, and no page logged a problem. */
    private void hangUpAndSeeBothFree(String call) {
        stack.simulator().hangup(call);
        for (Page page : pages()) {
            assertThat(page.getByTestId("agent-rhonda").getByTestId("status")).hasText("available");
            assertThat(page.getByTestId("agent-doug").getByTestId("status")).hasText("available");
        }
        assertNoProblems();
    }

    /**
     * Call back and the dial pad: Doug talks to a caller who then hangs up; his Recent calls list (not Rhonda's, she
     * was never on the call) offers to call them back, and he does with the keyboard. Both pages show his outbound call
     * to that number, connected once the simulator's number answers, with Hold and Hang up but no Park or Transfer
     * (call-state refuses both on a call an agent placed); he hangs up and both show him free. A number that is not
     * one, typed with the dial pad's keys, is refused with call-state's message and places nothing. His Recent calls
     * come back after a reload (the call history).
     */
    @Test
    void dougCallsBackACallerFromRecentCallsAndTheDialPadRefusesANonNumber() throws Exception {
        String call = stack.simulator().placeCall(CALLED_BACK, NUMBER);
        doug.locator("[data-focus-key=answer-" + call + "]").click();
        assertThat(doug.getByTestId("my-call-row")).containsText("on the call");
        // One call at a time: the dial pad is off while he talks.
        assertThat(doug.getByTestId("dial-number")).isDisabled();
        assertThat(doug.getByTestId("dial-call")).isDisabled();
        assertThat(doug.getByTestId("dial-key-1")).isDisabled();
        hangUpAndSeeBothFree(call);

        Locator recent = doug.locator("[data-testid=recent-call][data-key=recent-" + call + "]");
        assertThat(recent).containsText(CALLED_BACK);
        assertThat(recent.getByTestId("direction")).hasText("↙ inbound");
        assertThat(recent.getByTestId("outcome")).hasText("answered");
        assertThat(recent).containsText("Doug");
        // Recent calls are the tenant's: Rhonda's list has it too, with who talked to the caller.
        assertThat(rhonda.locator("[data-key=recent-" + call + "]")).containsText("Doug");
        assertThat(doug.getByTestId("dial-number")).isEnabled();

        // Call back, from the keyboard: Tab to the button, Enter.
        BrowserPages.tabTo(doug, "[data-focus-key=call-back-" + call + "]");
        actionAt = System.currentTimeMillis();
        doug.keyboard().press("Enter");
        await().atMost(WAIT).until(() -> placedCallTo(CALLED_BACK) != null);
        String placed = placedCallTo(CALLED_BACK);
        org.assertj.core.api.Assertions.assertThat(placed).startsWith("OB");
        report("Doug calls back", callChange(placed, c -> state(c, "CLAIMED")));

        // Connected once the number answers: every page shows Doug on his outbound call to the caller's number.
        for (Page page : pages()) {
            Locator dougRow = page.getByTestId("agent-doug");
            assertThat(dougRow.getByTestId("status")).hasText("on a call");
            assertThat(dougRow).containsText(CALLED_BACK);
            assertThat(dougRow.getByTestId("direction")).hasText("↗ outbound");
            assertThat(dougRow.getByTestId("timer")).hasText(Pattern.compile("\\d+:\\d\\d"));
        }
        assertThat(rhonda.getByTestId("my-call")).containsText("Not on a call");
        Locator mine = doug.getByTestId("my-call-row");
        assertThat(mine).containsText(CALLED_BACK);
        assertThat(mine).containsText("on the call");
        assertThat(mine.getByTestId("direction")).hasText("↗ outbound");
        assertThat(mine.getByTestId("hold")).isVisible();
        assertThat(mine.getByTestId("hangup")).isVisible();
        assertThat(mine.getByTestId("park")).hasCount(0);
        assertThat(mine.getByTestId("transfer")).hasCount(0);
        report("the number answered", callChange(placed, c -> state(c, "CONNECTED")));
        screenshots("calling-back");

        actionAt = System.currentTimeMillis();
        mine.getByTestId("hangup").click();
        for (Page page : pages()) {
            assertThat(page.getByTestId("agent-doug").getByTestId("status")).hasText("available");
            assertThat(page.getByTestId("agent-doug")).not().containsText(CALLED_BACK);
        }
        assertThat(doug.getByTestId("my-call")).containsText("Not on a call");
        report("Doug hung up", callChange(placed, c -> state(c, "ENDED")));
        // The call he placed is one of his recent calls too, to be called again.
        Locator placedRecent = doug.locator("[data-key=recent-" + placed + "]");
        assertThat(placedRecent).containsText(CALLED_BACK);
        assertThat(placedRecent.getByTestId("direction")).hasText("↗ outbound");
        assertThat(doug.getByTestId("call-back-" + placed)).isEnabled();

        // The dial pad's keys type; ⌫ takes the last one back; Enter in the number sends it; call-state refuses it.
        int placedBefore = placedCalls();
        Locator number = doug.getByTestId("dial-number");
        number.fill("");
        for (String key : List.of("1", "2", "3", "4", "5", "6")) {
            doug.getByTestId("dial-key-" + key).click();
        }
        doug.getByTestId("dial-delete").click();
        assertThat(number).hasValue("12345");
        number.press("Enter");
        assertThat(doug.getByTestId("notice")).containsText("'12345' is not a phone number");
        assertThat(number).hasValue("12345");
        assertThat(doug.getByTestId("my-call")).containsText("Not on a call");
        assertThat(doug.getByTestId("agent-doug").getByTestId("status")).hasText("available");
        org.assertj.core.api.Assertions.assertThat(placedCalls()).as("calls Doug placed").isEqualTo(placedBefore);
        number.fill("");
        assertNoProblems();

        // Recent calls are the call history's: a reload keeps both, newest first, still to be called back.
        doug.reload();
        assertThat(doug.getByTestId("connection")).hasText("live");
        assertThat(doug.locator("[data-testid=recent-call]").first()).hasAttribute("data-key", "recent-" + placed);
        assertThat(doug.locator("[data-key=recent-" + call + "]")).containsText(CALLED_BACK);
        assertThat(doug.getByTestId("call-back-" + placed)).isEnabled();
        assertThat(doug.locator("[data-key=recent-" + placed + "]").getByTestId("outcome")).hasText("placed");

        // The search box: a number finds the calls with it on either side, an agent's name the calls they held,
        // digits without + are refused with what to type.
        Locator search = doug.getByTestId("history-text");
        search.fill("+1 555 020 3456");
        search.press("Enter");
        assertThat(doug.getByTestId("history-status")).containsText("today with " + CALLED_BACK);
        assertThat(doug.locator("[data-testid=recent-call]")).hasCount(2);
        search.fill("Rhonda");
        search.press("Enter");
        assertThat(doug.getByTestId("history-status")).containsText("held by Rhonda");
        assertThat(doug.locator("[data-key=recent-" + call + "]")).hasCount(0);
        search.fill("15550203456");
        doug.getByTestId("history-find").click();
        assertThat(doug.getByTestId("history-problem")).containsText("with + and the country code");
        search.fill("");
        search.press("Enter");
        assertThat(doug.getByTestId("history-problem")).isEmpty();
        assertThat(doug.locator("[data-key=recent-" + placed + "]")).isVisible();
        assertNoProblems();
    }

    /**
     * A call reaching voicemail, an agent plays it. With the tenant's wait limit at 5 s, a caller nobody answers rings
     * on both pages with the seconds left counting down; at the limit the ring stops on both, saying why, and the caller
     * shows as leaving a voicemail (no Answer). The caller leaves a message and hangs up: both pages list the voicemail,
     * open. Doug plays it (the page fetches the audio with his token: a real WAV as long as the voicemail says), Rhonda
     * takes it (Doug's page says so and offers him no Take or Done), she marks it done and it leaves both pages. The
     * call is in Recent calls as a missed one, "voicemail", with Call back.
     */
    @Test
    void aCallReachingVoicemailAnAgentPlaysIt() throws Exception {
        setWaitLimit(WAIT_LIMIT_SECONDS);
        String call = null;
        try {
            actionAt = System.currentTimeMillis();
            call = stack.simulator().placeCall(LEFT_A_MESSAGE, NUMBER);
            reachesVoicemailAndDougPlaysIt(call);
        } finally {
            setWaitLimit(null);
            // A caller still on the line (the scenario failed before the message) would ring into the next scenario.
            if (call != null && !stack.simulator().call(call).ended()) {
                stack.simulator().hangup(call);
            }
        }
    }

    private void reachesVoicemailAndDougPlaysIt(String call) throws Exception {
        for (Page page : pages()) {
            Locator ringing = page.locator("[data-testid=ringing-call][data-key=ringing-" + call + "]");
            assertThat(ringing.getByTestId("wait-left")).hasText(Pattern.compile("[1-5] s left to answer"));
            String first = ringing.getByTestId("wait-left").textContent();
            assertThat(ringing.getByTestId("wait-left")).not().hasText(first);
        }
        report("rings, counting down", callChange(call, c -> state(c, "RINGING") && c.hasNonNull("waitUntil")));

        // Nobody answers: at the limit both pages stop ringing, say why, and show the caller leaving a voicemail.
        for (Page page : pages()) {
            assertThat(page.getByTestId("ring-stopped")).containsText(LEFT_A_MESSAGE + ": nobody answered");
            assertThat(page.locator("[data-key=ringing-" + call + "]")).hasCount(0);
            assertThat(page.locator("body.ringing")).hasCount(0);
            Locator gone = page.locator("[data-testid=unanswered-call][data-key=unanswered-" + call + "]");
            assertThat(gone).containsText("leaving a voicemail");
            assertThat(gone.getByTestId("answer")).hasCount(0);
        }
        report("at the limit", callChange(call, c -> state(c, "VOICEMAIL")));
        org.assertj.core.api.Assertions.assertThat(observer.frames(f -> f.path("type").asText()
                .equals("ring_cancel") && f.path("callSid").asText().equals(call)))
                .extracting(f -> f.path("reason").asText()).containsExactly("timeout");
        screenshots("leaving-a-voicemail");

        // The caller talks for a moment and hangs up; Twilio stores the recording and both pages list it, open.
        Thread.sleep(2000);
        if (!stack.simulator().call(call).ended()) {
            stack.simulator().hangup(call);
        }
        await().atMost(WAIT).until(() -> voicemailOf(call) != null);
        JsonNode voicemail = voicemailOf(call);
        String id = voicemail.path("voicemailId").asText();
        org.assertj.core.api.Assertions.assertThat(id).startsWith("RE");
        report("voicemail stored", f -> f.path("type").asText().equals("voicemail")
                && f.at("/voicemail/voicemailId").asText().equals(id));
        Locator[] rows = new Locator[2];
        for (int i = 0; i < 2; i++) {
            Page page = pages().get(i);
            rows[i] = page.locator("[data-testid=voicemail][data-key=voicemail-" + id + "]");
            assertThat(rows[i]).containsText(LEFT_A_MESSAGE);
            assertThat(rows[i]).containsText("called " + NUMBER);
            assertThat(rows[i].getByTestId("voicemail-state")).hasText("open");
            assertThat(rows[i].getByTestId("take")).isEnabled();
            assertThat(rows[i].getByTestId("done")).hasCount(0);
            assertThat(page.locator("[data-key=unanswered-" + call + "]")).hasCount(0);
        }
        Locator dougsRow = rows[0];
        Locator rhondasRow = rows[1];
        screenshots("voicemail-open");

        // Doug plays it: the audio comes through the gateway with his token, as long as the voicemail says.
        dougsRow.getByTestId("play").click();
        Locator audio = dougsRow.getByTestId("voicemail-audio");
        assertThat(audio).isVisible();
        await().atMost(WAIT).until(() -> (Boolean) audio.evaluate("a => a.readyState >= 1"));
        double seconds = ((Number) audio.evaluate("a => a.duration")).doubleValue();
        org.assertj.core.api.Assertions.assertThat(seconds).as("the recording's length in the browser")
                .isCloseTo(voicemail.path("durationSeconds").asDouble(),
                        org.assertj.core.api.Assertions.within(1.0));

        // Rhonda takes it: both pages say she has it; Doug can still listen, but neither take nor close it.
        actionAt = System.currentTimeMillis();
        rhondasRow.getByTestId("take").click();
        assertThat(rhondasRow.getByTestId("voicemail-state")).hasText("taken by you");
        assertThat(dougsRow.getByTestId("voicemail-state")).hasText("taken by Rhonda");
        assertThat(dougsRow.getByTestId("take")).hasCount(0);
        assertThat(dougsRow.getByTestId("done")).hasCount(0);
        assertThat(dougsRow.getByTestId("voicemail-audio")).isVisible();
        assertThat(rhondasRow.getByTestId("done")).isEnabled();
        report("Rhonda took it", f -> f.path("type").asText().equals("voicemail")
                && f.at("/voicemail/voicemailId").asText().equals(id)
                && f.at("/voicemail/state").asText().equals("taken"));
        screenshots("voicemail-taken");

        actionAt = System.currentTimeMillis();
        rhondasRow.getByTestId("done").click();
        for (Page page : pages()) {
            assertThat(page.locator("[data-key=voicemail-" + id + "]")).hasCount(0);
        }
        report("done", f -> f.path("type").asText().equals("voicemail")
                && f.at("/voicemail/voicemailId").asText().equals(id)
                && f.at("/voicemail/state").asText().equals("done"));

        // The call is in Recent calls, missed, with Call back: the same after a reload.
        for (Page page : pages()) {
            Locator recent = page.locator("[data-testid=recent-call][data-key=recent-" + call + "]");
            assertThat(recent.getByTestId("outcome")).hasText("missed: voicemail");
            assertThat(recent).hasClass(Pattern.compile("missed"));
            assertThat(recent.getByTestId("call-back-" + call)).isEnabled();
        }
        doug.reload();
        assertThat(doug.getByTestId("connection")).hasText("live");
        assertThat(doug.locator("[data-key=recent-" + call + "]").getByTestId("outcome"))
                .hasText("missed: voicemail");
        assertThat(doug.locator("[data-testid=voicemail]")).hasCount(0);
        assertNoProblems();
    }

    /**
     * The board's rules for what this issue added, run in the browser on the console's own modules: voicemails come
     * with the snapshot and as changes (one done leaves), a ring stopped by the wait limit says so, callers gone to
     * voicemail or the overflow number no longer ring, and the search box's words become the history's parameters.
     */
    @Test
    void theBoardKeepsOpenVoicemailsAndTheSearchBoxNamesANumberOrAnAgent() {
        Object seen = doug.evaluate("""
                async () => {
                  const {Board, secondsLeft} = await import('./console/board.js');
                  const {searchFor} = await import('./console/history.js');
                  const board = new Board('doug');
                  const soon = new Date(Date.now() + 42000).toISOString();
                  board.apply({type: 'snapshot', seq: 1, agents: [
                    {id: 'doug', name: 'Doug', status: 'available', currentCall: null}], calls: [
                    {callSid: 'CAwaits', from: '+15550000001', state: 'RINGING', startedAt: '2026-01-01T09:01:00Z',
                     waitUntil: soon},
                    {callSid: 'CAforwarded', from: '+15550000002', state: 'FORWARDED',
                     startedAt: '2026-01-01T09:00:00Z'}],
                    voicemails: [{voicemailId: 'REold', from: '+15550000003', state: 'open',
                      recordedAt: '2026-01-01T09:00:00Z'}]});
                  const out = [];
                  out.push(board.apply({type: 'voicemail', seq: 2, voicemail: {voicemailId: 'REnew',
                    from: '+15550000004', state: 'taken', takenBy: 'rhonda', recordedAt: '2026-01-01T10:00:00Z'}}));
                  out.push(board.apply({type: 'ring_cancel', seq: 3, callSid: 'CAwaits', reason: 'timeout'}));
                  out.push(board.apply({type: 'call', seq: 4, call: {callSid: 'CAwaits', from: '+15550000001',
                    state: 'VOICEMAIL', startedAt: '2026-01-01T09:01:00Z'}}));
                  out.push(board.apply({type: 'voicemail', seq: 5, voicemail: {voicemailId: 'REold',
                    state: 'done'}}));
                  const agents = [{id: 'doug', name: 'Doug'}, {id: 'rhonda', name: 'Rhonda'}];
                  return {
                    applied: out.join(','),
                    voicemails: board.voicemailList().map(v => v.voicemailId + ':' + v.state).join(','),
                    ringing: board.ringing().length > 0,
                    unanswered: board.unanswered().map(c => c.callSid + ':' + c.state).join(','),
                    why: board.ringStops.map(s => s.why).join(','),
                    left: secondsLeft(soon) >= 40 && secondsLeft(soon) <= 42,
                    number: JSON.stringify(searchFor('+1 (555) 020-3456', agents).filter),
                    byName: JSON.stringify(searchFor('rhonda', agents).filter),
                    digits: !!searchFor('5550203456', agents).problem,
                    all: JSON.stringify(searchFor('  ', agents).filter),
                  };
                }
                """);
        org.assertj.core.api.Assertions.assertThat((Map<?, ?>) seen).isEqualTo(Map.ofEntries(
                Map.entry("applied", "applied,applied,applied,applied"),
                Map.entry("voicemails", "REnew:taken"), Map.entry("ringing", false),
                Map.entry("unanswered", "CAforwarded:FORWARDED,CAwaits:VOICEMAIL"),
                Map.entry("why", "nobody answered within the wait limit"), Map.entry("left", true),
                Map.entry("number", "{\"number\":\"+15550203456\"}"),
                Map.entry("byName", "{\"agent\":\"rhonda\"}"), Map.entry("digits", true),
                Map.entry("all", "{}")));
    }

    @Test
    void withoutTwilioVoiceThePageSaysThereIsNoAudio() {
        for (Page page : pages()) {
            assertThat(page.getByTestId("audio")).hasText("no audio");
            assertThat(page.getByTestId("audio")).hasAttribute("title", Pattern.compile("not configured"));
            // Without the softphone's call there is nothing to mute and no keypad.
            assertThat(page.getByTestId("mute")).hasCount(0);
            assertThat(page.getByTestId("keypad-toggle")).hasCount(0);
        }
        // No audio is a setting, not a failure: the token request answered 200, and nothing was logged as an error.
        assertNoProblems();
    }

    /**
     * The softphone's rule, run in the browser on the console's own modules. A conference leg names no call, only who
     * calls (its From, the caller's number): answer it when I have a call from that number waiting for my phone — one I
     * claimed or retrieved, a consult I took — or whose claim the gateway acknowledged before the board caught up;
     * nothing else.
     */
    @Test
    void theSoftphoneAnswersOnlyTheLegOfACallThisAgentClaimed() {
        Object answers = doug.evaluate("""
                async () => {
                  const {Board} = await import('./console/board.js');
                  const {answers} = await import('./console/softphone.js');
                  const board = new Board('doug');
                  board.apply({type: 'snapshot', seq: 1, agents: [
                    {id: 'doug', name: 'Doug', status: 'busy', currentCall: {callSid: 'CAtalking'}},
                    {id: 'rhonda', name: 'Rhonda', status: 'busy', currentCall: null}], calls: [
                    {callSid: 'CAmine', from: '+15550000001', state: 'CLAIMED', agentId: 'doug'},
                    {callSid: 'CAhers', from: '+15550000002', state: 'CLAIMED', agentId: 'rhonda'},
                    {callSid: 'CAringing', from: '+15550000003', state: 'RINGING'},
                    {callSid: 'CAparked', from: '+15550000004', state: 'PARKED', slot: 701},
                    {callSid: 'CAtalking', from: '+15550000005', state: 'CONNECTED', agentId: 'doug'},
                    {callSid: 'CAconsult', from: '+15550000006', state: 'CONNECTED', agentId: 'rhonda',
                     onHold: true, consultWith: 'doug'},
                    {callSid: 'CAoffer', from: '+15550000007', state: 'CONNECTED', agentId: 'rhonda', onHold: true,
                     ringReason: 'consult', offeredTo: 'doug'},
                    {callSid: 'CAanonymous', from: null, state: 'CLAIMED', agentId: 'doug'},
                    {callSid: 'OBmine', from: '+15005550006', to: '+15550000009', state: 'CLAIMED', agentId: 'doug',
                     direction: 'outbound'},
                    {callSid: 'OBhers', from: '+15005550006', to: '+15550000010', state: 'CLAIMED', agentId: 'rhonda',
                     direction: 'outbound'},
                    {callSid: 'OBtalking', from: '+15005550007', to: '+15550000011', state: 'CONNECTED',
                     agentId: 'doug', direction: 'outbound'}]});
                  const none = new Map();
                  const acked = (sid, from) => new Map([[sid, from]]);
                  return {
                    mine: answers('+15550000001', board, none),
                    hers: answers('+15550000002', board, acked('CAhers', '+15550000002')),
                    ringing: answers('+15550000003', board, none),
                    ringingAcked: answers('+15550000003', board, acked('CAringing', '+15550000003')),
                    otherNumber: answers('+15559999999', board, acked('CAringing', '+15550000003')),
                    retrieveAcked: answers('+15550000004', board, acked('CAparked', '+15550000004')),
                    talking: answers('+15550000005', board, acked('CAtalking', '+15550000005')),
                    consultTaken: answers('+15550000006', board, none),
                    consultOffered: answers('+15550000007', board, none),
                    consultAcked: answers('+15550000007', board, acked('CAoffer', '+15550000007')),
                    unseenAcked: answers('+15550000008', board, acked('CAnew', '+15550000008')),
                    unseen: answers('+15550000008', board, none),
                    unknownCaller: answers('client:switchboard', board, none),
                    unnamed: answers(undefined, board, acked('CAmine', '+15550000001')),
                    placed: answers('+15550000009', board, none),
                    placedByHer: answers('+15550000010', board, none),
                    placedTalking: answers('+15550000011', board, none),
                    tenantNumber: answers('+15005550006', board, none),
                  };
                }
                """);
        org.assertj.core.api.Assertions.assertThat((Map<?, ?>) answers).isEqualTo(Map.ofEntries(
                Map.entry("mine", true), Map.entry("hers", false), Map.entry("ringing", false),
                Map.entry("ringingAcked", true), Map.entry("otherNumber", false), Map.entry("retrieveAcked", true),
                Map.entry("talking", false), Map.entry("consultTaken", true), Map.entry("consultOffered", false),
                Map.entry("consultAcked", true), Map.entry("unseenAcked", true), Map.entry("unseen", false),
                Map.entry("unknownCaller", true), Map.entry("unnamed", false), Map.entry("placed", true),
                Map.entry("placedByHer", false), Map.entry("placedTalking", false), Map.entry("tenantNumber", false)));
    }

    // ---- steps ----------------------------------------------------------------------------------------------------

    private static Page signIn(String gateway, String agent, String name) {
        // Watched from the first request on: the page's own (favicon, token, simulator) and the browser's.
        Page page = BrowserPages.signIn(browser, gateway, agent, name, problems, SEEN_AT);
        assertThat(page.getByTestId("simulate")).isVisible();
        return page;
    }

    private static void assertNoProblems() {
        synchronized (problems) {
            org.assertj.core.api.Assertions.assertThat(problems).as("console errors and failed requests").isEmpty();
        }
    }

    private static List<Page> pages() {
        return List.of(doug, rhonda);
    }

    private static String callSid() {
        return observer.frames(f -> f.path("type").asText().equals("call")
                && f.at("/call/from").asText().equals(CALLER)).stream().findFirst()
                .map(f -> f.at("/call/callSid").asText()).orElse(null);
    }

    /** The call Doug placed to {@code number}, as the observer beside the browsers saw it, or null. */
    private static String placedCallTo(String number) {
        return observer.frames(f -> f.path("type").asText().equals("call")
                && f.at("/call/direction").asText().equals("outbound") && f.at("/call/agentId").asText().equals("doug")
                && f.at("/call/to").asText().equals(number)).stream().findFirst()
                .map(f -> f.at("/call/callSid").asText()).orElse(null);
    }

    /** How many calls Doug placed, as the observer saw them. */
    private static int placedCalls() {
        return (int) observer.frames(f -> f.path("type").asText().equals("call")
                && f.at("/call/direction").asText().equals("outbound") && f.at("/call/agentId").asText().equals("doug"))
                .stream().map(f -> f.at("/call/callSid").asText()).distinct().count();
    }

    /**
     * Sets the tenant's wait limit in its call handling settings (docs/operations.md), which call-state reads at each
     * decision; null puts back the service's default (switchboard.queue.max-wait), so the other scenarios' calls ring
     * as long as they need.
     */
    private static void setWaitLimit(Integer seconds) throws Exception {
        try (var c = stack.postgres().connect()) {
            var s = c.prepareStatement("INSERT INTO call_handling (tenant_id, max_wait_seconds) VALUES ('acme', ?)"
                    + " ON CONFLICT (tenant_id) DO UPDATE SET max_wait_seconds = EXCLUDED.max_wait_seconds");
            s.setObject(1, seconds, java.sql.Types.INTEGER);
            s.executeUpdate();
        }
    }

    /** The voicemail left on {@code call}, as the observer first saw it, or null. */
    private static JsonNode voicemailOf(String call) {
        return observer.frames(f -> f.path("type").asText().equals("voicemail")
                && f.at("/voicemail/callSid").asText().equals(call)).stream().findFirst()
                .map(f -> f.get("voicemail")).orElse(null);
    }

    private static boolean state(JsonNode call, String state) {
        return call.path("state").asText().equals(state);
    }

    /** The observer's first frame about {@code call} whose call matches. */
    private static Predicate<JsonNode> callChange(String call, Predicate<JsonNode> match) {
        return f -> f.path("type").asText().equals("call") && f.at("/call/callSid").asText().equals(call)
                && match.test(f.get("call"));
    }

    /**
     * Prints when each page drew {@code change} (its seq on body[data-seq]): against the moment the WebSocket
     * observer beside the browsers received the same change (the gateway's fan-out; negative when the page was
     * quicker than the observer), and against the click that caused it (what a person waits). The pages and the
     * observer are on one machine, so one wall clock serves them all.
     */
    private static void report(String step, Predicate<JsonNode> change) {
        await().atMost(WAIT).until(() -> observer.arrivalOf(change) >= 0);
        long arrivedNanos = observer.arrivalOf(change);
        long seq = observer.frames(change).get(0).get("seq").asLong();
        long arrivedAt = System.currentTimeMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - arrivedNanos);
        StringBuilder line = new StringBuilder(String.format("console timing: %-20s seq %3d", step, seq));
        for (Page page : pages()) {
            Object seen = page.evaluate("seq => window.__seenAt[seq] ?? null", Long.toString(seq));
            line.append(seen == null ? String.format(" | %s: not drawn", who(page))
                    : String.format(" | %s: %+4d ms after the observer got it, %4d ms after the click", who(page),
                            ((Number) seen).longValue() - arrivedAt, ((Number) seen).longValue() - actionAt));
        }
        timings.add(line.toString());
    }

    private static String who(Page page) {
        return page == doug ? "doug" : "rhonda";
    }

    private static void screenshots(String moment) throws Exception {
        Files.createDirectories(SHOTS);
        for (Page page : pages()) {
            String who = who(page);
            page.setViewportSize(1280, 900);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve(moment + "-" + who + "-desktop.png"))
                    .setFullPage(true));
            page.setViewportSize(390, 844); // a phone
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve(moment + "-" + who + "-phone.png"))
                    .setFullPage(true));
            page.setViewportSize(1280, 900);
        }
    }
}
