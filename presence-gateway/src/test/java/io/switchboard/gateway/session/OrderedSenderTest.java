package io.switchboard.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.gateway.session.OrderedSender.Frame;
import io.switchboard.gateway.session.OrderedSender.Outcome;
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
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OrderedSenderTest {
    private final ExecutorService eventLoop = Executors.newSingleThreadExecutor(r -> new Thread(r, "event-loop"));
    private final ExecutorService network = Executors.newFixedThreadPool(4);

    /** A loop that is the caller's own thread. */
    private static final OrderedSender.Loop INLINE = OrderedSender.Loop.of(Runnable::run, () -> true);

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

        void write(String frame, Consumer<Throwable> done) {
            written.add(frame);
            writerThreads.add(Thread.currentThread().getName());
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            network.execute(() -> {
                parkNanos(ThreadLocalRandom.current().nextInt(200_000));
                inFlight.decrementAndGet();
                done.accept(null);
            });
        }
    }

    private static void parkNanos(long nanos) {
        java.util.concurrent.locks.LockSupport.parkNanos(nanos);
    }

    @Test
    void framesFromManyThreadsAreWrittenInQueueOrderOnTheEventLoop() throws InterruptedException {
        SlowTransport transport = new SlowTransport();
        OrderedSender sender = new OrderedSender(OrderedSender.Loop.of(eventLoop,
                () -> Thread.currentThread().getName().equals("event-loop")), transport::write, 100_000);
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
                        sender.send(Frame.change(i, frame));
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
        OrderedSender sender = new OrderedSender(INLINE, (frame, done) -> {
            written.add(frame);
            CompletableFuture<Void> write = new CompletableFuture<>();
            write.whenComplete((ok, failure) -> done.accept(failure));
            writes.add(write);
        }, 10);

        sender.send(Frame.change(1, "a"));
        sender.send(Frame.change(2, "b"));
        sender.send(Frame.reply("c"));
        assertThat(written).containsExactly("a");
        assertThat(sender.waiting()).isEqualTo(2);

        writes.get(0).complete(null);
        assertThat(written).containsExactly("a", "b", "c");
        assertThat(sender.waiting()).isZero();
    }

    /** A transport whose writes complete only when the test says so, like a client that stopped reading. */
    private static final class StalledTransport {
        final List<CompletableFuture<Void>> writes = new ArrayList<>();
        final List<String> written = new ArrayList<>();

        void write(String frame, Consumer<Throwable> done) {
            written.add(frame);
            CompletableFuture<Void> write = new CompletableFuture<>();
            write.whenComplete((ok, failure) -> done.accept(failure));
            writes.add(write);
        }

        void completeAll() {
            // Completing one starts the next batch, which adds writes: go until none is left open.
            for (int i = 0; i < writes.size(); i++) {
                writes.get(i).complete(null);
            }
        }
    }

    @Test
    void anOverflowDropsTheWaitingChangesButKeepsTheReplies() {
        StalledTransport transport = new StalledTransport();
        OrderedSender sender = new OrderedSender(INLINE, transport::write, 3);
        assertThat(sender.send(Frame.change(1, "c1"))).as("written at once").isEqualTo(Outcome.QUEUED);
        assertThat(sender.send(Frame.change(2, "c2"))).isEqualTo(Outcome.QUEUED);
        assertThat(sender.send(Frame.reply("ack r1"))).isEqualTo(Outcome.QUEUED);
        assertThat(sender.send(Frame.change(3, "c3"))).isEqualTo(Outcome.QUEUED);

        assertThat(sender.send(Frame.change(4, "c4"))).isEqualTo(Outcome.OVERFLOWED);
        assertThat(sender.waiting()).as("only the reply is left").isEqualTo(1);
        assertThat(sender.send(Frame.reply("ack r2"))).isEqualTo(Outcome.QUEUED);
        assertThat(sender.isClosed()).isFalse();

        transport.completeAll();
        assertThat(transport.written).containsExactly("c1", "ack r1", "ack r2");
        assertThat(sender.lastWrittenSeq()).isEqualTo(1);
    }

    @Test
    void aQueueFullOfRepliesAloneClosesTheSender() {
        StalledTransport transport = new StalledTransport();
        OrderedSender sender = new OrderedSender(INLINE, transport::write, 2);
        sender.send(Frame.reply("in flight"));
        sender.send(Frame.reply("waiting 1"));
        sender.send(Frame.reply("waiting 2"));

        assertThat(sender.send(Frame.reply("one too many"))).isEqualTo(Outcome.FULL);
        assertThat(sender.isClosed()).isTrue();
        assertThat(sender.waiting()).isZero();
        assertThat(sender.send(Frame.change(9, "dropped"))).as("a closed sender drops frames quietly")
                .isEqualTo(Outcome.QUEUED);
    }

    @Test
    void tellsWhenEverythingQueuedIsWritten() {
        StalledTransport transport = new StalledTransport();
        OrderedSender sender = new OrderedSender(INLINE, transport::write, 10);
        AtomicInteger drained = new AtomicInteger();
        sender.send(Frame.change(1, "c1"));
        sender.send(Frame.change(2, "c2"));

        sender.whenDrained(drained::incrementAndGet);
        assertThat(drained).hasValue(0);

        transport.completeAll();
        assertThat(drained).hasValue(1);
        assertThat(sender.lastWrittenSeq()).isEqualTo(2);

        sender.whenDrained(drained::incrementAndGet);
        assertThat(drained).as("already drained: at once").hasValue(2);
    }

    @Test
    void aResumeDropsTheWaitingChangesOnly() {
        StalledTransport transport = new StalledTransport();
        OrderedSender sender = new OrderedSender(INLINE, transport::write, 10);
        sender.send(Frame.change(1, "c1"));
        sender.send(Frame.change(2, "c2"));
        sender.send(Frame.reply("ack"));
        sender.send(Frame.change(3, "c3"));

        sender.dropWaitingState();

        transport.completeAll();
        assertThat(transport.written).containsExactly("c1", "ack");
    }

    @Test
    void closesWhenAWriteFailed() {
        List<String> written = new ArrayList<>();
        AtomicInteger drained = new AtomicInteger();
        OrderedSender broken = new OrderedSender(INLINE, (frame, done) -> {
            written.add(frame);
            done.accept(new IllegalStateException("connection closed"));
        }, 10);
        broken.send(Frame.change(1, "lost"));
        broken.whenDrained(drained::incrementAndGet);

        assertThat(broken.isClosed()).isTrue();
        assertThat(broken.send(Frame.change(2, "dropped"))).isEqualTo(Outcome.QUEUED);
        assertThat(written).containsExactly("lost");
        assertThat(drained).as("a closed sender never drains").hasValue(0);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void onItsLoopAFrameIsWrittenAtOnceWithoutATask() {
        // The fan-out hands a change to each loop once; a task per connection and frame is what it saves.
        AtomicInteger tasks = new AtomicInteger();
        List<String> written = new ArrayList<>();
        OrderedSender sender = new OrderedSender(OrderedSender.Loop.of(task -> {
            tasks.incrementAndGet();
            task.run();
        }, () -> true), (frame, done) -> {
            written.add(frame);
            done.accept(null);
        }, 10);

        for (int seq = 1; seq <= 3; seq++) {
            assertThat(sender.send(Frame.change(seq, "c" + seq))).isEqualTo(Outcome.QUEUED);
        }

        assertThat(written).containsExactly("c1", "c2", "c3");
        assertThat(tasks).hasValue(0);
        assertThat(sender.lastWrittenSeq()).isEqualTo(3);
    }
}
