package io.switchboard.e2e;

import com.microsoft.playwright.Page;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the browser tests share: Debian's chromium, what a page did wrong, moving the focus as a keyboard user does. */
final class BrowserPages {
    private BrowserPages() {
    }

    /** Debian's chromium, installed by the project's own script when missing ({@code e2e/install-chromium.sh}). */
    static Path chromium() throws Exception {
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
                problems.add(agent + " " + response.status() + " " + response.request().method() + " " + response.url());
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
