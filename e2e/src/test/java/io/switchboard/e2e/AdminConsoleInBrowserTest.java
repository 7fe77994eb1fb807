package io.switchboard.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.switchboard.stack.Stack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's Admin view in Debian's headless chromium, on the packaged stack: Doug (an admin) and Rhonda (an agent)
 * in two isolated browser contexts. Doug opens Admin from the keyboard and adds Mia, whom Rhonda's team board shows
 * without a reload; he types a number that is not one and reads the API's refusal beside the form; he saves the
 * settings, reads a refusal of a slot range, sees his writes in the audit, renames Mia (both team boards follow) and
 * deactivates her after a confirmation, upon which both team boards drop her. Rhonda's page has no Admin view. Apart
 * from the refusals the test provokes, neither page may log an error or see a request fail.
 */
class AdminConsoleInBrowserTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String SECOND_NUMBER = "+15005550099";
    static final Path SHOTS = EndToEnd.repoRoot().resolve("e2e/target/screenshots");
    /** Requests the test makes fail on purpose: the browser logs each as a failed resource too. */
    static final Pattern PROVOKED = Pattern.compile(".*(\\b409\\b.*/api/admin/agents|\\b400\\b.*/api/admin/(numbers"
            + "|settings)).*", Pattern.DOTALL);

    static Stack stack;
    static Playwright playwright;
    static Browser browser;
    static Page doug;
    static Page rhonda;
    /** Console errors, uncaught exceptions and failed requests (4xx/5xx, or no answer) of either page. */
    static final List<String> problems = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void startStackAndBrowser() throws Exception {
        stack = EndToEnd.start("admin-console", o -> o);
        String gateway = stack.baseUrl(Stack.Service.PRESENCE_GATEWAY);
        playwright = BrowserPages.playwright();
        browser = BrowserPages.launch(playwright, WAIT);
        doug = signIn(gateway, "doug", "Doug");
        rhonda = signIn(gateway, "rhonda", "Rhonda");
    }

    @AfterAll
    static void stop() {
        EndToEnd.closeAll(browser, playwright, stack);
    }

    @Test
    void dougRunsTheTenantFromTheAdminViewAndTheTeamBoardsFollowFromTheStream() throws Exception {
        // Rhonda is an agent: no Admin button, nothing drawn.
        assertThat(rhonda.getByTestId("admin-toggle")).isHidden();
        assertThat(rhonda.getByTestId("admin")).isHidden();
        assertThat(rhonda.getByTestId("admin-tab-agents")).hasCount(0);

        // Doug opens Admin with the keyboard: the focus goes to the view's heading, the Agents tab is open and lists
        // the seeded agents.
        BrowserPages.tabTo(doug, "[data-testid=admin-toggle]");
        doug.keyboard().press("Enter");
        assertThat(doug.getByTestId("admin")).isVisible();
        assertThat(doug.getByTestId("admin-toggle")).hasAttribute("aria-expanded", "true");
        assertThat(doug.locator("#admin-title")).isFocused();
        assertThat(doug.getByTestId("admin-tab-agents")).hasAttribute("aria-selected", "true");
        assertThat(doug.getByTestId("admin-agent-doug")).containsText("admin");
        assertThat(doug.getByTestId("admin-agent-rhonda")).containsText("online");

        // He adds Mia: the page shows the API's answer, and both team boards show her, signed out, from the stream.
        doug.getByTestId("admin-new-id").fill("mia");
        doug.getByTestId("admin-new-name").fill("Mia");
        assertThat(doug.getByTestId("admin-new-role-agent")).isChecked();
        doug.getByTestId("admin-add").click();
        assertThat(doug.getByTestId("admin-add-result")).containsText("Added: Mia (mia), roles agent, active");
        assertThat(doug.getByTestId("admin-add-problem")).isEmpty();
        for (Page page : pages()) {
            Locator mia = page.getByTestId("agent-mia");
            assertThat(mia).containsText("Mia");
            assertThat(mia.getByTestId("presence")).hasText("offline");
        }
        assertThat(doug.getByTestId("admin-agent-mia")).containsText("active");

        // The same id again: the API's 409 reason shows beside the form.
        doug.getByTestId("admin-new-id").fill("mia");
        doug.getByTestId("admin-new-name").fill("Mia Again");
        doug.getByTestId("admin-add").click();
        assertThat(doug.getByTestId("admin-add-problem")).containsText("Not added:");
        assertThat(doug.getByTestId("admin-add-problem")).containsText("(409)");

        // Numbers, with the arrow keys from the Agents tab: a number without + and the country code is refused, with
        // the API's reason beside the form, and the list stays as it was.
        doug.getByTestId("admin-tab-agents").focus();
        doug.keyboard().press("ArrowRight");
        assertThat(doug.getByTestId("admin-tab-numbers")).isFocused();
        assertThat(doug.getByTestId("admin-tab-numbers")).hasAttribute("aria-selected", "true");
        assertThat(doug.getByTestId("admin-numbers")).isVisible();
        assertThat(doug.getByTestId("admin-agents")).isHidden();
        assertThat(doug.getByTestId("admin-number")).hasCount(1);
        assertThat(doug.getByTestId("admin-number")).containsText("+15005550006");
        doug.getByTestId("admin-new-number").fill("5550100");
        doug.getByTestId("admin-number-add").click();
        Locator refusal = doug.getByTestId("admin-number-problem");
        assertThat(refusal).containsText("5550100 was not added:");
        assertThat(refusal).containsText("E.164");
        assertThat(refusal).containsText("(400)");
        assertThat(refusal).hasAttribute("role", "alert");
        assertThat(doug.getByTestId("admin-number")).hasCount(1);
        assertThat(doug.getByTestId("admin-new-number")).isFocused();
        // A number in E.164 is added, the answer listing the tenant's numbers; removing it asks first.
        doug.getByTestId("admin-new-number").fill(SECOND_NUMBER);
        doug.getByTestId("admin-number-add").click();
        assertThat(doug.getByTestId("admin-number-result")).containsText("Added " + SECOND_NUMBER);
        assertThat(refusal).isEmpty();
        assertThat(doug.getByTestId("admin-number")).hasCount(2);
        doug.locator("[data-testid=admin-number][data-key='" + SECOND_NUMBER + "']").getByTestId("admin-number-remove")
                .click();
        assertThat(doug.getByTestId("admin-confirm")).containsText("Remove " + SECOND_NUMBER + "?");
        doug.getByTestId("admin-confirm-yes").click();
        assertThat(doug.getByTestId("admin-number")).hasCount(1);
        assertThat(doug.getByTestId("admin-numbers-status")).containsText("Removed " + SECOND_NUMBER);

        // Settings: read from the API, a slot range that cannot be is refused with the API's words, a good change is
        // saved and shown as stored.
        doug.getByTestId("admin-tab-settings").click();
        assertThat(doug.getByTestId("admin-s-parkSlotFirst")).hasValue("701");
        assertThat(doug.getByTestId("admin-s-parkSlotLast")).hasValue("720");
        assertThat(doug.getByTestId("admin-s-always")).isChecked();
        doug.getByTestId("admin-s-parkSlotLast").fill("700");
        doug.getByTestId("admin-settings-save").click();
        assertThat(doug.getByTestId("admin-settings-problem")).containsText("parking slots");
        assertThat(doug.getByTestId("admin-settings-problem")).containsText("(400)");
        doug.getByTestId("admin-s-parkSlotLast").fill("730");
        doug.getByTestId("admin-s-serviceLevelSeconds").fill("25");
        doug.getByTestId("admin-settings-save").click();
        assertThat(doug.getByTestId("admin-settings-result")).containsText("Saved");
        assertThat(doug.getByTestId("admin-settings-problem")).isEmpty();
        assertThat(doug.getByTestId("admin-s-parkSlotLast")).hasValue("730");
        assertThat(doug.getByTestId("admin-s-serviceLevelSeconds")).hasValue("25");
        screenshots("admin-settings");

        // The audit: his writes, newest first, with who and what changed.
        doug.getByTestId("admin-tab-audit").click();
        Locator entries = doug.getByTestId("admin-audit-entry");
        assertThat(entries.first()).containsText("changed the settings");
        assertThat(entries.first()).containsText("Doug (doug)");
        assertThat(entries.first()).containsText("parkSlotLast: 720 → 730");
        assertThat(doug.getByTestId("admin-audit-list")).containsText("added an agent");
        assertThat(doug.getByTestId("admin-audit-list")).containsText("removed a number");

        // Back to Agents: Doug renames Mia and makes her a supervisor too; both team boards show the new name.
        doug.getByTestId("admin-tab-agents").click();
        Locator miaRow = doug.getByTestId("admin-agent-mia");
        miaRow.getByTestId("admin-edit").click();
        Locator edit = doug.getByTestId("admin-edit-form");
        assertThat(edit.getByTestId("admin-edit-name")).isFocused();
        edit.getByTestId("admin-edit-name").fill("Mia Lopez");
        edit.getByTestId("admin-edit-role-supervisor").check();
        edit.getByTestId("admin-edit-save").click();
        assertThat(doug.getByTestId("admin-agents-status"))
                .containsText("Saved: Mia Lopez (mia), roles agent, supervisor");
        assertThat(edit).hasCount(0);
        for (Page page : pages()) {
            assertThat(page.getByTestId("agent-mia")).containsText("Mia Lopez");
        }

        // Doug deactivates her after a confirmation, and both team boards drop her; his list keeps her as deactivated,
        // to reactivate.
        miaRow.getByTestId("admin-deactivate").click();
        Locator confirm = doug.getByTestId("admin-confirm");
        assertThat(confirm).isVisible();
        assertThat(confirm).containsText("Deactivate Mia Lopez (mia)?");
        assertThat(doug.getByTestId("admin-confirm-no")).isFocused();
        doug.getByTestId("admin-confirm-yes").click();
        assertThat(confirm).isHidden();
        for (Page page : pages()) {
            assertThat(page.getByTestId("agent-mia")).hasCount(0);
            assertThat(page.getByTestId("agent-rhonda")).isVisible();
        }
        assertThat(doug.getByTestId("admin-agents-status")).containsText("Deactivated: Mia Lopez (mia)");
        assertThat(miaRow).containsText("deactivated");
        assertThat(miaRow.getByTestId("admin-reactivate")).isVisible();
        screenshots("admin-agents");

        // Rhonda still has no Admin view, and neither page reloaded nor lost its stream.
        assertThat(rhonda.getByTestId("admin-tab-agents")).hasCount(0);
        for (Page page : pages()) {
            assertThat(page.getByTestId("connection")).hasText("live");
        }
        synchronized (problems) {
            org.assertj.core.api.Assertions.assertThat(problems.stream().filter(p -> !PROVOKED.matcher(p).matches()))
                    .as("console errors and failed requests").isEmpty();
        }
    }

    // ---- steps ----------------------------------------------------------------------------------------------------

    private static Page signIn(String gateway, String agent, String name) {
        return BrowserPages.signIn(browser, gateway, agent, name, problems, null);
    }

    private static List<Page> pages() {
        return List.of(doug, rhonda);
    }

    private static void screenshots(String moment) throws Exception {
        Files.createDirectories(SHOTS);
        doug.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve(moment + "-doug-desktop.png"))
                .setFullPage(true));
        doug.setViewportSize(390, 844); // a phone
        doug.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve(moment + "-doug-phone.png"))
                .setFullPage(true));
        doug.setViewportSize(1280, 900);
    }
}
