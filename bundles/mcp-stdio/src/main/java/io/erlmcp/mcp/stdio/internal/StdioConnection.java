// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.stdio.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.erlmcp.transport.Inbound;
import io.erlmcp.transport.McpServerEndpoint;
import io.erlmcp.transport.MessageChannel;
import io.erlmcp.transport.MessageKind;
import io.erlmcp.transport.ServerSession;
import io.erlmcp.transport.TransportInfo;

/**
 * One MCP session over a pair of streams (spec "Transports", stdio): newline-delimited JSON-RPC read on a
 * dedicated thread, each outgoing message written as one line by a single writer thread that flushes after
 * every message. Nothing else is written to {@code out}.
 *
 * <p>The reader outlives engines: it waits for one before it handles the first line, and when the engine is
 * replaced (hot reload) the old session ends and the next line opens one on the new engine. So stdin always
 * has exactly one reader, and its end is noticed (and reported) even when no engine ever came.
 */
final class StdioConnection implements MessageChannel {

    private static final Logger LOG = LoggerFactory.getLogger(StdioConnection.class);
    private static final byte[] END = new byte[0];
    /** Messages waiting for stdout, at most (the byte bound usually comes first). */
    private static final int QUEUE_MAX_MESSAGES = 10_000;
    static final long DEFAULT_QUEUE_MAX_BYTES = 8L << 20;

    private final InputStream in;
    private final OutputStream out;
    private final int maxLineBytes;
    private final long engineWaitMillis;
    private final Runnable onEof;
    private final long queueMaxBytes;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final BlockingQueue<byte[]> outbox = new LinkedBlockingQueue<>(QUEUE_MAX_MESSAGES);
    private final Thread reader;
    private final Thread writer;
    private final Object engineLock = new Object();
    private McpServerEndpoint endpoint; // guarded by engineLock
    private ServerSession session; // guarded by engineLock
    private boolean ready; // guarded by engineLock
    private volatile boolean open = true;

    private record Bound(McpServerEndpoint endpoint, ServerSession session) {
    }

    /**
     * @param engineWaitMillis how long a line waits for an engine (and for {@link #ready()}) before it is refused
     *                         (without an engine) or served anyway
     * @param onEof runs once after stdin ended and the last queued message was written, after writing stdout
     *              failed (the client closed it), or after the client stopped reading stdout (more than
     *              {@code queueMaxBytes} waiting)
     */
    StdioConnection(InputStream in, OutputStream out, int maxLineBytes, long engineWaitMillis, Runnable onEof) {
        this(in, out, maxLineBytes, engineWaitMillis, DEFAULT_QUEUE_MAX_BYTES, onEof);
    }

    /**
     * @param queueMaxBytes bytes of outgoing messages that may wait for stdout; a message that would pass it
     *                      ends the session as if stdin had ended, instead of buffering without bound or
     *                      blocking the engine's thread (a larger message alone in the queue is fine)
     */
    StdioConnection(InputStream in, OutputStream out, int maxLineBytes, long engineWaitMillis, long queueMaxBytes,
            Runnable onEof) {
        this.queueMaxBytes = queueMaxBytes;
        this.in = in;
        this.out = out;
        this.maxLineBytes = maxLineBytes;
        this.engineWaitMillis = engineWaitMillis;
        this.onEof = onEof;
        this.reader = new Thread(this::readLoop, "erlmcp-stdio-reader");
        this.writer = new Thread(this::writeLoop, "erlmcp-stdio-writer");
        reader.setDaemon(true);
        writer.setDaemon(true);
    }

    void start() {
        writer.start();
        reader.start();
    }

    /** Ends the session and the threads; the streams stay open (they belong to the launcher). */
    void stop() {
        open = false;
        closeSession();
        reader.interrupt();
        outbox.offer(END);
    }

    /**
     * Lets the first line through: the node has started all its bundles. Until then lines wait (bounded, as for
     * an engine), so that a client's first {@code tools/list} sees the tools of bundles that start after the
     * engine.
     */
    void ready() {
        synchronized (engineLock) {
            ready = true;
            engineLock.notifyAll();
        }
    }

    /** The engine to serve with; a different engine ends the current session. */
    void endpoint(McpServerEndpoint engine) {
        swap(null, engine);
    }

    /** Forgets {@code engine} if it is the current one. */
    void endpointGone(McpServerEndpoint engine) {
        swap(engine, null);
    }

    /** Sets the engine to {@code next}, if the current one is {@code expected} (any, when null). */
    private void swap(McpServerEndpoint expected, McpServerEndpoint next) {
        ServerSession ended;
        synchronized (engineLock) {
            if ((expected != null && expected != endpoint) || next == endpoint) {
                return;
            }
            ended = session;
            session = null;
            endpoint = next;
            engineLock.notifyAll();
        }
        if (ended != null) {
            LOG.warn("The MCP engine {}; the stdio session {} ended", next == null ? "went away" : "was replaced",
                    ended.id());
            ended.close();
        }
    }

    /** @return the engine and the session, opened on first use; null once stopped or when no engine came */
    private Bound bound() throws InterruptedException {
        synchronized (engineLock) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(engineWaitMillis);
            long left = engineWaitMillis;
            while (open && (endpoint == null || !ready) && left > 0) {
                engineLock.wait(left);
                left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            }
            if (!open || endpoint == null) {
                return null;
            }
            if (session == null) {
                session = endpoint.open(new TransportInfo("stdio", null, null), this);
                LOG.debug("stdio session {} opened", session.id());
            }
            return new Bound(endpoint, session);
        }
    }

    private void closeSession() {
        ServerSession s;
        synchronized (engineLock) {
            s = session;
            session = null;
            engineLock.notifyAll();
        }
        if (s != null) {
            s.close();
        }
    }

    @Override
    public void send(byte[] json, MessageKind kind) {
        if (!open) {
            LOG.debug("stdio closed; dropped a {}", kind);
            return;
        }
        for (int i = 0; i < json.length; i++) {
            // Raw line breaks can only be whitespace between JSON tokens; a line must hold the whole message.
            if (json[i] == '\n' || json[i] == '\r') {
                json[i] = ' ';
            }
        }
        // Never blocks the sender (an engine thread): a client that stops reading ends the session instead. One
        // message larger than the bound still goes out when nothing else is waiting.
        long queued = queuedBytes.addAndGet(json.length);
        if ((queued > queueMaxBytes && queued != json.length) || !outbox.offer(json)) {
            queuedBytes.addAndGet(-json.length);
            overflow(kind);
        }
    }

    /** stdout is not being read: end the session and report the end, like the end of stdin (off this thread). */
    private void overflow(MessageKind kind) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        LOG.error("stdout is not being read (more than {} bytes or {} messages waiting); dropped a {} and ended the"
                + " stdio session", queueMaxBytes, QUEUE_MAX_MESSAGES, kind);
        open = false;
        outbox.clear();
        queuedBytes.set(0);
        outbox.offer(END);
        Thread end = new Thread(() -> {
            closeSession();
            reader.interrupt();
            onEof.run();
        }, "erlmcp-stdio-overflow");
        end.setDaemon(true);
        end.start();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    private void readLoop() {
        try {
            ByteArrayOutputStream line = new ByteArrayOutputStream(4096);
            boolean overLong = false;
            byte[] buffer = new byte[8192];
            int n;
            while (open && (n = in.read(buffer)) >= 0) {
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] != '\n') {
                        continue;
                    }
                    if (!overLong) {
                        if (line.size() + (i - start) > maxLineBytes) {
                            tooLong();
                        } else {
                            line.write(buffer, start, i - start);
                            frame(line.toByteArray());
                        }
                    }
                    line.reset();
                    overLong = false;
                    start = i + 1;
                }
                if (!overLong && start < n) {
                    if (line.size() + (n - start) > maxLineBytes) {
                        // Answered now, not at the line's end: a client streaming a huge line learns at once.
                        overLong = true;
                        line.reset();
                        tooLong();
                    } else {
                        line.write(buffer, start, n - start);
                    }
                }
            }
            if (open && line.size() > 0 && !overLong) {
                frame(line.toByteArray());
            }
            LOG.debug("stdin ended");
        } catch (IOException e) {
            if (open) {
                LOG.warn("Reading stdin failed; ending the stdio session", e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("stdio reader failed; ending the stdio session", e);
        }
        endOfInput();
    }

    /** The line passed the limit: answered at once; the rest of it, up to its end, is discarded. */
    private void tooLong() {
        LOG.warn("Dropping an input line longer than {} bytes", maxLineBytes);
        send(error(-32600, "Invalid Request: message longer than " + maxLineBytes + " bytes"), MessageKind.RESPONSE);
    }

    private void frame(byte[] line) throws InterruptedException {
        int length = line.length;
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        boolean blank = true;
        for (int i = 0; i < length && blank; i++) {
            blank = line[i] == ' ' || line[i] == '\t' || line[i] == '\r';
        }
        if (blank) {
            return;
        }
        byte[] frame = length == line.length ? line : java.util.Arrays.copyOf(line, length);
        Bound bound = bound();
        if (bound == null) {
            if (open) {
                LOG.warn("No MCP engine within {} ms; refused an input line", engineWaitMillis);
                send(error(-32603, "Server not ready: no MCP engine is running"), MessageKind.RESPONSE);
            }
            return;
        }
        try {
            Inbound inbound = bound.endpoint().parse(frame);
            // A frame that failed to parse is answered by the session with the engine's error response.
            bound.session().receive(inbound, this).whenComplete((v, failure) -> {
                if (failure != null) {
                    LOG.warn("stdio request failed", failure);
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("stdio frame failed", e);
            send(error(-32603, "Internal error"), MessageKind.RESPONSE);
        }
    }

    private void endOfInput() {
        boolean wasOpen = open && ended.compareAndSet(false, true);
        open = false;
        closeSession();
        outbox.offer(END);
        if (wasOpen) {
            try {
                writer.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            onEof.run();
        }
    }

    private void writeLoop() {
        try {
            while (true) {
                byte[] message = outbox.take();
                if (message == END) {
                    return;
                }
                out.write(message);
                out.write('\n');
                out.flush();
                queuedBytes.addAndGet(-message.length);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.warn("Writing stdout failed; ending the stdio session", e);
            // The client is gone (it closed our stdout): report the end as for the end of stdin, which may never
            // come, so that the process exits (stop.on.eof) instead of living on without a client.
            boolean report = open && ended.compareAndSet(false, true);
            open = false;
            closeSession();
            if (report) {
                onEof.run();
            }
        }
    }

    static byte[] error(int code, String message) {
        return ("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":" + code + ",\"message\":\""
                + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}}").getBytes(StandardCharsets.UTF_8);
    }
}
