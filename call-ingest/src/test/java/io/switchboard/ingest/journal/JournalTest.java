package io.switchboard.ingest.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal's file: what is appended stays, in order, across a restart, until Kafka has it. */
class JournalTest {
    @TempDir
    Path dir;

    @Test
    void appendedEventsOutliveTheProcessInOrderUntilForwarded() throws Exception {
        Path file = dir.resolve("journal/call-ingest.db");
        try (Journal journal = Journal.open(file)) {
            List<Long> ids = journal.append(List.of(entry("a"), entry("b"), entry("c")), 0);
            assertThat(ids).isSorted().hasSize(3);
            journal.append(List.of(entry("d")), ids.get(0));
        }

        try (Journal reopened = Journal.open(file)) {
            assertThat(reopened.after(0, 10)).as("a forgotten, d appended in the same commit")
                    .extracting(w -> w.entry().event()).containsExactly("b", "c", "d");
            long[] waiting = reopened.waiting();
            assertThat(waiting[0]).isEqualTo(3);
            List<Long> more = reopened.append(List.of(entry("e")), 0);
            assertThat(more.get(0)).as("ids never go back, even after a restart").isGreaterThan(waiting[1]);
            assertThat(reopened.after(waiting[1], 10)).extracting(w -> w.entry().event()).containsExactly("e");
        }
    }

    @Test
    void theTraceContextTravelsWithItsEvent() throws Exception {
        try (Journal journal = Journal.open(dir.resolve("j.db"))) {
            String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
            journal.append(List.of(new Journal.Entry("{}", traceparent), new Journal.Entry("{}", null)), 0);

            assertThat(journal.after(0, 10)).extracting(w -> w.entry().traceparent())
                    .containsExactly(traceparent, null);
        }
    }

    @Test
    void numbersOwnersAreRememberedAndUpdated() throws Exception {
        Path file = dir.resolve("j.db");
        try (Journal journal = Journal.open(file)) {
            journal.rememberOwner("+15005550006", "acme");
            journal.rememberOwner("+15005550006", "globex");
            journal.rememberOwner("+15005550007", "acme");
        }

        try (Journal reopened = Journal.open(file)) {
            assertThat(reopened.owners()).containsExactlyInAnyOrderEntriesOf(
                    Map.of("+15005550006", "globex", "+15005550007", "acme"));
        }
    }

    private static Journal.Entry entry(String event) {
        return new Journal.Entry(event, null);
    }
}
