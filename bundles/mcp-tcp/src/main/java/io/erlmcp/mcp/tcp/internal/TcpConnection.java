// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.tcp.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.IteratingCallback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.erlmcp.transport.Inbound;
import io.erlmcp.transport.McpServerEndpoint;
import io.erlmcp.transport.MessageChannel;
import io.erlmcp.transport.MessageKind;
import io.erlmcp.transport.ServerSession;
import io.erlmcp.transport.TransportInfo;

/**
 * One MCP session over one TCP connection on Jetty's NIO end point. Reads run when the selector reports input
 * ({@link #fillInterested()} / {@link #onFillable()}), each complete line goes to the session; a read buffer is
 * taken from the pool only for the read and returned before waiting again, so an idle connection holds no thread
 * and no buffer. Outgoing messages wait in a queue bounded in messages and bytes (counted until written); the
 * sending thread itself starts the non-blocking write of everything queued, and the write's completion continues
 * with what was queued meanwhile. A send that would pass a bound closes the connection.
 *
 * <p>When the server ends the session ({@link #sessionClosed()}: an operator terminated it, or it expired) the
 * connection takes no more messages, writes what was queued, half-closes (a FIN, or TLS close_notify), and closes
 * once the client closes its side too (input after the end is discarded), at the latest after
 * {@link #HALF_CLOSE_GRACE_MILLIS} (or the idle timeout, if shorter). Closing at once with unread input could
 * reset the connection and lose what the client has not read yet.
 */
final class TcpConnection extends AbstractConnection implements MessageChannel {

    private static final Logger LOG = LoggerFactory.getLogger(TcpConnection.class);
    /** Longest wait for the answers still owed after the client's end of input. */
    static final long HALF_CLOSE_GRACE_MILLIS = 10_000;
    private static final int READ_BUFFER_BYTES = 8192;
    /** Most messages written in one gathering write. */
    private static final int MAX_BATCH = 128;
    private static final byte[] NEWLINE = {'\n'};
    /** The close reason after {@link #sessionClosed()}. */
    static final String SERVER_ENDED = "session ended by the server";

    private final McpServerEndpoint endpoint;
    private final TcpSettings settings;
    private final Scheduler scheduler;
    private final ByteBufferPool buffers;
    private final Consumer<TcpConnection> onClosed;
    private final String remote;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object lock = new Object();
    private final ArrayDeque<byte[]> outbox = new ArrayDeque<>(); // guarded by lock
    private int queuedMessages; // queued or being written, guarded by lock
    private long queuedBytes; // guarded by lock
    private int writingMessages; // in the write in progress, guarded by lock
    private long writingBytes; // guarded by lock
    private int peakMessages; // guarded by lock
    private long peakBytes; // guarded by lock
    private int pending; // frames handed to the session and not yet done, guarded by lock
    private boolean inputEnded; // guarded by lock
    private boolean outputEnded; // half-closed after sessionClosed, guarded by lock
    // Set once, under lock, by sessionClosed: no more messages are queued, and the session is not closed again.
    private volatile boolean serverEnded;
    private final Flusher flusher = new Flusher();
    // The partial input line: touched only by onFillable, which Jetty never runs twice at once.
    private ByteArrayOutputStream line;
    private boolean overLong;
    private volatile ServerSession session;
    private volatile String closeReason;

    TcpConnection(EndPoint endPoint, Executor executor, Scheduler scheduler, ByteBufferPool buffers,
            McpServerEndpoint endpoint, TcpSettings settings, Consumer<TcpConnection> onClosed) {
        super(endPoint, executor);
        this.endpoint = endpoint;
        this.settings = settings;
        this.scheduler = scheduler;
        this.buffers = buffers;
        this.onClosed = onClosed;
        SocketAddress address = endPoint.getRemoteSocketAddress();
        this.remote = address instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() + ":" + inet.getPort()
                : String.valueOf(address);
    }

    @Override
    public void onOpen() {
        super.onOpen();
        try {
            session = endpoint.open(new TransportInfo("tcp", remote, null), this);
        } catch (RuntimeException e) {
            LOG.warn("tcp connection {} failed to open a session", remote, e);
            close("internal error");
            return;
        }
        LOG.debug("tcp session {} opened for {}", session.id(), remote);
        if (closed.get()) {
            if (!serverEnded) {
                session.close();
            }
            return;
        }
        fillInterested();
    }

    @Override
    public void onFillable() {
        RetainableByteBuffer retained = buffers.acquire(READ_BUFFER_BYTES, false);
        ByteBuffer buffer = retained.getByteBuffer();
        try {
            while (!closed.get()) {
                BufferUtil.clear(buffer);
                int n = getEndPoint().fill(buffer);
                if (n > 0) {
                    if (!serverEnded) { // after the end, input is read only to see the client close
                        lines(buffer);
                    }
                } else if (n == 0) {
                    fillInterested();
                    return;
                } else if (serverEnded) {
                    inputEndedAfterTheEnd();
                    return;
                } else {
                    endOfInput();
                    return;
                }
            }
        } catch (IOException e) {
            close(closed.get() ? closeReason : "read failed: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("tcp connection {} failed", remote, e);
            close("internal error");
        } finally {
            retained.release();
        }
    }

    private void lines(ByteBuffer buffer) {
        byte[] bytes = buffer.array();
        int from = buffer.arrayOffset() + buffer.position();
        int to = buffer.arrayOffset() + buffer.limit();
        int max = settings.maxLineBytes();
        int start = from;
        for (int i = from; i < to; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            int size = line == null ? 0 : line.size();
            if (!overLong && size + (i - start) > max) {
                overLong = true;
                tooLong();
            }
            if (!overLong) {
                if (size == 0) {
                    frame(Arrays.copyOfRange(bytes, start, i));
                } else {
                    line.write(bytes, start, i - start);
                    frame(line.toByteArray());
                }
            }
            line = null; // an idle connection keeps no line buffer
            overLong = false;
            start = i + 1;
        }
        if (start < to && !overLong) {
            int size = line == null ? 0 : line.size();
            if (size + (to - start) > max) {
                // Answered now, not at the line's end: a client streaming a huge line learns at once.
                overLong = true;
                line = null;
                tooLong();
            } else {
                if (line == null) {
                    line = new ByteArrayOutputStream(Math.min(max, Math.max(256, 2 * (to - start))));
                }
                line.write(bytes, start, to - start);
            }
        }
    }

    /**
     * After the end of input (a client that half-closes after its last request, {@code nc -N}): the requests in
     * flight answer and the queue drains before the connection closes, for at most {@link #HALF_CLOSE_GRACE_MILLIS}
     * (or the idle timeout, if shorter). The end of input may also be a client that closed for good while a call
     * waits for it (an elicitation it can no longer answer): that must not hold the connection for long.
     */
    private void endOfInput() {
        if (line != null && line.size() > 0 && !overLong) {
            frame(line.toByteArray());
        }
        line = null;
        synchronized (lock) {
            inputEnded = true;
        }
        long grace = Math.min(settings.idleTimeoutMillis(), HALF_CLOSE_GRACE_MILLIS);
        scheduler.schedule(() -> close("end of input"), grace, TimeUnit.MILLISECONDS);
        closeIfAnswered();
    }

    /** After the end of input: closes once nothing is in flight and everything is written. */
    private void closeIfAnswered() {
        synchronized (lock) {
            if (!inputEnded || pending > 0 || queuedMessages > 0) {
                return;
            }
        }
        close("end of input");
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
                }
                if (failure != null) {
                    LOG.warn("tcp request failed", failure);
                }
                closeIfAnswered();
            });
        } catch (RuntimeException e) {
            LOG.warn("tcp frame failed", e);
            send(TcpSettings.error(-32603, "Internal error"), MessageKind.RESPONSE);
        }
    }

    @Override
    public void send(byte[] json, MessageKind kind) {
        if (closed.get() || serverEnded) {
            return;
        }
        for (int i = 0; i < json.length; i++) {
            if (json[i] == '\n' || json[i] == '\r') {
                json[i] = ' '; // whitespace in JSON; a raw line break would split the message
            }
        }
        boolean overflow;
        synchronized (lock) {
            if (serverEnded) {
                return; // the session ended meanwhile: what was queued before goes out, nothing after
            }
            overflow = queuedMessages + 1 > settings.queueMaxMessages()
                    || queuedBytes + json.length > settings.queueMaxBytes();
            if (!overflow) {
                outbox.add(json);
                queuedMessages++;
                queuedBytes += json.length;
                peakMessages = Math.max(peakMessages, queuedMessages);
                peakBytes = Math.max(peakBytes, queuedBytes);
            }
        }
        if (overflow) {
            LOG.warn("tcp client {} reads too slowly (more than {} messages or {} bytes queued); closing", remote,
                    settings.queueMaxMessages(), settings.queueMaxBytes());
            close("outgoing queue full", true);
            return;
        }
        flusher.iterate(); // writes on this thread unless a write is in progress (whose completion continues)
    }

    /**
     * The server ended the session (the engine has closed it already): write what is queued, then half-close
     * and close. Safe from any thread, idempotent; it never blocks and never calls back into the session.
     */
    @Override
    public void sessionClosed() {
        synchronized (lock) {
            if (serverEnded) {
                return;
            }
            serverEnded = true;
        }
        if (closed.get()) {
            return;
        }
        LOG.debug("tcp session on {} ended by the server; closing the connection", remote);
        long grace = Math.min(settings.idleTimeoutMillis(), HALF_CLOSE_GRACE_MILLIS);
        try {
            scheduler.schedule(() -> close(SERVER_ENDED), grace, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            close(SERVER_ENDED); // the listener is stopping
            return;
        }
        flusher.iterate(); // an idle flusher half-closes at once; a write in progress does when the queue is empty
    }

    /** Everything queued after {@link #sessionClosed()} is written: half-close, and close if input ended too. */
    private void endOutput() {
        boolean inputDone;
        synchronized (lock) {
            if (outputEnded) {
                return;
            }
            outputEnded = true;
            inputDone = inputEnded;
        }
        getEndPoint().shutdownOutput();
        if (inputDone) {
            close(SERVER_ENDED);
        }
    }

    /** The client closed its side after {@link #sessionClosed()}: close once the output has ended as well. */
    private void inputEndedAfterTheEnd() {
        boolean outputDone;
        synchronized (lock) {
            inputEnded = true;
            outputDone = outputEnded;
        }
        if (outputDone) {
            close(SERVER_ENDED);
        }
    }

    /** Writes the queue: one gathering write of everything queued, then again until the queue is empty. */
    private final class Flusher extends IteratingCallback {

        @Override
        protected Action process() {
            ByteBuffer[] batch;
            boolean ending;
            synchronized (lock) {
                ending = serverEnded;
                queuedMessages -= writingMessages; // the previous write completed
                queuedBytes -= writingBytes;
                writingMessages = 0;
                writingBytes = 0;
                int n = Math.min(outbox.size(), MAX_BATCH);
                batch = new ByteBuffer[2 * n];
                for (int i = 0; i < n; i++) {
                    byte[] message = outbox.poll();
                    batch[2 * i] = ByteBuffer.wrap(message);
                    batch[2 * i + 1] = ByteBuffer.wrap(NEWLINE);
                    writingBytes += message.length;
                }
                writingMessages = n;
            }
            if (batch.length == 0) {
                if (ending) {
                    endOutput(); // nothing can be queued any more
                } else {
                    closeIfAnswered();
                }
                return Action.IDLE;
            }
            getEndPoint().write(this, batch);
            return Action.SCHEDULED;
        }

        @Override
        protected void onCompleteFailure(Throwable failure) {
            TcpConnection.this.close(closed.get() ? closeReason : "write failed: " + failure.getMessage());
        }
    }

    @Override
    protected boolean onReadTimeout(TimeoutException timeout) {
        close("idle for " + settings.idleTimeoutMillis() + " ms");
        return true;
    }

    @Override
    public boolean onIdleExpired(TimeoutException timeout) {
        close("idle for " + settings.idleTimeoutMillis() + " ms");
        return true;
    }

    @Override
    public void onClose(Throwable cause) {
        super.onClose(cause);
        if (serverEnded && cause == null) {
            close(SERVER_ENDED); // Jetty closes the end point itself once both sides are shut
        } else {
            close(cause == null ? "closed" : "closed: " + cause.getMessage());
        }
    }

    @Override
    public boolean isOpen() {
        return !closed.get() && !serverEnded;
    }

    /** Closes the end point and the session; idempotent. */
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
        // After sessionClosed the server's end is why the connection goes, whatever closes it last.
        closeReason = serverEnded && !SERVER_ENDED.equals(reason) ? SERVER_ENDED + " (" + reason + ")" : reason;
        LOG.debug("tcp connection {} closed: {}", remote, closeReason);
        getEndPoint().close();
        synchronized (lock) {
            outbox.clear();
            queuedMessages = 0;
            queuedBytes = 0;
            writingMessages = 0;
            writingBytes = 0;
        }
        ServerSession s = session;
        if (s != null && !serverEnded) { // after sessionClosed the engine has closed it already
            if (async) {
                try {
                    getExecutor().execute(s::close);
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

    /** @return the messages queued or being written (tests) */
    int queuedMessages() {
        synchronized (lock) {
            return queuedMessages;
        }
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
