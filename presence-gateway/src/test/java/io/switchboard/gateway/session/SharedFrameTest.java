package io.switchboard.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.switchboard.gateway.session.AgentChannel.SharedFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SharedFrameTest {

    /** What a client reads from the bytes: Netty's own decoder, as a client that expects unmasked frames uses it. */
    private static String read(ByteBuf bytes) {
        EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 64 * 1024));
        assertThat(client.writeInbound(bytes)).isTrue();
        TextWebSocketFrame frame = client.readInbound();
        try {
            assertThat(frame.isFinalFragment()).isTrue();
            assertThat(frame.rsv()).as("not compressed").isZero();
            return frame.text();
        } finally {
            frame.release();
            assertThat(client.finishAndReleaseAll()).as("one frame, nothing left over").isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 127, 319, 65_535 / 2, SharedFrame.MAX_PAYLOAD})
    void isOneWholeTextFrameOfTheText(int length) {
        String text = "x".repeat(length);
        SharedFrame frame = SharedFrame.encode(text);

        assertThat(read(frame.forOneWrite())).isEqualTo(text);
        frame.release();
    }

    @Test
    void carriesTheTextAsUtf8() {
        String text = "{\"name\":\"Zoë Ødegård 電話\",\"emoji\":\"📞\"}";
        SharedFrame frame = SharedFrame.encode(text);

        assertThat(read(frame.forOneWrite())).isEqualTo(text);
        frame.release();
    }

    @Test
    void everyWriteGetsTheSameBytesUntilTheLastHolderLetsGo() {
        SharedFrame frame = SharedFrame.encode("{\"type\":\"call\"}");
        ByteBuf first = frame.forOneWrite();
        ByteBuf second = frame.forOneWrite();
        frame.release();

        assertThat(read(first)).isEqualTo("{\"type\":\"call\"}");
        assertThat(second.refCnt()).as("still held by the second write").isPositive();
        assertThat(read(second)).isEqualTo("{\"type\":\"call\"}");
        assertThat(second.refCnt()).isZero();
    }

    @Test
    void aTextOverTheLimitIsNotShared() {
        // 3 bytes of UTF-8 a char: over the limit in bytes, not in chars.
        assertThat(SharedFrame.encode("€".repeat(SharedFrame.MAX_PAYLOAD / 3 + 1))).isNull();
    }
}
