package io.switchboard.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The wallboard in Debian's headless chromium, on the packaged stack: Doug, a supervisor on the local stack's seed,
 * turns the console into the wallboard and watches a caller ring (the waiting count rises, the longest wait counts
 * up), give up (abandoned, and the service level says in words that it is below target), and sets Rhonda away from
 * her row; Rhonda, no supervisor, is offered no wallboard. Neither page may log an error.
 */
class WallboardInBrowserTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String NUMBER = "+15005550006";
    static final Path SHOTS = EndToEnd.repoRoot().resolve("e2e/target/screenshots");

    static Stack stack;
    static Playwright playwright;
    static Browser browser;
    static Page doug;
    static Page rhonda;
    static final List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void startStackAndBrowser() throws Exception {
        stack = EndToEnd.start("wallboard-browser", o -> o);
        String gateway = stack.baseUrl(Stack.Service.PRESENCE_GATEWAY);
        playwright = BrowserPages.playwright();
        browser = BrowserPages.launch(playwright, WAIT);
        doug = BrowserPages.signIn(browser, gateway, "doug", "Doug", problems, null);
        rhonda = BrowserPages.signIn(browser, gateway, "rhonda", "Rhonda", problems, null);
    }

    @AfterAll
    static void stop() {
        EndToEnd.closeAll(browser, playwright, stack);
    }

    @Test
    void dougWatchesTheWaitingCountRiseWhenACallRings() throws Exception {
        assertThat(rhonda.getByTestId("wallboard-toggle")).isHidden();
        assertThat(doug.getByTestId("wallboard-toggle")).isVisible();
        doug.getByTestId("wallboard-toggle").click();
        assertThat(doug.getByTestId("wallboard")).isVisible();
        assertThat(doug.getByTestId("team")).isHidden(); // the wallboard alone, for a screen on the wall
        assertThat(doug.getByTestId("wb-waiting")).hasText("0");
        assertThat(doug.getByTestId("wb-waiting-note")).hasText("nobody waits");
        assertThat(doug.getByTestId("wb-agent-rhonda")).containsText("Rhonda");
        assertThat(doug.getByTestId("wb-agent-rhonda").getByTestId("wb-status")).hasText("available");

        String call = stack.simulator().placeCall("+15550301234", NUMBER);
        assertThat(doug.getByTestId("wb-waiting")).hasText("1");
        assertThat(doug.getByTestId("wb-waiting-note")).hasText("callers are waiting");
        assertThat(doug.getByTestId("wb-waiting-tile")).hasClass(Pattern.compile("\\bwarn\\b"));
        // The longest wait counts up on the page's own clock, from the figure's instant.
        Locator longest = doug.getByTestId("wb-longest");
        assertThat(longest).hasText(Pattern.compile("\\d+:\\d\\d"));
        String first = longest.textContent();
        await().atMost(WAIT).until(() -> !longest.textContent().equals(first));
        shot(doug, "wallboard-waiting");

        stack.simulator().hangup(call);
        assertThat(doug.getByTestId("wb-waiting")).hasText("0");
        assertThat(doug.getByTestId("wb-abandoned")).hasText("1");
        assertThat(doug.getByTestId("wb-service")).hasText("0 %");
        assertThat(doug.getByTestId("wb-service-note")).containsText("below target");
        assertThat(doug.getByTestId("wb-service-tile")).hasClass(Pattern.compile("\\bbad\\b"));
        assertThat(doug.getByTestId("wb-agent-rhonda").getByTestId("wb-missed")).hasText("1");

        // Set away: call-state sets Rhonda away, or a build without the command says why it cannot.
        doug.getByTestId("wb-set-away-rhonda").click();
        await().atMost(WAIT).until(() -> "away".equals(doug.getByTestId("wb-agent-rhonda").getByTestId("wb-status")
                .textContent()) || !doug.getByTestId("wb-problem").textContent().isBlank());
        shot(doug, "wallboard-after");
        synchronized (problems) {
            org.assertj.core.api.Assertions.assertThat(problems).as("console errors and failed requests").isEmpty();
        }
    }

    private static void shot(Page page, String name) throws Exception {
        Files.createDirectories(SHOTS);
        page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve(name + ".png")).setFullPage(true));
    }
}
