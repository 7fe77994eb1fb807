package io.switchboard.gateway.session;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.function.Consumer;

/**
 * Writes a connection's frames into its Netty channel at the point where Vert.x writes its own WebSocket frames,
 * rather than through websockets-next's {@code sendText}.
 *
 * <p>Why: the fan-out writes every change to every screen, and a profile of the gateway put a third of its samples
 * in what wraps each write: a Mutiny {@code Uni}, the context propagation that decorates it, a
 * {@code CompletableFuture} and a Vert.x future, all to learn that the frame was written. Without them a frame costs
 * 8–17 % less CPU (docs/benchmarks.md, tuning log). The frame itself is the same: a final text frame, which goes through the same pipeline (the WebSocket
 * encoder, any compression) to the same socket, on the connection's event loop, so it stays in order with what Vert.x
 * writes there (pongs, the close frame).
 *
 * <p>A frame is written only while Vert.x has neither sent nor received a close frame, as its own {@code writeFrame}
 * checks: no data may follow a close (RFC 6455, 5.5.1). A frame too big for one WebSocket frame of every client (a
 * snapshot of a big centre) goes through websockets-next, which cuts it into frames of
 * {@code quarkus.websockets-next.server.max-frame-size}.
 */
final class ChannelFrames implements OrderedSender.Transport {
    /** Up to this many chars, a frame is at most 48 KiB of UTF-8: under the 64 KiB a client's frame limit defaults to. */
    static final int MAX_DIRECT_CHARS = 16 * 1024;

    private static final IllegalStateException CLOSED = new IllegalStateException("the WebSocket is closed") {
        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // a routine outcome, shared: no stack to fill
        }
    };

    private final WebSocketConnection connection;
    private final ChannelHandlerContext channel;
    private final Runnable onWritten;

    private ChannelFrames(WebSocketConnection connection, ChannelHandlerContext channel, Runnable onWritten) {
        this.connection = connection;
        this.channel = channel;
        this.onWritten = onWritten;
    }

    /**
     * The transport for {@code connection}: straight into the channel when Vert.x shows it (an HTTP/1.1 upgrade
     * does), otherwise websockets-next's own send for every frame.
     *
     * @param onWritten told after each frame written
     */
    static OrderedSender.Transport of(WebSocketConnection connection, HttpConnection transport, Runnable onWritten) {
        if (transport instanceof ConnectionBase tcp) {
            return new ChannelFrames(connection, tcp.channelHandlerContext(), onWritten);
        }
        return (frame, written) -> send(connection, frame, written, onWritten);
    }

    @Override
    public void write(String frame, Consumer<Throwable> written) {
        if (frame.length() > MAX_DIRECT_CHARS) {
            send(connection, frame, written, onWritten);
            return;
        }
        if (connection.isClosed()) {
            written.accept(CLOSED);
            return;
        }
        channel.writeAndFlush(new TextWebSocketFrame(frame)).addListener(result -> {
            if (result.isSuccess()) {
                onWritten.run();
            }
            written.accept(result.cause());
        });
    }

    private static void send(WebSocketConnection connection, String frame, Consumer<Throwable> written,
            Runnable onWritten) {
        connection.sendText(frame).subscribe().with(
                ok -> {
                    onWritten.run();
                    written.accept(null);
                },
                written);
    }
}
