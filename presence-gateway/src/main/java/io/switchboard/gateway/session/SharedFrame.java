package io.switchboard.gateway.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * One change's whole WebSocket frame, header and UTF-8 payload, encoded once for every connection it goes to. Each
 * write hands the channel a duplicate that shares these bytes ({@link ByteBuf#retainedDuplicate()}, the way Netty's
 * own broadcast, {@code DefaultChannelGroup.writeAndFlush}, shares one buffer), so no connection encodes, allocates or
 * copies a frame of its own. The bytes are in direct memory, which the socket writes from without a copy.
 *
 * <p>Reference-counted: whoever holds a {@code SharedFrame} holds one reference and releases it; each write holds one
 * more until Netty has written it. Only the fan-out holds one, for as long as it hands the change out (see
 * {@link Lane}); frames that wait (a slow client's queue, held changes, the resume buffer) keep the text instead.
 *
 * <p>The header is written here rather than by Netty's WebSocket encoder because that encoder is a pipeline handler,
 * one per connection: encoding once for every connection needs the frame's bytes outside any pipeline. A server's
 * frame is unmasked, so the header is RFC 6455's two or four bytes (5.2): FIN and the text opcode, then the length. RSV1
 * is clear, so the frame is valid on a connection that negotiated compression too: it is simply not compressed
 * (RFC 7692, 6).
 */
final class SharedFrame {
    /**
     * Frames with a payload up to this size go out whole, as one frame: under the 64 KiB a client's frame limit commonly
     * defaults to. A bigger one (a big centre's change) is not shared: it goes through websockets-next, which cuts it
     * into frames of {@code quarkus.websockets-next.server.max-frame-size}.
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
