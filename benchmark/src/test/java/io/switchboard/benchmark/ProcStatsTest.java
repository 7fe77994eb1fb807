package io.switchboard.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProcStatsTest {

    @Test
    void thisJvmLeavesOutTheProcessesItStarted() throws Exception {
        // The stack's services and PostgreSQL are this JVM's children: counted in, they were counted twice.
        Process child = new ProcessBuilder("sleep", "30").start();
        try {
            long self = ProcessHandle.current().pid();

            assertThat(ProcStats.Watched.thisJvm("benchmark JVM").pids()).containsExactly(self);
            assertThat(new ProcStats.Watched("postgres", self).pids()).contains(self, child.pid());
        } finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
