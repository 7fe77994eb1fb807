package io.switchboard.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * An agent's socket spoken by hand (RFC 6455 over a plain TCP socket), for clients a real browser would not be: one
 * that stops reading, or never answers a ping. Nothing is read unless the test calls {@link #next}, so the server's
 * frames pile up in the (deliberately small) TCP buffers exactly as they would for a stalled client.
 */
public final class RawAgentSocket implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int TEXT = 0x1;
    private static final int BINARY = 0x2;
    private static final int CONTINUATION = 0x0;
    private static final int CLOSE = 0x8;
    private static final int PING = 0x9;
    private static final int PONG = 0xA;

    /** One message from the server: a whole text message, or a control frame. */
    public record Message(int opcode, String text, int closeCode) {
        public boolean isText() {
            return opcode == TEXT;
        }

        public boolean isClose() {
            return opcode == CLOSE;
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private volatile boolean answerPings;
    private String upgradeAnswer;

    private RawAgentSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /**
     * Opens the socket with {@code ?access_token=} and a receive buffer of {@code receiveBuffer} bytes.
     *
     * @param answerPings whether it answers pings while it reads (it answers nothing while it does not read)
     */
    public static RawAgentSocket connect(URI base, String token, int receiveBuffer, boolean answerPings) {
        return connect(base, token, receiveBuffer, answerPings, "");
    }

    /**
     * Opens the socket as {@link #connect(URI, String, int, boolean)} does, with more request headers.
     *
     * @param headers header lines to add to the upgrade request, each ending in CRLF
     */
    public static RawAgentSocket connect(URI base, String token, int receiveBuffer, boolean answerPings,
            String headers) {
        try {
            Socket socket = new Socket();
            // Before connecting, so the window the server sees is small from the start.
            socket.setReceiveBufferSize(receiveBuffer);
            socket.connect(new java.net.InetSocketAddress(base.getHost(), base.getPort()), 10_000);
            RawAgentSocket raw = new RawAgentSocket(socket);
            raw.answerPings = answerPings;
            raw.handshake(base, token, headers);
            return raw;
        } catch (IOException e) {
            throw new IllegalStateException("Could not open a raw socket to the gateway", e);
        }
    }

    private void handshake(URI base, String token, String headers) throws IOException {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String request = "GET /agent/ws?access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)
                + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort() + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce)
                + "\r\nSec-WebSocket-Version: 13\r\n" + headers + "\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        socket.setSoTimeout((int) AgentClient.WAIT.toMillis());
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("The gateway closed the connection during the upgrade");
            }
            head.write(b);
        }
        upgradeAnswer = head.toString(StandardCharsets.US_ASCII);
        String status = upgradeAnswer.lines().findFirst().orElse("");
        assertThat(status).as("upgrade answer").contains(" 101 ");
    }

    /** The gateway's answer to the upgrade: status line and headers. */
    public String upgradeAnswer() {
        return upgradeAnswer;
    }

    public void answerPings(boolean answer) {
        this.answerPings = answer;
    }

    /** The next text message, answering pings on the way if told to; fails on a close or after {@code wait}. */
    public String nextText(Duration wait) {
        Message message = next(wait);
        assertThat(message.isText()).as("expected a text message, got %s", message).isTrue();
        return message.text();
    }

    /**
     * The next text message or close frame (pings are answered or skipped, pongs skipped).
     *
     * @throws IllegalStateException when nothing came within {@code wait} or the connection ended
     */
    public Message next(Duration wait) {
        try {
            // Pings keep coming while nothing else does: the wait is for the whole call, not for each read.
            long deadline = System.nanoTime() + wait.toNanos();
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            int messageOpcode = -1;
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new SocketTimeoutException("deadline");
                }
                socket.setSoTimeout((int) left);
                int first = in.readUnsignedByte();
                boolean fin = (first & 0x80) != 0;
                int opcode = first & 0x0F;
                byte[] payload = payload();
                switch (opcode) {
                    case PING -> {
                        if (answerPings) {
                            send(PONG, payload);
                        }
                    }
                    case PONG -> {
                    }
                    case CLOSE -> {
                        int code = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
                        String reason = payload.length > 2
                                ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
                        return new Message(CLOSE, reason, code);
                    }
                    case TEXT, CONTINUATION -> {
                        if (opcode == TEXT) {
                            messageOpcode = TEXT;
                            text.reset();
                        }
                        text.write(payload);
                        if (fin && messageOpcode == TEXT) {
                            return new Message(TEXT, text.toString(StandardCharsets.UTF_8), 0);
                        }
                    }
                    default -> throw new IllegalStateException("Unexpected opcode " + opcode);
                }
            }
        } catch (SocketTimeoutException e) {
            throw new IllegalStateException("Nothing from the gateway within " + wait, e);
        } catch (IOException e) {
            throw new IllegalStateException("The connection ended: " + e, e);
        }
    }

    /**
     * Reads until the connection ends, answering nothing; true when it ended (EOF or reset) within {@code wait}, the
     * close frame if one came on the way.
     */
    public Message readToEnd(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        Message close = null;
        while (System.nanoTime() < deadline) {
            try {
                Message message = next(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
                if (message.isClose()) {
                    close = message;
                }
            } catch (IllegalStateException e) {
                if (e.getCause() instanceof SocketTimeoutException) {
                    throw new IllegalStateException("The connection did not end within " + wait);
                }
                return close != null ? close : new Message(-1, "ended: " + e.getCause(), -1);
            }
        }
        throw new IllegalStateException("The connection did not end within " + wait);
    }

    private byte[] payload() throws IOException {
        int second = in.readUnsignedByte();
        long length = second & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[Math.toIntExact(length)];
        in.readFully(payload);
        return payload;
    }

    public void sendText(String text) {
        try {
            send(TEXT, text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A binary frame: the protocol has none. */
    public void sendBinary(byte[] payload) {
        try {
            send(BINARY, payload);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A text frame of any bytes, valid UTF-8 or not. */
    public void sendTextBytes(byte[] payload) {
        try {
            send(TEXT, payload);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client frame: always masked (RFC 6455 5.3). */
    private synchronized void send(int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x80 | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xFF);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift) & 0xFF);
            }
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
