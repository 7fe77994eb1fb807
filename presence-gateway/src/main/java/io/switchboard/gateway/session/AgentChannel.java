package io.switchboard.gateway.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.switchboard.gateway.domain.CloseCause;
import io.vertx.core.Context;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * An agent's socket below websockets-next: the one class of the gateway that touches Netty and Vert.x internals.
 * Everything else about the socket (the upgrade and its token check, commands, pings) goes through websockets-next.
 *
 * <p><b>Writes.</b> The fan-out writes every change to every screen, so its frames go straight into the connection's
 * Netty channel, at the point where Vert.x writes its own WebSocket frames, rather than through websockets-next's
 * {@code sendText}: a profile of the gateway put a third of its samples in what wraps each {@code sendText} (a Mutiny
 * {@code Uni}, the context propagation that decorates it, a {@code CompletableFuture} and a Vert.x future, all to learn
 * that the frame was written). Here nothing waits for a write: each goes with a void promise, and a write that fails
 * closes the channel (Netty does), which ends the connection through its close handler. A change is encoded once for
 * every connection ({@link SharedFrame}); a frame of one connection alone is a final text frame that goes through the
 * WebSocket encoder. Everything runs on the connection's event loop, so it stays in order with what Vert.x writes there
 * (pongs, the close frame). A frame is written only while Vert.x has neither sent nor received a close frame, as its
 * own {@code writeFrame} checks: no data may follow a close (RFC 6455, 5.5.1).
 *
 * <p><b>Back-pressure</b> is the channel's writability: Netty's outbound buffer against its write-buffer water marks
 * (Netty's defaults, 32 and 64 KiB), told by {@code channelWritabilityChanged}.
 *
 * <p><b>Closing.</b> A close goes through websockets-next; a peer that does not answer it is dropped here.
 *
 * <p>It leans on {@code io.vertx.core.net.impl.ConnectionBase} and {@code ContextInternal}, internal classes, so a
 * Quarkus upgrade must run the gateway's tests (they cover the direct write, a big frame that goes through
 * websockets-next between two that do not, slow clients and dropped peers). Where Vert.x shows no channel (never for an
 * HTTP/1.1 upgrade), every frame goes through websockets-next, without back-pressure.
 */
final class AgentChannel implements OrderedSender.Transport {

    /** An event loop: where a connection's writes run. {@code key} is the same for every connection it serves. */
    record EventLoop(Object key, Executor executor, BooleanSupplier isCurrent) {
    }

    private final WebSocketConnection connection;
    private final HttpConnection transport;
    private final ConnectionBase tcp;
    private final ChannelHandlerContext channel;
    private final ChannelPromise noAnswer;
    private final Runnable onWritten;

    /**
     * @param transport the TCP connection under the socket (from the upgrade)
     * @param onWritten told after each frame handed to the socket
     */
    AgentChannel(WebSocketConnection connection, HttpConnection transport, Runnable onWritten) {
        this.connection = connection;
        this.transport = transport;
        this.tcp = transport instanceof ConnectionBase base ? base : null;
        this.channel = tcp == null ? null : tcp.channelHandlerContext();
        // Failures are not reported to it (false): the channel closes on a failed write, which is what tells.
        this.noAnswer = tcp == null ? null : new VoidChannelPromise(channel.channel(), false);
        this.onWritten = onWritten;
    }

    /** The event loop that runs {@code context} (every connection has a context of its own, a duplicate of it). */
    static EventLoop eventLoopOf(Context context) {
        ContextInternal loop = ((ContextInternal) context).unwrap();
        io.netty.channel.EventLoop netty = loop.nettyEventLoop();
        return new EventLoop(netty, task -> loop.runOnContext(ignored -> task.run()), netty::inEventLoop);
    }

    @Override
    public boolean writable() {
        return channel == null || channel.channel().isWritable();
    }

    @Override
    public boolean write(String frame, SharedFrame shared) {
        if (channel == null || shared == null && ByteBufUtil.utf8Bytes(frame) > SharedFrame.MAX_PAYLOAD) {
            return send(frame);
        }
        return write(shared != null ? shared.forOneWrite() : new TextWebSocketFrame(frame));
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

    /** websockets-next's send: it cuts a frame too big for one WebSocket frame into several (on the loop: in order). */
    private boolean send(String frame) {
        if (connection.isClosed()) {
            return false;
        }
        connection.sendText(frame).subscribe().with(ok -> onWritten.run(), failure -> {
            // The connection is gone or going; its close handler cleans up.
        });
        return true;
    }

    @Override
    public void flush() {
        if (channel != null) {
            channel.flush();
        }
    }

    @Override
    public void onWritable(Runnable listener) {
        if (channel == null) {
            return;
        }
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

    /** Sends the close frame with {@code cause}'s code and reason (nothing if the socket is closed already). */
    Uni<Void> close(CloseCause cause) {
        return connection.isClosed() ? Uni.createFrom().voidItem()
                : connection.close(new CloseReason(cause.code(), cause.message()));
    }

    /**
     * Closes the TCP connection now, discarding what waits to be written. Vert.x's public {@code close()} (and a close
     * of the Netty channel, which passes through Vert.x's handler) first flushes what is queued, which for a peer that
     * reads nothing means never. Closing from Vert.x's own handler context goes straight to the socket, as Vert.x
     * itself does when a WebSocket's closing timeout runs out; with SO_LINGER 0 the kernel discards the unsent bytes
     * too (the peer sees a reset, which is the truth).
     */
    void drop() {
        if (tcp != null) {
            tcp.channel().config().setOption(ChannelOption.SO_LINGER, 0);
            channel.close();
        } else if (transport != null) {
            transport.close();
        }
    }

    /**
     * One change's whole WebSocket frame, header and UTF-8 payload, encoded once for every connection it goes to. Each
     * write hands the channel a duplicate that shares these bytes ({@link ByteBuf#retainedDuplicate()}, the way Netty's
     * own broadcast, {@code DefaultChannelGroup.writeAndFlush}, shares one buffer), so no connection encodes, allocates
     * or copies a frame of its own. The bytes are in direct memory, which the socket writes from without a copy.
     *
     * <p>Reference-counted: whoever holds a {@code SharedFrame} holds one reference and releases it; each write holds
     * one more until Netty has written it. Only the fan-out holds one, for as long as it hands the change out (see
     * {@link Lane}); frames that wait (a slow client's queue, held changes, the resume buffer) keep the text instead.
     *
     * <p>The header is written here rather than by Netty's WebSocket encoder because that encoder is a pipeline
     * handler, one per connection: encoding once for every connection needs the frame's bytes outside any pipeline.
     * A server's frame is unmasked, so the header is RFC 6455's two or four bytes (5.2): FIN and the text opcode, then
     * the length. RSV1 is clear: the frame is not compressed, which is valid whatever extension a client negotiated
     * (RFC 7692, 6).
     */
    static final class SharedFrame {
        /**
         * Frames with a payload up to this size go out whole, as one frame: under the 64 KiB a client's frame limit
         * commonly defaults to. A bigger one (a big centre's change) is not shared: it goes through websockets-next,
         * which cuts it into frames of {@code quarkus.websockets-next.server.max-frame-size}.
         */
        static final int MAX_PAYLOAD = 48 * 1024;

        private static final int FIN_TEXT = 0x81;
        private static final int LENGTH_16 = 126;

        private final ByteBuf frame;

        private SharedFrame(ByteBuf frame) {
            this.frame = frame;
        }

        /** @return the frame, or null when its payload is over {@link #MAX_PAYLOAD} */
        static SharedFrame encode(String text) {
            int length = ByteBufUtil.utf8Bytes(text);
            if (length > MAX_PAYLOAD) {
                return null;
            }
            int header = length < LENGTH_16 ? 2 : 4;
            ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(header + length);
            frame.writeByte(FIN_TEXT);
            if (length < LENGTH_16) {
                frame.writeByte(length);
            } else {
                frame.writeByte(LENGTH_16);
                frame.writeShort(length);
            }
            ByteBufUtil.writeUtf8(frame, text);
            return new SharedFrame(frame);
        }

        /** One more holder. */
        SharedFrame retain() {
            frame.retain();
            return this;
        }

        void release() {
            frame.release();
        }

        /** What one write hands the channel: the same bytes, with a reference the channel releases once written. */
        ByteBuf forOneWrite() {
            return frame.retainedDuplicate();
        }
    }
}
