package io.switchboard.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.gateway.domain.ScreenFeed.Frame;
import io.switchboard.gateway.session.AgentChannel.SharedFrame;
import io.switchboard.gateway.session.OrderedSender.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OrderedSenderTest {
    private final ExecutorService eventLoop = Executors.newSingleThreadExecutor(r -> new Thread(r, "event-loop"));

    /** A loop that is the caller's own thread. */
    private static final OrderedSender.Loop INLINE = new Lane(Runnable::run, () -> true);

    @AfterEach
    void stop() {
        eventLoop.shutdownNow();
    }

    /**
     * A socket with room for {@code room} frames handed to it and not yet read by the client (unflushed ones count too,
     * as they do against Netty's water mark). A reading client reads whatever is flushed at once; a stalled one reads
     * only when the test says so ({@link #read}).
     */
    private static final class Socket implements OrderedSender.Transport {
        final List<String> handedOver = new ArrayList<>();
        final List<String> sent = new ArrayList<>();
        final ConcurrentLinkedQueue<String> writerThreads = new ConcurrentLinkedQueue<>();
        int room = Integer.MAX_VALUE;
        boolean clientReads = true;
        int unread;
        int flushes;
        boolean closed;
        Runnable onWritable = () -> { };

        @Override
        public boolean writable() {
            return handedOver.size() - sent.size() + unread < room;
        }

        @Override
        public boolean write(String frame, SharedFrame shared) {
            if (closed) {
                return false;
            }
            handedOver.add(frame);
            writerThreads.add(Thread.currentThread().getName());
            return true;
        }

        @Override
        public void flush() {
            flushes++;
            if (!clientReads) {
                unread += handedOver.size() - sent.size();
            }
            sent.addAll(handedOver.subList(sent.size(), handedOver.size()));
        }

        @Override
        public void onWritable(Runnable listener) {
            onWritable = listener;
        }

        /** A client that does not read: {@code room} frames fit, then nothing. */
        Socket stalled(int room) {
            this.room = room;
            clientReads = false;
            return this;
        }

        /** The stalled client reads everything sent, with room for {@code room} more from now on. */
        void read(int room) {
            boolean was = writable();
            this.room = room;
            unread = 0;
            if (!was && writable()) {
                onWritable.run();
            }
        }
    }

    @Test
    void framesFromManyThreadsAreWrittenInQueueOrderOnTheEventLoop() throws InterruptedException {
        Socket socket = new Socket();
        OrderedSender sender = new OrderedSender(new Lane(eventLoop,
                () -> Thread.currentThread().getName().equals("event-loop")), synchronizedOn(socket), 100_000);
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

        await().atMost(Duration.ofSeconds(10)).until(() -> sentCount(socket) == producers * perProducer);
        synchronized (socket) {
            assertThat(socket.sent).containsExactlyElementsOf(queued);
            assertThat(socket.writerThreads).containsOnly("event-loop");
        }
    }

    private static int sentCount(Socket socket) {
        synchronized (socket) {
            return socket.sent.size();
        }
    }

    /** The socket as the event loop sees it, readable by the test thread. */
    private static OrderedSender.Transport synchronizedOn(Socket socket) {
        return new OrderedSender.Transport() {
            @Override
            public boolean writable() {
                synchronized (socket) {
                    return socket.writable();
                }
            }

            @Override
            public boolean write(String frame, SharedFrame shared) {
                synchronized (socket) {
                    return socket.write(frame, shared);
                }
            }

            @Override
            public void flush() {
                synchronized (socket) {
                    socket.flush();
                }
            }

            @Override
            public void onWritable(Runnable listener) {
                socket.onWritable(listener);
            }
        };
    }

    @Test
    void onItsLoopAFrameIsWrittenAndFlushedAtOnceWithoutATask() {
        // The fan-out hands a change to each loop once; a task per connection and frame is what it saves.
        AtomicInteger tasks = new AtomicInteger();
        Socket socket = new Socket();
        OrderedSender sender = new OrderedSender(new Lane(task -> {
            tasks.incrementAndGet();
            task.run();
        }, () -> true), socket, 10);

        for (int seq = 1; seq <= 3; seq++) {
            assertThat(sender.send(Frame.change(seq, "c" + seq))).isEqualTo(Outcome.QUEUED);
        }

        assertThat(socket.sent).containsExactly("c1", "c2", "c3");
        assertThat(tasks).hasValue(0);
        assertThat(sender.lastWrittenSeq()).isEqualTo(3);
    }

    /** A loop in the middle of a fan-out batch: it flushes the senders that wrote when the batch ends. */
    private static final class BatchingLoop implements OrderedSender.Loop {
        final List<OrderedSender> toFlush = new ArrayList<>();

        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public boolean isCurrent() {
            return true;
        }

        @Override
        public void flushSoon(OrderedSender sender) {
            toFlush.add(sender);
        }

        void endBatch() {
            toFlush.forEach(OrderedSender::flush);
            toFlush.clear();
        }
    }

    @Test
    void inABatchSeveralFramesGoOutInOneFlush() {
        BatchingLoop loop = new BatchingLoop();
        Socket socket = new Socket();
        OrderedSender sender = new OrderedSender(loop, socket, 10);

        sender.send(Frame.change(1, "c1"));
        sender.send(Frame.change(2, "c2"));
        sender.send(Frame.reply("ack"));
        assertThat(socket.handedOver).containsExactly("c1", "c2", "ack");
        assertThat(socket.sent).isEmpty();
        assertThat(loop.toFlush).as("asked to be flushed once").hasSize(1);

        loop.endBatch();
        assertThat(socket.sent).containsExactly("c1", "c2", "ack");
        assertThat(socket.flushes).isEqualTo(1);
    }

    @Test
    void whatABatchHandedOverUnflushedIsSentBeforeFramesAreHeldBack() {
        // The water mark counts what waits unflushed too: a long batch must not look like a slow client.
        BatchingLoop loop = new BatchingLoop();
        Socket socket = new Socket();
        socket.room = 3;
        OrderedSender sender = new OrderedSender(loop, socket, 10);

        for (int seq = 1; seq <= 5; seq++) {
            sender.send(Frame.change(seq, "c" + seq));
        }
        assertThat(socket.handedOver).as("none held back").containsExactly("c1", "c2", "c3", "c4", "c5");
        assertThat(socket.sent).as("flushed when the water mark was reached").containsExactly("c1", "c2", "c3");
        assertThat(sender.waiting()).isZero();

        loop.endBatch();
        assertThat(socket.sent).containsExactly("c1", "c2", "c3", "c4", "c5");
    }

    @Test
    void whileTheSocketTakesNoMoreFramesWaitAndGoOnWhenItDoes() {
        Socket socket = new Socket().stalled(0);
        OrderedSender sender = new OrderedSender(INLINE, socket, 10);

        sender.send(Frame.change(1, "c1"));
        sender.send(Frame.reply("ack"));
        sender.send(Frame.change(2, "c2"));
        assertThat(socket.handedOver).isEmpty();
        assertThat(sender.waiting()).isEqualTo(3);

        socket.read(10);
        assertThat(socket.sent).containsExactly("c1", "ack", "c2");
        assertThat(socket.flushes).as("one flush for the whole queue").isEqualTo(1);
        assertThat(sender.waiting()).isZero();
        assertThat(sender.lastWrittenSeq()).isEqualTo(2);
    }

    @Test
    void anOverflowDropsTheWaitingChangesButKeepsTheReplies() {
        Socket socket = new Socket().stalled(1);
        OrderedSender sender = new OrderedSender(INLINE, socket, 3);
        assertThat(sender.send(Frame.change(1, "c1"))).as("written at once").isEqualTo(Outcome.QUEUED);
        assertThat(sender.send(Frame.change(2, "c2"))).isEqualTo(Outcome.QUEUED);
        assertThat(sender.send(Frame.reply("ack r1"))).isEqualTo(Outcome.QUEUED);
        assertThat(sender.send(Frame.change(3, "c3"))).isEqualTo(Outcome.QUEUED);

        assertThat(sender.send(Frame.change(4, "c4"))).isEqualTo(Outcome.OVERFLOWED);
        assertThat(sender.waiting()).as("only the reply is left").isEqualTo(1);
        assertThat(sender.send(Frame.reply("ack r2"))).isEqualTo(Outcome.QUEUED);
        assertThat(sender.isClosed()).isFalse();

        socket.read(10);
        assertThat(socket.sent).containsExactly("c1", "ack r1", "ack r2");
        assertThat(sender.lastWrittenSeq()).isEqualTo(1);
    }

    @Test
    void aQueueFullOfRepliesAloneClosesTheSender() {
        OrderedSender sender = new OrderedSender(INLINE, new Socket().stalled(0), 2);
        sender.send(Frame.reply("waiting 1"));
        sender.send(Frame.reply("waiting 2"));

        assertThat(sender.send(Frame.reply("one too many"))).isEqualTo(Outcome.FULL);
        assertThat(sender.isClosed()).isTrue();
        assertThat(sender.waiting()).isZero();
        assertThat(sender.send(Frame.change(9, "dropped"))).as("a closed sender drops frames quietly")
                .isEqualTo(Outcome.QUEUED);
    }

    @Test
    void tellsWhenEverythingQueuedIsHandedOverAndTheSocketTakesMore() {
        Socket socket = new Socket().stalled(0);
        OrderedSender sender = new OrderedSender(INLINE, socket, 10);
        AtomicInteger drained = new AtomicInteger();
        sender.send(Frame.change(1, "c1"));
        sender.send(Frame.change(2, "c2"));

        sender.whenDrained(drained::incrementAndGet);
        assertThat(drained).hasValue(0);

        socket.read(2);
        assertThat(socket.sent).containsExactly("c1", "c2");
        assertThat(drained).as("handed over, but the socket is full with them").hasValue(0);

        socket.read(2);
        assertThat(drained).hasValue(1);
        assertThat(sender.lastWrittenSeq()).isEqualTo(2);

        sender.whenDrained(drained::incrementAndGet);
        assertThat(drained).as("already drained: at once").hasValue(2);
    }

    @Test
    void aResumeDropsTheWaitingChangesOnly() {
        Socket socket = new Socket().stalled(0);
        OrderedSender sender = new OrderedSender(INLINE, socket, 10);
        sender.send(Frame.change(1, "c1"));
        sender.send(Frame.change(2, "c2"));
        sender.send(Frame.reply("ack"));
        sender.send(Frame.change(3, "c3"));

        sender.dropWaitingState();

        socket.read(10);
        assertThat(socket.sent).containsExactly("ack");
    }

    @Test
    void closesWhenTheWebSocketIsClosed() {
        Socket socket = new Socket();
        socket.closed = true;
        AtomicInteger drained = new AtomicInteger();
        OrderedSender sender = new OrderedSender(INLINE, socket, 10);
        sender.send(Frame.change(1, "lost"));
        sender.whenDrained(drained::incrementAndGet);

        assertThat(sender.isClosed()).isTrue();
        assertThat(sender.send(Frame.change(2, "dropped"))).isEqualTo(Outcome.QUEUED);
        assertThat(socket.handedOver).isEmpty();
        assertThat(drained).as("a closed sender never drains").hasValue(0);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
