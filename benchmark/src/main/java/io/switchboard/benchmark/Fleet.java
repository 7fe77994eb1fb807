package io.switchboard.benchmark;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many WebSocket clients on two event loops (not a thread per socket): what lets one JVM hold ten thousand agents.
 * The same client code subscribes to the gateway and to Nchan, so both are measured the same way.
 */
final class Fleet implements AutoCloseable {
    /** One socket's frames, on its event loop: keep it quick. */
    interface Frames {
        void onText(Socket socket, String text, long arrivedNanos);
    }

    /** One client socket; {@code owner} is whatever the caller hangs on it (an agent). */
    static final class Socket {
        final Object owner;
        volatile WebSocket ws;

        Socket(Object owner) {
            this.owner = owner;
        }

        void send(String text) {
            WebSocket socket = ws;
            if (socket != null && !socket.isClosed()) {
                socket.writeTextMessage(text);
            }
        }

        boolean open() {
            WebSocket socket = ws;
            return socket != null && !socket.isClosed();
        }
    }

    final Vertx vertx;
    private final WebSocketClient client;
    final AtomicInteger closedUnexpectedly = new AtomicInteger();
    private volatile boolean closing;

    Fleet(int eventLoops) {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops).setWorkerPoolSize(2)
                .setBlockedThreadCheckInterval(10_000));
        client = vertx.createWebSocketClient(new WebSocketClientOptions()
                // Vert.x allows 50 sockets per server by default.
                .setMaxConnections(100_000)
                // A snapshot of a big tenant lists every agent.
                .setMaxMessageSize(64 * 1024 * 1024)
                .setMaxFrameSize(1024 * 1024)
                .setConnectTimeout(30_000)
                .setIdleTimeout(0));
    }

    /**
     * Opens {@code sockets} to {@code uri(socket)}, at most {@code parallel} handshakes at a time; returns how many
     * opened within {@code timeout}.
     */
    int connect(List<Socket> sockets, int port, java.util.function.Function<Socket, String> uri, Frames frames,
            int parallel, Duration timeout) throws InterruptedException {
        Semaphore slots = new Semaphore(parallel);
        AtomicInteger opened = new AtomicInteger();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Socket socket : sockets) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !slots.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                break;
            }
            client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri.apply(socket)))
                    .onComplete(result -> {
                        if (result.succeeded()) {
                            WebSocket ws = result.result();
                            ws.textMessageHandler(text -> frames.onText(socket, text, System.nanoTime()));
                            ws.closeHandler(ignored -> {
                                if (!closing) {
                                    closedUnexpectedly.incrementAndGet();
                                }
                            });
                            socket.ws = ws;
                            opened.incrementAndGet();
                        }
                        slots.release(); // last: once every slot is back, every outcome is counted
                    });
        }
        long left = deadline - System.nanoTime();
        slots.tryAcquire(parallel, Math.max(0, left), TimeUnit.NANOSECONDS);
        return opened.get();
    }

    /** Closes every socket and waits (bounded) for the closes. */
    void closeAll(List<Socket> sockets) {
        closing = true;
        CompletableFuture<?>[] closes = sockets.stream().filter(Socket::open)
                .map(s -> s.ws.close().toCompletionStage().toCompletableFuture().exceptionally(e -> null))
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(closes).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // whatever did not close goes with the event loops
        }
        closing = false;
    }

    @Override
    public void close() {
        closing = true;
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort
        }
    }
}
