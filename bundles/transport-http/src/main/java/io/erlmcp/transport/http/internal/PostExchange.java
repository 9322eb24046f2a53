// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.transport.http.internal;

import java.nio.ByteBuffer;
import java.util.function.Supplier;

import io.erlmcp.transport.MessageChannel;
import io.erlmcp.transport.MessageKind;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code related} channel of one POST that holds requests. It picks the framing from the first message the
 * session emits: the final response of a single (non-batch) request goes out as one {@code application/json}
 * body; anything else (a progress notification, a server request, a batch) upgrades the response to an SSE
 * stream that carries every related message until the session's {@code receive} stage completes.
 */
final class PostExchange implements MessageChannel {

    private static final Logger LOG = LoggerFactory.getLogger(PostExchange.class);

    private enum State { PENDING, JSON, SSE, DONE }

    private final String name;
    private final Response response;
    private final Callback callback;
    private final boolean batch;
    private final Supplier<SseStream> streams;
    private State state = State.PENDING;
    private SseStream sse;

    /** @param streams makes the SSE stream for this response (called at most once, under this object's lock) */
    PostExchange(String name, Response response, Callback callback, boolean batch, Supplier<SseStream> streams) {
        this.name = name;
        this.response = response;
        this.callback = callback;
        this.batch = batch;
        this.streams = streams;
    }

    @Override
    public synchronized void send(byte[] json, MessageKind kind) {
        switch (state) {
            case PENDING -> {
                if (kind == MessageKind.RESPONSE && !batch) {
                    state = State.JSON;
                    response.setStatus(HttpStatus.OK_200);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, McpHttp.APPLICATION_JSON);
                    response.write(true, ByteBuffer.wrap(json), callback);
                } else {
                    state = State.SSE;
                    SseStream.prepare(response);
                    sse = streams.get();
                    sse.start(false);
                    sse.send(json, kind);
                }
            }
            case SSE -> sse.send(json, kind);
            default -> {
                if (LOG.isDebugEnabled()) {
                    LOG.debug("{}: dropped a {} sent after the response was complete", name, kind);
                }
            }
        }
    }

    @Override
    public synchronized boolean isOpen() {
        return switch (state) {
            case PENDING -> true;
            case SSE -> sse.isOpen();
            default -> false;
        };
    }

    /** The session's {@code receive} stage completed ({@code failure} null) or failed. */
    synchronized void complete(Throwable failure) {
        switch (state) {
            case PENDING -> {
                state = State.DONE;
                if (failure != null) {
                    LOG.warn("{}: the session failed a request before answering", name, failure);
                    StreamableHttpHandler.sendError(response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500,
                            McpHttp.INTERNAL_ERROR, "Internal error: the request failed before it was answered");
                } else {
                    // Nothing was owed after all (a cancelled request): an empty event stream, no body to parse.
                    SseStream.prepare(response);
                    response.write(true, BufferUtil.EMPTY_BUFFER, callback);
                }
            }
            case SSE -> sse.end();
            default -> {
            }
        }
    }

    /** The client went away or Jetty failed the exchange; the request itself goes on in the session. */
    synchronized void failed(Throwable cause) {
        switch (state) {
            case PENDING -> {
                state = State.DONE;
                callback.failed(cause);
            }
            case SSE -> sse.fail(cause);
            default -> {
            }
        }
    }

    /** @return whether an idle timeout may fail this exchange (not while it waits for the engine or streams) */
    synchronized boolean idleTimeoutIsFailure() {
        return state == State.DONE || state == State.SSE && !sse.isOpen();
    }
}
