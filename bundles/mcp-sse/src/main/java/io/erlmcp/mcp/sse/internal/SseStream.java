// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.sse.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import io.erlmcp.http.support.SseWriter;
import io.erlmcp.transport.MessageChannel;
import io.erlmcp.transport.MessageKind;
import io.erlmcp.transport.ServerSession;

/**
 * One {@code GET /sse} response and the session it carries. Every message of the session, related to a POST or
 * not, goes down this one stream as {@code event: message}; the first event is {@code event: endpoint}, the URI
 * to POST to. Messages the engine sends before that event is out (during {@code open}) wait for it.
 */
final class SseStream implements MessageChannel {

    private final SseWriter writer;
    private final Runnable onEnd;
    private List<byte[]> early = new ArrayList<>();
    private volatile ServerSession session;

    /**
     * Starts the {@code text/event-stream} answer of {@code request}; nothing is written until {@link #start}.
     *
     * @param onEnd runs once when the stream ends, for whatever reason
     */
    SseStream(Request request, Response response, Callback callback, Settings settings, Runnable onEnd) {
        this.onEnd = onEnd;
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Sse.TEXT_EVENT_STREAM);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache, no-transform");
        response.getHeaders().put("X-Accel-Buffering", "no");
        this.writer = new SseWriter(response, callback, settings.queueBytes(), settings.queueEvents(), this::ended);
        // The stream is silent between messages: an idle timeout is fatal only to a stuck write.
        request.addIdleTimeoutListener(timeout -> writer.isWriting());
        request.addFailureListener(writer::abort);
    }

    /** Sends the {@code endpoint} event for {@code opened}, then whatever the engine sent meanwhile. */
    void start(ServerSession opened, String messagesUri) {
        List<byte[]> waiting;
        synchronized (this) {
            session = opened;
            writer.event(null, "endpoint", SseWriter.NO_RETRY, messagesUri.getBytes(StandardCharsets.UTF_8));
            waiting = early;
            early = null;
            for (byte[] json : waiting) {
                writer.event(null, "message", SseWriter.NO_RETRY, json);
            }
        }
    }

    @Override
    public void send(byte[] json, MessageKind kind) {
        synchronized (this) {
            if (early != null) {
                if (early.size() >= 1_000) {
                    writer.abort(new IllegalStateException("too many messages before the endpoint event"));
                } else {
                    early.add(json);
                }
                return;
            }
            writer.event(null, "message", SseWriter.NO_RETRY, json);
        }
    }

    @Override
    public boolean isOpen() {
        return writer.isOpen();
    }

    /** The server ended the session (terminated, expired): the stream ends after what is queued. */
    @Override
    public void sessionClosed() {
        writer.end();
    }

    /** @return the session, or null before {@link #start} */
    ServerSession session() {
        return session;
    }

    void keepAlive() {
        writer.comment("keep-alive");
    }

    /** Ends the response after what is queued (the session ended, or the transport is stopping). */
    void end() {
        writer.end();
    }

    /** Ends the response at once (the session could not be opened). */
    void abort(Throwable cause) {
        writer.abort(cause);
    }

    private void ended() {
        onEnd.run();
    }
}
