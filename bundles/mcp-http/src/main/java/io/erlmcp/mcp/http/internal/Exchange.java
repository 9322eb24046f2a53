// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.http.internal;


import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import io.erlmcp.http.support.HttpAnswers;
import io.erlmcp.http.support.SseWriter;

/**
 * One HTTP exchange that may turn into an SSE stream. Holds Jetty's request, response and callback until the
 * answer is chosen, and ties the connection's failures and idle timeouts to the stream once there is one.
 */
final class Exchange {

    final Request request;
    final Response response;
    final Callback callback;
    private volatile SseWriter writer;

    Exchange(Request request, Response response, Callback callback) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        // A long tool call may keep the connection silent: an idle timeout is fatal only to a stuck write.
        request.addIdleTimeoutListener(timeout -> {
            SseWriter w = writer;
            return w != null && w.isWriting();
        });
        request.addFailureListener(failure -> {
            SseWriter w = writer;
            if (w != null) {
                w.abort(failure);
            }
        });
    }

    /** Answers with one complete body. */
    void json(int status, byte[] body) {
        write(response, callback, status, body);
    }

    /** Starts a {@code text/event-stream} answer; nothing is written until the first event. */
    SseWriter sse(long maxQueuedBytes, Runnable onEnd) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, McpHttp.TEXT_EVENT_STREAM);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache, no-transform");
        response.getHeaders().put("X-Accel-Buffering", "no");
        SseWriter w = new SseWriter(response, callback, maxQueuedBytes, SseWriter.UNBOUNDED_EVENTS, onEnd);
        writer = w;
        return w;
    }

    static void write(Response response, Callback callback, int status, byte[] body) {
        HttpAnswers.write(response, callback, status, body);
    }
}
