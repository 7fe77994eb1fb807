package io.switchboard.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OrderedSenderTest {
    private final ExecutorService eventLoop = Executors.newSingleThreadExecutor(r -> new Thread(r, "event-loop"));
    private final ExecutorService network = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        eventLoop.shutdownNow();
        network.shutdownNow();
    }

    /** A transport whose writes start on the calling thread and complete later, on other threads, in any order. */
    private final class SlowTransport {
        final ConcurrentLinkedQueue<String> written = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> writerThreads = new ConcurrentLinkedQueue<>();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();

        Uni<Void> write(String frame) {
            return Uni.createFrom().completionStage(() -> {
                written.add(frame);
                writerThreads.add(Thread.currentThread().getName());
                maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                CompletableFuture<Void> done = new CompletableFuture<>();
                network.execute(() -> {
                    parkNanos(ThreadLocalRandom.current().nextInt(200_000));
                    inFlight.decrementAndGet();
                    done.complete(null);
                });
                return done;
            });
        }
    }

    private static void parkNanos(long nanos) {
        java.util.concurrent.locks.LockSupport.parkNanos(nanos);
    }

    @Test
    void framesFromManyThreadsAreWrittenInQueueOrderOnTheEventLoop() throws InterruptedException {
        SlowTransport transport = new SlowTransport();
        OrderedSender sender = new OrderedSender(eventLoop, transport::write, 100_000);
        List<String> queued = java.util.Collections.synchronizedList(new ArrayList<>());
        int producers = 4;
        int perProducer = 500;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(producers);
        for (int p = 0; p < producers; p++) {
            int producer = p;
            threads.execute(() -> {
                awaitQuietly(start);
                for (int i = 0; i < perProducer; i++) {
                    // Queue order is fixed under one lock, as AgentSession does it.
                    synchronized (sender) {
                        String frame = producer + ":" + i;
                        queued.add(frame);
                        sender.send(frame);
                    }
                }
            });
        }
        start.countDown();
        threads.shutdown();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

        await().atMost(Duration.ofSeconds(10)).until(() -> transport.written.size() == producers * perProducer);
        assertThat(new ArrayList<>(transport.written)).containsExactlyElementsOf(queued);
        assertThat(transport.writerThreads).containsOnly("event-loop");
    }

    @Test
    void startsTheNextBatchOnlyWhenThePreviousOneIsWritten() {
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        List<String> written = new ArrayList<>();
        OrderedSender sender = new OrderedSender(Runnable::run, frame -> Uni.createFrom().completionStage(() -> {
            written.add(frame);
            CompletableFuture<Void> done = new CompletableFuture<>();
            writes.add(done);
            return done;
        }), 10);

        sender.send("a");
        sender.send("b");
        sender.send("c");
        assertThat(written).containsExactly("a");
        assertThat(sender.waiting()).isEqualTo(2);

        writes.get(0).complete(null);
        assertThat(written).containsExactly("a", "b", "c");
        assertThat(sender.waiting()).isZero();
    }

    @Test
    void closesWhenTooManyFramesAreWaitingOrAWriteFailed() {
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        OrderedSender slow = new OrderedSender(Runnable::run, frame -> Uni.createFrom().completionStage(() -> {
            CompletableFuture<Void> done = new CompletableFuture<>();
            writes.add(done);
            return done;
        }), 2);
        assertThat(slow.send("in flight")).isTrue();
        assertThat(slow.send("waiting 1")).isTrue();
        assertThat(slow.send("waiting 2")).isTrue();
        assertThat(slow.send("one too many")).isFalse();
        assertThat(slow.isClosed()).isTrue();
        assertThat(slow.waiting()).isZero();

        List<String> written = new ArrayList<>();
        OrderedSender broken = new OrderedSender(Runnable::run, frame -> {
            written.add(frame);
            return Uni.createFrom().failure(new IllegalStateException("connection closed"));
        }, 10);
        broken.send("lost");
        assertThat(broken.isClosed()).isTrue();
        assertThat(broken.send("dropped")).as("a closed sender drops frames quietly").isTrue();
        assertThat(written).containsExactly("lost");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
