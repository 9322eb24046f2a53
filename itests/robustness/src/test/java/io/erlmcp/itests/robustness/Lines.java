// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.robustness;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Newline-delimited JSON-RPC over a pair of streams (a TCP socket, a child's stdin/stdout). Until
 * {@link #startReading()} lines are read only when asked for, on the caller's thread: a slow reader reads its
 * handshake answer and then nothing. After it a daemon thread reads lines into a queue; the end of input (or a
 * reset) is the line {@link #EOF}.
 */
final class Lines {

    static final String EOF = "\u0000EOF";

    private final InputStream in;
    private final OutputStream out;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final AtomicLong bytesRead = new AtomicLong();
    private final java.util.List<JsonNode> kept = new java.util.ArrayList<>();
    private volatile String endCause = "";
    private Thread pump;

    Lines(InputStream in, OutputStream out) {
        this.in = in;
        this.out = out;
    }

    void send(String json) throws IOException {
        sendRaw((json + "\n").getBytes(StandardCharsets.UTF_8));
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    synchronized Lines startReading() {
        if (pump == null) {
            pump = new Thread(this::pump, "robustness-lines");
            pump.setDaemon(true);
            pump.start();
        }
        return this;
    }

    private void pump() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buffer = new byte[65536];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                bytesRead.addAndGet(n);
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines.add(line.toString(StandardCharsets.UTF_8));
                        line.reset();
                    } else {
                        line.write(buffer[i]);
                    }
                }
            }
            endCause = "end of input";
        } catch (IOException e) {
            endCause = e.toString();
        }
        lines.add(EOF);
    }

    /**
     * @return the next line, {@link #EOF}, or null after {@code millis} without one. Before
     *         {@link #startReading()} it reads one line on the caller's thread, byte by byte (nothing more is
     *         taken from the stream), bounded by the socket's timeout and not by {@code millis}.
     */
    String next(long millis) throws InterruptedException {
        synchronized (this) {
            if (pump == null) {
                return readLineHere();
            }
        }
        return lines.poll(millis, TimeUnit.MILLISECONDS);
    }

    private String readLineHere() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                line.write(b);
            }
            bytesRead.addAndGet(line.size() + 1L);
            if (b < 0) {
                endCause = "end of input";
                return EOF;
            }
            return line.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            endCause = e.toString();
            return EOF;
        }
    }

    /**
     * @return the first message, kept from earlier calls or read now, matching {@code test} (messages that do
     *         not match are kept for later calls: answers come in any order); fails on EOF or timeout
     */
    JsonNode await(java.util.function.Predicate<JsonNode> test, long millis, String what)
            throws InterruptedException {
        for (java.util.Iterator<JsonNode> i = kept.iterator(); i.hasNext();) {
            JsonNode message = i.next();
            if (test.test(message)) {
                i.remove();
                return message;
            }
        }
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            String line = left > 0 ? next(left) : null;
            if (line == null) {
                throw new AssertionError("no " + what + " within " + millis + " ms");
            }
            if (line.equals(EOF)) {
                throw new AssertionError("connection ended (" + endCause + ") before " + what);
            }
            if (line.isBlank()) {
                continue;
            }
            JsonNode message = Mcp.parse(line);
            if (test.test(message)) {
                return message;
            }
            kept.add(message);
        }
    }

    /** The response to request {@code id}. */
    JsonNode response(long id, long millis) throws InterruptedException {
        return await(m -> m.path("id").asLong(-1) == id && !m.has("method"), millis, "response to " + id);
    }

    /**
     * Reads and drops lines until the end of input.
     *
     * @return the lines read before the end; fails if it does not come within {@code millis}
     */
    int awaitEof(long millis) throws InterruptedException {
        startReading();
        long deadline = System.nanoTime() + millis * 1_000_000L;
        int count = 0;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            String line = left > 0 ? next(left) : null;
            if (line == null) {
                throw new AssertionError("the server did not end the connection within " + millis + " ms ("
                        + count + " lines read)");
            }
            if (line.equals(EOF)) {
                return count;
            }
            count++;
        }
    }

    long bytesRead() {
        return bytesRead.get();
    }

    String endCause() {
        return endCause;
    }

    /** What {@link #sendLongLine} sent, and the first line that came back meanwhile (null when none did). */
    record LongLine(long sent, String answer) {
    }

    /**
     * Streams one line of {@code x} in 64 KiB chunks, without its end, until a line comes back (an error, or
     * {@link #EOF}) or {@code max} bytes are sent. Call after {@link #startReading()}: nothing waits for an answer.
     */
    LongLine sendLongLine(long max) throws IOException, InterruptedException {
        byte[] chunk = Mcp.repeat('x', 64 * 1024).getBytes(StandardCharsets.US_ASCII);
        long sent = 0;
        String line = null;
        while (sent < max && line == null) {
            sendRaw(chunk);
            sent += chunk.length;
            line = next(0);
        }
        return new LongLine(sent, line);
    }

    /** Initializes a session: initialize (id 1), its response, notifications/initialized. */
    JsonNode handshake() throws IOException, InterruptedException {
        send(Mcp.initialize(1));
        JsonNode init = response(1, 10_000);
        send(Mcp.initialized());
        return init;
    }
}
