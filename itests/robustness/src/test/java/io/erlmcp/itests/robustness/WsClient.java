// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A hand-written WebSocket client (RFC 6455) on a raw socket: the upgrade request, masked frames, and any frame
 * the tests need to send wrong. Until {@link #startReading()} frames are read only when asked for, on the caller's
 * thread (a slow reader reads its handshake answer and then nothing); after it a daemon thread reads them into a
 * queue. The end of the connection is the frame {@link #END}.
 */
final class WsClient implements AutoCloseable {

    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CONTINUATION = 0x0;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** A frame from the server; {@code opcode} -1 is the end of the connection. */
    record Frame(int opcode, boolean fin, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** @return the close code of a close frame (1005 when it has none) */
        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    static final Frame END = new Frame(-1, true, new byte[0]);

    final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final DataInputStream data;
    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final List<JsonNode> kept = new ArrayList<>();
    private volatile String endCause = "";
    private Thread pump;

    private WsClient(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
        this.data = new DataInputStream(in);
    }

    /** Connects and upgrades; {@code receiveBuffer} 0 leaves the socket's default. */
    static WsClient connect(int port, int receiveBuffer) throws IOException {
        WsClient c = new WsClient(Loopback.connect(port, receiveBuffer));
        c.out.write(("GET /mcp/ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mcp\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        c.out.flush();
        String head = RawHttp.readHead(c.in);
        assertThat(head).as("upgrade answer").startsWith("HTTP/1.1 101");
        return c;
    }

    /** Sends one masked frame. */
    void frame(boolean fin, int opcode, byte[] payload) throws IOException {
        header(fin, opcode, payload.length, true);
        byte[] key = maskKey;
        byte[] masked = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) {
            masked[i] = (byte) (payload[i] ^ key[i & 3]);
        }
        out.write(masked);
        out.flush();
    }

    void text(String json) throws IOException {
        frame(true, TEXT, json.getBytes(StandardCharsets.UTF_8));
    }

    private byte[] maskKey = new byte[4];

    /** Sends only a frame header (masked unless {@code masked} is false); the payload is up to the caller. */
    void header(boolean fin, int opcode, long length, boolean masked) throws IOException {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        h.write((fin ? 0x80 : 0) | opcode);
        int mask = masked ? 0x80 : 0;
        if (length < 126) {
            h.write(mask | (int) length);
        } else if (length < 65536) {
            h.write(mask | 126);
            h.write((int) (length >> 8));
            h.write((int) length);
        } else {
            h.write(mask | 127);
            for (int i = 7; i >= 0; i--) {
                h.write((int) (length >> (8 * i)));
            }
        }
        if (masked) {
            maskKey = new byte[4];
            ThreadLocalRandom.current().nextBytes(maskKey);
            h.write(maskKey);
        }
        out.write(h.toByteArray());
        out.flush();
    }

    /** Raw bytes on the connection (payload of an announced frame, or garbage). */
    void raw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    synchronized WsClient startReading() {
        if (pump == null) {
            pump = new Thread(this::pump, "robustness-ws");
            pump.setDaemon(true);
            pump.start();
        }
        return this;
    }

    private void pump() {
        Frame f;
        do {
            f = readFrame();
            frames.add(f);
        } while (f != END);
    }

    /** Reads one frame from the socket (nothing more); {@link #END} when the connection ends. */
    private Frame readFrame() {
        try {
            int b0 = data.read();
            if (b0 < 0) {
                endCause = "end of input";
                return END;
            }
            int b1 = data.readUnsignedByte();
            long length = b1 & 0x7f;
            if (length == 126) {
                length = data.readUnsignedShort();
            } else if (length == 127) {
                length = data.readLong();
            }
            byte[] payload = new byte[(int) length];
            data.readFully(payload);
            return new Frame(b0 & 0x0f, (b0 & 0x80) != 0, payload);
        } catch (IOException e) {
            endCause = e.toString();
            return END;
        }
    }

    /** Puts a frame back so the next read returns it first. */
    void pushBack(Frame f) {
        java.util.List<Frame> rest = new java.util.ArrayList<>();
        frames.drainTo(rest);
        frames.add(f);
        frames.addAll(rest);
    }

    /**
     * @return the next frame, {@link #END}, or null after {@code millis} without one. Before
     *         {@link #startReading()} it reads one frame on the caller's thread, bounded by the socket's timeout.
     */
    Frame next(long millis) throws InterruptedException {
        synchronized (this) {
            if (pump == null) {
                return readFrame();
            }
        }
        return frames.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** Reads frames until a close frame or the end; returns the close code, or -1 when the connection just ended. */
    int awaitClose(long millis) throws InterruptedException {
        startReading();
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            Frame f = left > 0 ? next(left) : null;
            if (f == null) {
                throw new AssertionError("the server did not close the connection within " + millis + " ms");
            }
            if (f.opcode() == CLOSE) {
                return f.closeCode();
            }
            if (f == END) {
                return -1;
            }
        }
    }

    /** Counts text frames until the connection closes or ends. */
    int countUntilClosed(long millis) throws InterruptedException {
        startReading();
        long deadline = System.nanoTime() + millis * 1_000_000L;
        int texts = 0;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            Frame f = left > 0 ? next(left) : null;
            if (f == null) {
                throw new AssertionError("the server did not end the connection within " + millis + " ms");
            }
            if (f == END || f.opcode() == CLOSE) {
                return texts;
            }
            if (f.opcode() == TEXT) {
                texts++;
            }
        }
    }

    /** The first JSON-RPC message (kept or read now) matching {@code test}; answers pings on the way. */
    JsonNode await(Predicate<JsonNode> test, long millis, String what) throws Exception {
        for (Iterator<JsonNode> i = kept.iterator(); i.hasNext();) {
            JsonNode m = i.next();
            if (test.test(m)) {
                i.remove();
                return m;
            }
        }
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            Frame f = left > 0 ? next(left) : null;
            if (f == null) {
                throw new AssertionError("no " + what + " within " + millis + " ms");
            }
            if (f == END || f.opcode() == CLOSE) {
                throw new AssertionError("connection closed (" + (f == END ? endCause : "close " + f.closeCode())
                        + ") before " + what);
            }
            if (f.opcode() == PING) {
                frame(true, PONG, f.payload());
                continue;
            }
            if (f.opcode() != TEXT) {
                continue;
            }
            JsonNode m = Mcp.parse(f.payload());
            if (test.test(m)) {
                return m;
            }
            kept.add(m);
        }
    }

    JsonNode response(long id, long millis) throws Exception {
        return await(m -> m.path("id").asLong(-1) == id && !m.has("method"), millis, "response to " + id);
    }

    JsonNode handshake() throws Exception {
        text(Mcp.initialize(1));
        JsonNode init = response(1, 10_000);
        text(Mcp.initialized());
        return init;
    }

    String endCause() {
        return endCause;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
