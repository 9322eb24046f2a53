// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.transport.http.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.erlmcp.transport.MessageChannel;
import io.erlmcp.transport.MessageKind;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server-sent-events response: the answer stream of a POST, or the standalone GET stream.
 *
 * <p>{@link #send} never blocks: an event is framed and queued, and one {@link IteratingCallback} writes the
 * queue in order with non-blocking {@link Response#write} calls, so at most one write is pending at a time. The
 * queue is bounded (messages and bytes); a client that lets it fill up is too slow or gone, and its stream is
 * failed, which aborts the HTTP response and frees the connection. Keep-alive comments go through the same
 * queue; each tick also asks {@code alive} whether the session still exists and ends the stream when not.
 *
 * <p>Event ids: {@link #event(String, byte[])} takes an optional id, written as the SSE {@code id:} field. This
 * transport passes {@code null} today; resumability ({@code Last-Event-ID}) will assign ids per stream from the
 * event store and replay through the same method.
 */
final class SseStream implements MessageChannel {

    private static final Logger LOG = LoggerFactory.getLogger(SseStream.class);
    private static final byte[] KEEP_ALIVE = ": keepalive\n\n".getBytes(StandardCharsets.US_ASCII);

    private final String name;
    private final Response response;
    private final Callback done;
    private final Scheduler scheduler;
    private final long keepAliveMillis;
    private final int maxMessages;
    private final long maxBytes;
    private final BooleanSupplier alive;
    private final Consumer<SseStream> onClose;

    private final Object lock = new Object();
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private long queuedBytes;
    private boolean ending;
    private boolean lastWritten;
    private volatile boolean open = true;
    private final AtomicBoolean completed = new AtomicBoolean();
    private final Flusher flusher = new Flusher();
    private volatile Scheduler.Task keepAlive;

    /**
     * @param name    for logs (session id and stream kind)
     * @param done    the handler callback, completed when the stream ends or fails
     * @param alive   checked on each keep-alive tick; false ends the stream
     * @param onClose run once when the stream ends or fails, on any thread
     */
    SseStream(String name, Response response, Callback done, Scheduler scheduler, Settings settings,
            BooleanSupplier alive, Consumer<SseStream> onClose) {
        this.name = name;
        this.response = response;
        this.done = done;
        this.scheduler = scheduler;
        this.keepAliveMillis = settings.keepAliveMillis();
        this.maxMessages = settings.queueMessages();
        this.maxBytes = settings.queueBytes();
        this.alive = alive;
        this.onClose = onClose;
    }

    /** Sets the SSE response headers (status 200); call before the first event. */
    static void prepare(Response response) {
        response.setStatus(HttpStatus.OK_200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, McpHttp.TEXT_EVENT_STREAM);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache, no-transform");
        response.getHeaders().put("X-Accel-Buffering", "no");
    }

    /** Starts keep-alives and, when {@code commit}, sends the headers at once (a GET stream has no first event). */
    void start(boolean commit) {
        if (commit) {
            enqueue(BufferUtil.EMPTY_BUFFER, true);
        }
        scheduleKeepAlive();
    }

    @Override
    public void send(byte[] json, MessageKind kind) {
        if (!event(null, json) && LOG.isDebugEnabled()) {
            LOG.debug("{}: dropped a {} (stream closed)", name, kind);
        }
    }

    /**
     * Queues one event.
     *
     * @param id   the SSE event id, or {@code null} for none
     * @param data the payload; line breaks in it become separate {@code data:} lines
     * @return false when the stream no longer accepts events
     */
    boolean event(String id, byte[] data) {
        return enqueue(frame(id, data), false);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Ends the stream once the queued events are written; later events are dropped. */
    void end() {
        synchronized (lock) {
            if (!open) {
                return;
            }
            open = false;
            ending = true;
        }
        cancelKeepAlive();
        flusher.iterate();
    }

    /** Ends the stream at once, dropping what is queued; the response is aborted. */
    void fail(Throwable cause) {
        synchronized (lock) {
            open = false;
            queue.clear();
            queuedBytes = 0;
        }
        flusher.abort(cause);
        complete(cause);
    }

    private boolean enqueue(ByteBuffer buffer, boolean control) {
        IOException overflow = null;
        synchronized (lock) {
            if (!open) {
                return false;
            }
            int size = buffer.remaining();
            if (!control && (queue.size() >= maxMessages || queuedBytes + size > maxBytes)) {
                overflow = new IOException("client too slow: " + queue.size() + " events (" + queuedBytes
                        + " bytes) not yet written");
            } else {
                queue.add(buffer);
                queuedBytes += size;
            }
        }
        if (overflow != null) {
            LOG.warn("{}: ending the stream: {}", name, overflow.getMessage());
            fail(overflow);
            return false;
        }
        flusher.iterate();
        return true;
    }

    private void scheduleKeepAlive() {
        if (keepAliveMillis > 0 && open) {
            keepAlive = scheduler.schedule(this::tick, keepAliveMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void tick() {
        if (!open) {
            return;
        }
        try {
            if (!alive.getAsBoolean()) {
                end();
                return;
            }
            boolean idle;
            synchronized (lock) {
                idle = queue.isEmpty();
            }
            // With events still queued a write is pending already; a stuck one fills the queue and fails it.
            if (idle) {
                enqueue(ByteBuffer.wrap(KEEP_ALIVE), false);
            }
        } catch (RuntimeException e) {
            LOG.warn("{}: keep-alive failed", name, e);
        }
        scheduleKeepAlive();
    }

    private void cancelKeepAlive() {
        Scheduler.Task task = keepAlive;
        if (task != null) {
            task.cancel();
        }
    }

    private void complete(Throwable failure) {
        if (!completed.compareAndSet(false, true)) {
            return;
        }
        open = false;
        cancelKeepAlive();
        try {
            onClose.accept(this);
        } catch (RuntimeException e) {
            LOG.warn("{}: close listener failed", name, e);
        }
        if (failure == null) {
            done.succeeded();
        } else {
            if (LOG.isDebugEnabled()) {
                LOG.debug("{}: stream failed: {}", name, failure.toString());
            }
            done.failed(failure);
        }
    }

    private static final byte[] EVENT = "event: message\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);

    /**
     * Frames one event: optional {@code id:}, {@code event: message}, one {@code data:} line per line of
     * {@code data} (compact JSON has none, but a CR or LF must never end the event early), blank line.
     * Works on bytes: in UTF-8, CR and LF never occur inside a multi-byte sequence.
     */
    static ByteBuffer frame(String id, byte[] data) {
        byte[] idLine = id == null ? new byte[0] : ("id: " + id + "\n").getBytes(StandardCharsets.UTF_8);
        int breaks = 0;
        for (byte c : data) {
            if (c == '\n' || c == '\r') {
                breaks++;
            }
        }
        byte[] out = new byte[idLine.length + EVENT.length + data.length + (breaks + 1) * (DATA.length + 1) + 1];
        int n = 0;
        System.arraycopy(idLine, 0, out, n, idLine.length);
        n += idLine.length;
        System.arraycopy(EVENT, 0, out, n, EVENT.length);
        n += EVENT.length;
        int start = 0;
        for (int i = 0; i <= data.length; i++) {
            if (i == data.length || data[i] == '\n' || data[i] == '\r') {
                System.arraycopy(DATA, 0, out, n, DATA.length);
                n += DATA.length;
                System.arraycopy(data, start, out, n, i - start);
                n += i - start;
                out[n++] = '\n';
                if (i + 1 < data.length && data[i] == '\r' && data[i + 1] == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        out[n++] = '\n';
        return ByteBuffer.wrap(out, 0, n);
    }

    /** Writes the queue one buffer at a time; iterate() after every enqueue and on end(). */
    private final class Flusher extends IteratingCallback {

        @Override
        protected Action process() {
            ByteBuffer next;
            boolean last = false;
            synchronized (lock) {
                next = queue.poll();
                if (next != null) {
                    queuedBytes -= next.remaining();
                } else if (ending && !lastWritten) {
                    lastWritten = true;
                    last = true;
                } else if (lastWritten) {
                    return Action.SUCCEEDED;
                }
            }
            if (next != null) {
                response.write(false, next, this);
                return Action.SCHEDULED;
            }
            if (last) {
                response.write(true, BufferUtil.EMPTY_BUFFER, this);
                return Action.SCHEDULED;
            }
            return Action.IDLE;
        }

        @Override
        protected void onCompleteSuccess() {
            complete(null);
        }

        @Override
        protected void onCompleteFailure(Throwable cause) {
            synchronized (lock) {
                open = false;
                queue.clear();
                queuedBytes = 0;
            }
            complete(cause);
        }
    }
}
