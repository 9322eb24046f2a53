// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.sse.internal;

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
 * and by count) and written one Jetty write at a time, never blocking the caller. A client that falls behind by
 * more than a bound, or whose connection fails, ends the stream; the owner hears of it through {@code onEnd}.
 *
 * <p>Adapted from {@code io.erlmcp.mcp.http.internal.SseWriter} (that package is private to its bundle): named
 * events ({@code event:} lines) instead of event ids, no priming events, and a bound on the number of events.
 */
final class SseWriter {

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
     * @param response a response whose status and headers are set but not yet committed
     * @param callback Jetty's callback for the exchange: completed when the stream ends
     * @param onEnd    runs once when the stream can no longer take events (ended, failed or aborted)
     */
    SseWriter(Response response, Callback callback, long maxQueuedBytes, int maxQueuedEvents, Runnable onEnd) {
        this.response = response;
        this.callback = callback;
        this.maxQueuedBytes = maxQueuedBytes;
        this.maxQueuedEvents = maxQueuedEvents;
        this.onEnd = onEnd;
    }

    /** Queues one event: an {@code event:} line and the data, split into {@code data:} lines. */
    boolean event(String name, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 32);
        out.writeBytes(("event: " + name + "\n").getBytes(StandardCharsets.US_ASCII));
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

    /** Queues a comment line, which clients ignore; keeps the connection and its proxies from idling out. */
    boolean comment(String text) {
        return offer((": " + text + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Ends the response once the queued events are written. */
    void end() {
        synchronized (this) {
            if (closed || ending) {
                return;
            }
            ending = true;
        }
        flusher.iterate();
    }

    /** Ends the stream at once, dropping what is queued, and fails the exchange. */
    void abort(Throwable cause) {
        if (markClosed()) {
            flusher.abort(cause);
        }
    }

    /** @return whether events offered now may still reach the client */
    synchronized boolean isOpen() {
        return !closed && !ending;
    }

    /** @return whether a write is in progress (an idle timeout then means a stuck client) */
    synchronized boolean isWriting() {
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
            abort(new IOException("SSE client too slow: more than " + maxQueuedBytes + " bytes or "
                    + maxQueuedEvents + " events queued"));
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
