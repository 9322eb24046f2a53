// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.transport.stdio.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.erlmcp.transport.Inbound;
import io.erlmcp.transport.McpServerEndpoint;
import io.erlmcp.transport.MessageChannel;
import io.erlmcp.transport.MessageKind;
import io.erlmcp.transport.ServerSession;
import io.erlmcp.transport.TransportInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MCP session over a pair of streams: newline-delimited JSON-RPC in, one message per line out.
 *
 * <p>A reader thread splits the input into lines (a trailing CR is dropped, blank lines are skipped) and hands
 * each to the session; a line longer than the limit is skipped up to its newline and answered with a JSON-RPC
 * error, and reading goes on. Outgoing messages queue (bounded) for one writer thread, which writes each as one
 * line and flushes it; so nothing but whole messages ever reaches the output, and callers never block on it. At
 * end of input the connection waits (bounded) for the answers still owed, writes them, closes the session and
 * runs {@code onEnd}. A failed write (the client closed its end) ends the connection the same way.
 */
final class StdioConnection implements MessageChannel {

    private static final Logger LOG = LoggerFactory.getLogger(StdioConnection.class);
    private static final byte[] STOP = new byte[0];

    private final McpServerEndpoint endpoint;
    private final InputStream in;
    private final OutputStream out;
    private final int maxLine;
    private final long graceMillis;
    private final Runnable onEnd;
    private final BlockingQueue<byte[]> queue;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final AtomicBoolean ended = new AtomicBoolean();
    private final Object owedLock = new Object();
    private int owed;
    private volatile ServerSession session;
    private final Thread reader;
    private final Thread writer;

    /**
     * @param onEnd run once when the input ends or the output fails (the component stops the framework)
     */
    StdioConnection(McpServerEndpoint endpoint, InputStream in, OutputStream out, long maxLineBytes,
            int queueMessages, long graceMillis, Runnable onEnd) {
        if (maxLineBytes <= 0 || maxLineBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("max.line.bytes out of range: " + maxLineBytes);
        }
        if (queueMessages <= 0 || graceMillis < 0) {
            throw new IllegalArgumentException("queue.messages must be positive and eof.grace.ms not negative");
        }
        this.endpoint = endpoint;
        this.in = in;
        this.out = out;
        this.maxLine = (int) maxLineBytes;
        this.graceMillis = graceMillis;
        this.onEnd = onEnd;
        this.queue = new ArrayBlockingQueue<>(queueMessages + 1); // + 1: room for STOP
        this.reader = new Thread(this::readLoop, "erlmcp-stdio-reader");
        this.writer = new Thread(this::writeLoop, "erlmcp-stdio-writer");
        reader.setDaemon(true);
        writer.setDaemon(true);
    }

    /** Opens the session and starts reading. */
    void start() {
        session = endpoint.open(new TransportInfo("stdio", null, null), this);
        LOG.info("stdio session {} open", session.id());
        writer.start();
        reader.start();
    }

    ServerSession session() {
        return session;
    }

    @Override
    public void send(byte[] json, MessageKind kind) {
        if (!open.get()) {
            LOG.debug("Dropped a {}: the stdio connection is closed", kind);
            return;
        }
        if (!queue.offer(oneLine(json))) {
            LOG.error("stdout is not being read ({} messages waiting); ending the stdio session", queue.size());
            end();
        }
    }

    @Override
    public boolean isOpen() {
        return open.get();
    }

    /**
     * Stops the connection without waiting for the client (the component is deactivated): the session is closed,
     * queued output is written, input after this point is ignored.
     */
    void close() {
        if (open.compareAndSet(true, false)) {
            queue.offer(STOP);
            ServerSession s = session;
            if (s != null) {
                s.close();
            }
        }
    }

    // --- input -----------------------------------------------------------------------------------------------

    private void readLoop() {
        byte[] chunk = new byte[64 * 1024];
        byte[] line = new byte[8192];
        int length = 0;
        boolean skipping = false;
        try {
            int n;
            while ((n = in.read(chunk)) >= 0) {
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (chunk[i] != '\n') {
                        continue;
                    }
                    int part = i - start;
                    if (!skipping && (long) length + part > maxLine) {
                        skipping = true;
                    }
                    if (skipping) {
                        oversized();
                        skipping = false;
                    } else {
                        line = append(line, length, chunk, start, part);
                        length += part;
                        frame(line, length);
                    }
                    length = 0;
                    start = i + 1;
                }
                int rest = n - start;
                if (!skipping && (long) length + rest > maxLine) {
                    skipping = true;
                    length = 0;
                }
                if (!skipping && rest > 0) {
                    line = append(line, length, chunk, start, rest);
                    length += rest;
                }
                if (!open.get()) {
                    LOG.warn("stdio input after the connection closed is ignored");
                    return;
                }
            }
            if (skipping) {
                oversized();
            } else if (length > 0) {
                frame(line, length); // a last line without newline
            }
            LOG.info("stdin closed; ending the stdio session");
        } catch (IOException e) {
            LOG.warn("Reading stdin failed; ending the stdio session: {}", e.toString());
        } catch (RuntimeException e) {
            LOG.error("The stdio reader failed; ending the stdio session", e);
        }
        finish();
    }

    private static byte[] append(byte[] line, int length, byte[] src, int from, int count) {
        if (length + count > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, length + count));
        }
        System.arraycopy(src, from, line, length, count);
        return line;
    }

    private void frame(byte[] line, int length) {
        int end = length;
        if (end > 0 && line[end - 1] == '\r') {
            end--;
        }
        boolean blank = true;
        for (int i = 0; i < end && blank; i++) {
            blank = line[i] == ' ' || line[i] == '\t';
        }
        if (blank || !open.get()) {
            return;
        }
        ServerSession s = session;
        Inbound frame = endpoint.parse(Arrays.copyOf(line, end));
        CompletionStage<Void> stage;
        synchronized (owedLock) {
            owed++;
        }
        try {
            stage = s.receive(frame, this);
        } catch (RuntimeException e) {
            LOG.warn("The session failed a message", e);
            settled();
            return;
        }
        stage.whenComplete((ignored, failure) -> {
            if (failure != null) {
                LOG.warn("The session failed a message", failure);
            }
            settled();
        });
    }

    private void settled() {
        synchronized (owedLock) {
            owed--;
            owedLock.notifyAll();
        }
    }

    private void oversized() {
        LOG.warn("Skipped an input line longer than {} bytes", maxLine);
        send(("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"Invalid Request: message "
                + "longer than " + maxLine + " bytes\"}}").getBytes(StandardCharsets.UTF_8), MessageKind.RESPONSE);
    }

    /** End of input: wait for the answers owed (bounded), let the writer drain, close the session, stop. */
    private void finish() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
        synchronized (owedLock) {
            long left;
            while (owed > 0 && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(owedLock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (owed > 0) {
                LOG.warn("{} message(s) still unanswered {} ms after stdin closed", owed, graceMillis);
            }
        }
        close();
        try {
            writer.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        end();
    }

    // --- output ----------------------------------------------------------------------------------------------

    private void writeLoop() {
        try {
            while (true) {
                byte[] message = queue.take();
                if (message == STOP) {
                    break;
                }
                out.write(message);
                out.flush();
            }
            out.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.warn("Writing stdout failed (the client is gone); ending the stdio session: {}", e.toString());
            end();
        }
    }

    /** The message as one line: compact JSON has no raw line breaks, but one must never split a message. */
    static byte[] oneLine(byte[] json) {
        byte[] line = Arrays.copyOf(json, json.length + 1);
        for (int i = 0; i < json.length; i++) {
            if (line[i] == '\n' || line[i] == '\r') {
                line[i] = ' '; // legal only between JSON tokens, where a space means the same
            }
        }
        line[json.length] = '\n';
        return line;
    }

    private void end() {
        close();
        if (ended.compareAndSet(false, true)) {
            try {
                onEnd.run();
            } catch (RuntimeException e) {
                LOG.error("Ending the stdio transport failed", e);
            }
        }
    }
}
