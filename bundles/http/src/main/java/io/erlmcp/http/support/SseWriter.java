// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.http.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * Writes one {@code text/event-stream} response. Any thread may offer events; they are queued (bounded by bytes
 * and, optionally, by count) and written one Jetty write at a time, never blocking the caller. A client that
 * falls behind by more than a bound, or whose connection fails, ends the stream; the owner hears of it through
 * {@code onEnd}.
 *
 * <p>The caller sets the response's status and headers ({@code Content-Type: text/event-stream} and so on);
 * nothing is written until the first event. Used by the Streamable HTTP transport (event ids, priming events)
 * and the legacy HTTP+SSE transport (named events, a bound on the event count).
 */
public final class SseWriter {

    /** A {@code maxQueuedEvents} that bounds the queue by bytes only. */
    public static final int UNBOUNDED_EVENTS = Integer.MAX_VALUE;

    /** A {@code retryMillis} for events without a {@code retry:} line. */
    public static final long NO_RETRY = -1;

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);

    private final Response response;
    private final Callback callback;
    private final long maxQueuedBytes;
    private final int maxQueuedEvents;
    private final Runnable onEnd;
    private final Flusher flusher = new Flusher();
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private long queuedBytes;
    private boolean ending;
    private boolean lastWritten;
    private boolean closed;
    private boolean writing;

    /**
     * @param response        a response whose status and headers are set but not yet committed
     * @param callback        Jetty's callback for the exchange: completed when the stream ends
     * @param maxQueuedBytes  how many bytes may wait for the client; one event larger than this still goes out
     *                        when nothing else is waiting
     * @param maxQueuedEvents how many events may wait for the client, or {@link #UNBOUNDED_EVENTS}
     * @param onEnd           runs once when the stream can no longer take events (ended, failed or aborted)
     */
    public SseWriter(Response response, Callback callback, long maxQueuedBytes, int maxQueuedEvents,
            Runnable onEnd) {
        if (maxQueuedEvents <= 0) {
            throw new IllegalArgumentException("maxQueuedEvents must be positive: " + maxQueuedEvents);
        }
        this.response = response;
        this.callback = callback;
        this.maxQueuedBytes = maxQueuedBytes;
        this.maxQueuedEvents = maxQueuedEvents;
        this.onEnd = onEnd;
    }

    /**
     * Queues one event: in this order, an {@code id:} line, an {@code event:} line and a {@code retry:} line,
     * each only when given, then the data split at line breaks into {@code data:} lines (empty data gives one
     * empty {@code data:} line). {@code id} and {@code name} must not contain line breaks.
     *
     * @param id          the event id, or null for none
     * @param name        the event name, or null for none (the client then sees a {@code message} event)
     * @param retryMillis the reconnection delay to announce, or {@link #NO_RETRY}
     * @param data        the payload, UTF-8
     * @return false when the stream has ended (or ends now because a bound was exceeded)
     */
    public boolean event(String id, String name, long retryMillis, byte[] data) {
        StringBuilder head = new StringBuilder();
        if (id != null) {
            head.append("id: ").append(id).append('\n');
        }
        if (name != null) {
            head.append("event: ").append(name).append('\n');
        }
        if (retryMillis >= 0) {
            head.append("retry: ").append(retryMillis).append('\n');
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + head.length() + 16);
        out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        int start = 0;
        for (int i = 0; i <= data.length; i++) {
            if (i == data.length || data[i] == '\n') {
                int end = i > start && data[i - 1] == '\r' ? i - 1 : i;
                out.writeBytes(DATA);
                out.write(data, start, end - start);
                out.write('\n');
                start = i + 1;
            }
        }
        out.write('\n');
        return offer(out.toByteArray());
    }

    /**
     * Queues a comment line, which clients ignore; keeps the connection and its proxies from idling out.
     *
     * @return false when the stream has ended
     */
    public boolean comment(String text) {
        return offer((": " + text + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Ends the response once the queued events are written. */
    public void end() {
        synchronized (this) {
            if (closed || ending) {
                return;
            }
            ending = true;
        }
        flusher.iterate();
    }

    /** Ends the stream at once, dropping what is queued, and fails the exchange with {@code cause}. */
    public void abort(Throwable cause) {
        if (markClosed()) {
            flusher.abort(cause);
        }
    }

    /** @return whether events offered now may still reach the client */
    public synchronized boolean isOpen() {
        return !closed && !ending;
    }

    /** @return whether a write is in progress (an idle timeout then means a stuck client) */
    public synchronized boolean isWriting() {
        return writing;
    }

    private boolean offer(byte[] bytes) {
        boolean overflow;
        synchronized (this) {
            if (closed || ending) {
                return false;
            }
            // One message larger than the byte bound still goes out when nothing else is waiting.
            overflow = (queuedBytes > 0 && queuedBytes + bytes.length > maxQueuedBytes)
                    || queue.size() >= maxQueuedEvents;
            if (!overflow) {
                queue.addLast(bytes);
                queuedBytes += bytes.length;
            }
        }
        if (overflow) {
            abort(new IOException("SSE client too slow: more than " + maxQueuedBytes + " bytes"
                    + (maxQueuedEvents == UNBOUNDED_EVENTS ? "" : " or " + maxQueuedEvents + " events")
                    + " queued"));
            return false;
        }
        flusher.iterate();
        return true;
    }

    private boolean markClosed() {
        synchronized (this) {
            if (closed) {
                return false;
            }
            closed = true;
            queue.clear();
            queuedBytes = 0;
        }
        onEnd.run();
        return true;
    }

    /** Writes the queue, gathered into one buffer per write. */
    private final class Flusher extends IteratingCallback {

        @Override
        protected Action process() {
            ByteBuffer buffer;
            boolean last;
            synchronized (SseWriter.this) {
                writing = false;
                if (lastWritten || (closed && !ending)) {
                    return Action.SUCCEEDED;
                }
                if (queue.isEmpty()) {
                    if (!ending) {
                        return Action.IDLE;
                    }
                    buffer = BufferUtil.EMPTY_BUFFER;
                } else {
                    buffer = ByteBuffer.allocate((int) queuedBytes);
                    for (byte[] bytes : queue) {
                        buffer.put(bytes);
                    }
                    buffer.flip();
                    queue.clear();
                    queuedBytes = 0;
                }
                last = ending;
                lastWritten = last;
                writing = true;
            }
            response.write(last, buffer, this);
            return Action.SCHEDULED;
        }

        @Override
        protected void onCompleteSuccess() {
            boolean completed;
            synchronized (SseWriter.this) {
                completed = lastWritten;
            }
            markClosed();
            if (completed) {
                callback.succeeded();
            } else {
                callback.failed(new EofException("SSE stream closed"));
            }
        }

        @Override
        protected void onCompleteFailure(Throwable cause) {
            markClosed();
            callback.failed(cause);
        }
    }
}
