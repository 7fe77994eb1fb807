package io.switchboard.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import java.time.Duration;
import java.util.Map;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the browser tests share: Debian's chromium, what a page did wrong, moving the focus as a keyboard user does. */
final class BrowserPages {
    private BrowserPages() {
    }

    /** Playwright without its own browser download, and Debian's chromium headless; assertions wait {@code wait}. */
    static Browser launch(Playwright playwright, Duration wait) throws Exception {
        PlaywrightAssertions.setDefaultAssertionTimeout(wait.toMillis());
        return playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(chromium())
                .setHeadless(true));
    }

    static Playwright playwright() {
        return Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    }

    /**
     * A page in its own browser context (its own sign-in), watched from its first request on ({@link #watch}), signed
     * in as {@code agent} from the local stack's picker, live; {@code initScript} (or null) runs before the page's own.
     */
    static Page signIn(Browser browser, String gateway, String agent, String name, List<String> problems,
            String initScript) {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
        if (initScript != null) {
            context.addInitScript(initScript);
        }
        Page page = context.newPage();
        watch(page, agent, problems);
        page.navigate(gateway + "/");
        page.getByTestId("login-" + agent).click();
        assertThat(page.getByTestId("connection")).hasText("live");
        assertThat(page.getByTestId("me")).hasText(name);
        return page;
    }

    /** Debian's chromium, installed by the project's own script when missing ({@code e2e/install-chromium.sh}). */
    private static Path chromium() throws Exception {
        Process install = new ProcessBuilder("bash", EndToEnd.repoRoot().resolve("e2e/install-chromium.sh").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!install.waitFor(10, TimeUnit.MINUTES) || install.exitValue() != 0) {
            throw new IllegalStateException("install-chromium.sh failed (exit " + install.exitValue() + ")");
        }
        return Path.of(out.lines().reduce((a, b) -> b).orElseThrow());
    }

    /**
     * Adds to {@code problems}, from the page's first request on (its own and the browser's), each console error,
     * uncaught exception and failed request (4xx/5xx, or no answer), named by {@code agent}.
     */
    static void watch(Page page, String agent, List<String> problems) {
        page.onConsoleMessage(message -> {
            if (message.type().equals("error")) {
                problems.add(agent + " console: " + message.text() + " at " + message.location());
            }
        });
        page.onPageError(error -> problems.add(agent + " uncaught: " + error));
        page.onResponse(response -> {
            if (response.status() >= 400) {
                problems.add(agent + " " + response.status() + " " + response.request().method() + " "
                        + response.url());
            }
        });
        page.onRequestFailed(request -> problems.add(agent + " failed " + request.method() + " " + request.url()
                + ": " + request.failure()));
    }

    /** Moves the focus with Tab, as a keyboard user would, until the element is focused; fails if it never is. */
    static void tabTo(Page page, String selector) {
        page.evaluate("() => document.activeElement?.blur()");
        for (int presses = 0; presses < 40; presses++) {
            page.keyboard().press("Tab");
            if ((Boolean) page.locator(selector).evaluate("el => el === document.activeElement")) {
                return;
            }
        }
        throw new AssertionError(selector + " cannot be reached with Tab");
    }
}
