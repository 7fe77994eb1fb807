package io.switchboard.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LanesTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(8);
    private final Lanes lanes = new Lanes(pool);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void oneKeysWorkRunsInTheOrderGiven() throws Exception {
        List<Integer> done = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Integer>> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int n = i;
            all.add(lanes.run("acme", () -> {
                done.add(n);
                return n;
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

        assertThat(done).isSorted().hasSize(200);
    }

    @Test
    void anotherKeyDoesNotWaitBehindABusyOne() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> stuck = lanes.run("acme", () -> {
            await(release);
            return "acme";
        });
        CompletableFuture<String> behind = lanes.run("acme", () -> "acme again");

        assertThat(lanes.run("globex", () -> "globex").get(5, TimeUnit.SECONDS)).isEqualTo("globex");
        assertThat(stuck).isNotDone();
        assertThat(behind).isNotDone();
        release.countDown();
        assertThat(behind.get(5, TimeUnit.SECONDS)).isEqualTo("acme again");
    }

    @Test
    void aFailureIsItsOwnAndTheLaneGoesOn() throws Exception {
        CompletableFuture<String> failed = lanes.run("acme", () -> {
            throw new IllegalStateException("Postgres said no");
        });
        CompletableFuture<String> next = lanes.run("acme", () -> "next");

        assertThat(next.get(5, TimeUnit.SECONDS)).isEqualTo("next");
        assertThat(failed).isCompletedExceptionally();
    }

    @Test
    void aLaneIsClosedOnceItsWorkIsDone() throws Exception {
        lanes.run("acme", () -> "done").get(5, TimeUnit.SECONDS);

        org.awaitility.Awaitility.await().until(() -> lanes.open() == 0);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
