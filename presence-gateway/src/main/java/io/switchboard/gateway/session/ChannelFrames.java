package io.switchboard.gateway.session;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * A connection's socket as its {@link OrderedSender} sees it: frames go into its Netty channel at the point where
 * Vert.x writes its own WebSocket frames, rather than through websockets-next's {@code sendText}, and the channel's
 * writability is the back-pressure.
 *
 * <p>Why: the fan-out writes every change to every screen, and a profile of the gateway put a third of its samples in
 * what wraps each {@code sendText}: a Mutiny {@code Uni}, the context propagation that decorates it, a
 * {@code CompletableFuture} and a Vert.x future, all to learn that the frame was written. Here nothing waits for a
 * write: each goes with a void promise, and a write that fails closes the channel (Netty does), which ends the
 * connection through its close handler. A shared frame ({@link SharedFrame}) is written as the bytes it already is; a
 * frame of this connection alone is a final text frame that goes through the WebSocket encoder (and any compression).
 * Everything runs on the connection's event loop, so it stays in order with what Vert.x writes there (pongs, the close
 * frame).
 *
 * <p>A frame is written only while Vert.x has neither sent nor received a close frame, as its own {@code writeFrame}
 * checks: no data may follow a close (RFC 6455, 5.5.1). A frame over {@link SharedFrame#MAX_PAYLOAD} (a snapshot of a
 * big centre) goes through websockets-next, which cuts it into frames of
 * {@code quarkus.websockets-next.server.max-frame-size}.
 */
final class ChannelFrames implements OrderedSender.Transport {
    private final WebSocketConnection connection;
    private final ChannelHandlerContext channel;
    private final ChannelPromise noAnswer;
    private final Runnable onWritten;

    private ChannelFrames(WebSocketConnection connection, ChannelHandlerContext channel, Runnable onWritten) {
        this.connection = connection;
        this.channel = channel;
        // Failures are not reported to it (false): the channel closes on a failed write, which is what tells.
        this.noAnswer = new VoidChannelPromise(channel.channel(), false);
        this.onWritten = onWritten;
    }

    /**
     * The socket of {@code connection}: its channel when Vert.x shows it (an HTTP/1.1 upgrade does), otherwise
     * websockets-next's own send for every frame.
     *
     * @param onWritten told after each frame handed to the socket
     */
    static OrderedSender.Transport of(WebSocketConnection connection, HttpConnection transport, Runnable onWritten) {
        if (transport instanceof ConnectionBase tcp) {
            return new ChannelFrames(connection, tcp.channelHandlerContext(), onWritten);
        }
        return new ThroughWebSockets(connection, onWritten);
    }

    @Override
    public boolean writable() {
        return channel.channel().isWritable();
    }

    @Override
    public boolean write(String frame, SharedFrame shared) {
        if (shared != null) {
            return write(shared.forOneWrite());
        }
        if (ByteBufUtil.utf8Bytes(frame) > SharedFrame.MAX_PAYLOAD) {
            return send(connection, frame, onWritten);
        }
        return write(new TextWebSocketFrame(frame));
    }

    private boolean write(Object frame) {
        if (connection.isClosed()) {
            ReferenceCountUtil.release(frame);
            return false;
        }
        channel.write(frame, noAnswer);
        onWritten.run();
        return true;
    }

    @Override
    public void flush() {
        channel.flush();
    }

    @Override
    public void onWritable(Runnable listener) {
        // Before Vert.x's own handler, which takes the event and does not pass it on.
        channel.pipeline().addBefore(channel.name(), null, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelWritabilityChanged(ChannelHandlerContext context) {
                if (context.channel().isWritable()) {
                    listener.run();
                }
                context.fireChannelWritabilityChanged();
            }
        });
    }

    /** websockets-next's send, for a frame too big for one WebSocket frame (written on the loop, so in order). */
    private static boolean send(WebSocketConnection connection, String frame, Runnable onWritten) {
        if (connection.isClosed()) {
            return false;
        }
        connection.sendText(frame).subscribe().with(ok -> onWritten.run(), failure -> {
            // The connection is gone or going; its close handler cleans up.
        });
        return true;
    }

    /** Every frame through websockets-next, where Vert.x shows no channel; it has no writability to tell. */
    private record ThroughWebSockets(WebSocketConnection connection, Runnable onWritten)
            implements OrderedSender.Transport {
        @Override
        public boolean writable() {
            return true;
        }

        @Override
        public boolean write(String frame, SharedFrame shared) {
            return send(connection, frame, onWritten);
        }

        @Override
        public void flush() {
        }

        @Override
        public void onWritable(Runnable listener) {
        }
    }
}
