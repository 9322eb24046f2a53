// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.tcp.internal;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.erlmcp.transport.Inbound;
import io.erlmcp.transport.McpServerEndpoint;
import io.erlmcp.transport.MessageChannel;
import io.erlmcp.transport.MessageKind;
import io.erlmcp.transport.ServerSession;
import io.erlmcp.transport.TransportInfo;

/**
 * One MCP session over one TCP connection: a reader (a pool thread for the connection's life) hands every line
 * to the session; outgoing messages wait in a queue bounded in messages and bytes and are written by a drain
 * task on the pool, one line each. A send that would pass a bound closes the connection (which also unblocks a
 * writer stuck on a client that does not read).
 */
final class TcpConnection implements MessageChannel {

    private static final Logger LOG = LoggerFactory.getLogger(TcpConnection.class);
    /** Longest wait for the answers still owed after the client's end of input. */
    static final long HALF_CLOSE_GRACE_MILLIS = 10_000;

    private final Socket socket;
    private final McpServerEndpoint endpoint;
    private final TcpSettings settings;
    private final Executor pool;
    private final Consumer<TcpConnection> onClosed;
    private final String remote;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object lock = new Object();
    private final ArrayDeque<byte[]> outbox = new ArrayDeque<>(); // guarded by lock
    private long queuedBytes; // guarded by lock
    private int peakMessages; // guarded by lock
    private long peakBytes; // guarded by lock
    private boolean draining; // guarded by lock
    private int pending; // frames handed to the session and not yet done, guarded by lock
    private volatile OutputStream out;
    private volatile ServerSession session;
    private volatile long lastActivity = System.nanoTime();
    private volatile String closeReason;

    TcpConnection(Socket socket, McpServerEndpoint endpoint, TcpSettings settings, Executor pool,
            Consumer<TcpConnection> onClosed) {
        this.socket = socket;
        this.endpoint = endpoint;
        this.settings = settings;
        this.pool = pool;
        this.onClosed = onClosed;
        this.remote = socket.getRemoteSocketAddress() instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() + ":" + inet.getPort()
                : String.valueOf(socket.getRemoteSocketAddress());
    }

    /** The reader: runs on a pool thread until the connection ends. */
    void run() {
        try {
            socket.setTcpNoDelay(true);
            // Reads wake up at least every idle timeout, to check for activity in either direction.
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, settings.idleTimeoutMillis()));
            // Unbuffered: readLoop reads in chunks of its own, and each drain() buffers what it writes, so an idle
            // connection holds no 8 KB buffers.
            InputStream in = socket.getInputStream();
            out = socket.getOutputStream();
            session = endpoint.open(new TransportInfo("tcp", remote, null), this);
            LOG.debug("tcp session {} opened for {}", session.id(), remote);
            if (closed.get()) {
                session.close();
                return;
            }
            readLoop(in);
            awaitAnswers();
            close("end of input");
        } catch (IOException e) {
            close(closed.get() ? closeReason : "read failed: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("tcp connection {} failed", remote, e);
            close("internal error");
        }
    }

    /**
     * After the end of input (a client that half-closes after its last request, {@code nc -N}): lets the requests
     * in flight answer and the queue drain before the socket closes, for at most {@link #HALF_CLOSE_GRACE_MILLIS}
     * (or the idle timeout, if shorter). The end of input may also be a client that closed for good while a call
     * waits for it (an elicitation it can no longer answer): that must not hold the connection for long.
     */
    private void awaitAnswers() {
        long deadline = System.nanoTime()
                + Math.min(settings.idleTimeoutMillis(), HALF_CLOSE_GRACE_MILLIS) * 1_000_000L;
        synchronized (lock) {
            while (!closed.get() && (pending > 0 || draining || !outbox.isEmpty())) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return;
                }
                try {
                    lock.wait(Math.min(left, 100));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void readLoop(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean overLong = false;
        // Small until a read fills it: most clients send small messages, and an idle connection keeps this.
        byte[] buffer = new byte[1024];
        int lastRead = 0;
        int max = settings.maxLineBytes();
        while (!closed.get()) {
            if (lastRead == buffer.length && buffer.length < 8192) {
                buffer = new byte[8192];
            }
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException e) {
                if (System.nanoTime() - lastActivity >= settings.idleTimeoutMillis() * 1_000_000L) {
                    close("idle for " + settings.idleTimeoutMillis() + " ms");
                    return;
                }
                continue;
            }
            if (n < 0) {
                if (line.size() > 0 && !overLong) {
                    frame(line.toByteArray());
                }
                return;
            }
            lastActivity = System.nanoTime();
            lastRead = n;
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buffer[i] != '\n') {
                    continue;
                }
                if (!overLong && line.size() + (i - start) > max) {
                    overLong = true;
                    tooLong();
                }
                if (!overLong) {
                    line.write(buffer, start, i - start);
                    frame(line.toByteArray());
                }
                line.reset();
                overLong = false;
                start = i + 1;
            }
            if (start < n && !overLong) {
                if (line.size() + (n - start) > max) {
                    // Answered now, not at the line's end: a client streaming a huge line learns at once.
                    overLong = true;
                    line.reset();
                    tooLong();
                } else {
                    line.write(buffer, start, n - start);
                }
            }
        }
    }

    /** The line passed {@code max_line_bytes}: answered at once; the rest of it, up to its end, is discarded. */
    private void tooLong() {
        LOG.debug("tcp {}: dropping an input line longer than {} bytes", remote, settings.maxLineBytes());
        send(TcpSettings.error(-32600, "Invalid Request: message longer than " + settings.maxLineBytes()
                + " bytes"), MessageKind.RESPONSE);
    }

    private void frame(byte[] line) {
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
        byte[] frame = length == line.length ? line : Arrays.copyOf(line, length);
        ServerSession s = session;
        try {
            Inbound inbound = endpoint.parse(frame);
            synchronized (lock) {
                pending++;
            }
            // A frame that failed to parse is answered by the session with the engine's error response.
            s.receive(inbound, this).whenComplete((v, failure) -> {
                synchronized (lock) {
                    pending--;
                    lock.notifyAll();
                }
                if (failure != null) {
                    LOG.warn("tcp request failed", failure);
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("tcp frame failed", e);
            send(TcpSettings.error(-32603, "Internal error"), MessageKind.RESPONSE);
        }
    }

    @Override
    public void send(byte[] json, MessageKind kind) {
        if (closed.get()) {
            return;
        }
        boolean overflow;
        boolean startDrain = false;
        synchronized (lock) {
            overflow = outbox.size() + 1 > settings.queueMaxMessages()
                    || queuedBytes + json.length > settings.queueMaxBytes();
            if (!overflow) {
                outbox.add(json);
                queuedBytes += json.length;
                peakMessages = Math.max(peakMessages, outbox.size());
                peakBytes = Math.max(peakBytes, queuedBytes);
                if (!draining) {
                    draining = true;
                    startDrain = true;
                }
            }
        }
        if (overflow) {
            LOG.warn("tcp client {} reads too slowly (more than {} messages or {} bytes queued); closing", remote,
                    settings.queueMaxMessages(), settings.queueMaxBytes());
            close("outgoing queue full", true);
            return;
        }
        if (startDrain) {
            try {
                pool.execute(this::drain);
            } catch (RejectedExecutionException e) {
                close("no thread to write");
            }
        }
    }

    /** The writer: writes queued messages until the queue is empty, then ends (the next send starts another). */
    private void drain() {
        OutputStream o = null; // buffered for this run only: an idle connection keeps no write buffer
        try {
            while (true) {
                byte[] message;
                boolean last;
                synchronized (lock) {
                    message = outbox.poll();
                    if (message == null) {
                        draining = false;
                        lock.notifyAll();
                        return;
                    }
                    last = outbox.isEmpty();
                }
                for (int i = 0; i < message.length; i++) {
                    if (message[i] == '\n' || message[i] == '\r') {
                        message[i] = ' '; // whitespace in JSON; a raw line break would split the message
                    }
                }
                if (o == null) {
                    o = new BufferedOutputStream(out, (int) Math.min(8192, Math.max(512, message.length + 1L)));
                }
                o.write(message);
                o.write('\n');
                if (last) {
                    o.flush();
                }
                lastActivity = System.nanoTime();
                synchronized (lock) {
                    queuedBytes -= message.length;
                }
            }
        } catch (IOException | RuntimeException e) {
            synchronized (lock) {
                draining = false;
            }
            close(closed.get() ? closeReason : "write failed: " + e.getMessage());
        }
    }

    @Override
    public boolean isOpen() {
        return !closed.get();
    }

    /** Closes the socket and the session; idempotent. */
    void close(String reason) {
        close(reason, false);
    }

    /**
     * @param async close the session on a pool thread: the overflow path runs inside the session's own
     *              {@code send}, and must not call back into it there
     */
    private void close(String reason, boolean async) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeReason = reason;
        LOG.debug("tcp connection {} closed: {}", remote, reason);
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("Closing {} failed", remote, e);
        }
        synchronized (lock) {
            outbox.clear();
            queuedBytes = 0;
        }
        ServerSession s = session;
        if (s != null) {
            if (async) {
                try {
                    pool.execute(s::close);
                } catch (RejectedExecutionException e) {
                    s.close();
                }
            } else {
                s.close();
            }
        }
        onClosed.accept(this);
    }

    String closeReason() {
        return closeReason;
    }

    ServerSession session() {
        return session;
    }

    int peakQueuedMessages() {
        synchronized (lock) {
            return peakMessages;
        }
    }

    long peakQueuedBytes() {
        synchronized (lock) {
            return peakBytes;
        }
    }
}
