package io.switchboard.stack.twilio;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The audio the simulator serves for a recording: a RIFF/WAVE file, PCM, 8 kHz mono 16-bit (a phone call's rate;
 * Twilio's WAV recordings of calls are mono 8 kHz too), holding a quiet 440 Hz tone for exactly the recording's
 * duration, so that a player plays it and a test can read its length from the header. Written a second at a time:
 * an hour's recording is 57 MB, and is never held in memory whole.
 */
final class Wav {
    static final int SAMPLE_RATE = 8_000;
    static final int BITS_PER_SAMPLE = 16;
    static final int CHANNELS = 1;
    private static final int HEADER_BYTES = 44;
    private static final int BYTES_PER_SECOND = SAMPLE_RATE * CHANNELS * BITS_PER_SAMPLE / 8;
    /** 440 whole cycles to the second at 8 kHz: one second of samples repeats seamlessly. */
    private static final byte[] ONE_SECOND = tone(440, 0.1);

    private Wav() {
    }

    /** The file's size in bytes. */
    static long length(long seconds) {
        return HEADER_BYTES + dataBytes(seconds);
    }

    static void write(OutputStream out, long seconds) throws IOException {
        long data = dataBytes(seconds);
        if (data + 36 > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("A WAV file cannot hold " + seconds + " s");
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.put(ascii("RIFF")).putInt((int) (36 + data)).put(ascii("WAVE"));
        header.put(ascii("fmt ")).putInt(16).putShort((short) 1 /* PCM */).putShort((short) CHANNELS)
                .putInt(SAMPLE_RATE).putInt(BYTES_PER_SECOND).putShort((short) (CHANNELS * BITS_PER_SAMPLE / 8))
                .putShort((short) BITS_PER_SAMPLE);
        header.put(ascii("data")).putInt((int) data);
        out.write(header.array());
        for (long s = 0; s < seconds; s++) {
            out.write(ONE_SECOND);
        }
    }

    private static long dataBytes(long seconds) {
        return seconds * BYTES_PER_SECOND;
    }

    private static byte[] tone(int hertz, double loudness) {
        ByteBuffer samples = ByteBuffer.allocate(BYTES_PER_SECOND).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < SAMPLE_RATE; i++) {
            samples.putShort((short) Math.round(Short.MAX_VALUE * loudness * Math.sin(2 * Math.PI * hertz * i
                    / SAMPLE_RATE)));
        }
        return samples.array();
    }

    private static byte[] ascii(String tag) {
        return tag.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
