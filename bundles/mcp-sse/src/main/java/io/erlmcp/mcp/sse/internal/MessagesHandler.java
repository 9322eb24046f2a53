// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.sse.internal;

import java.util.Optional;
import java.util.concurrent.TimeoutException;

import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.erlmcp.transport.Inbound;
import io.erlmcp.transport.ServerSession;
import io.erlmcp.http.support.BodyReader;

/**
 * {@code POST /messages?sessionId=<id>}: one client message (or batch) for the session of an open SSE stream.
 * Answers 202 as soon as the frame is handed over; the responses go down the stream.
 */
final class MessagesHandler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(MessagesHandler.class);

    private final SseTransport transport;

    MessagesHandler(SseTransport transport) {
        this.transport = transport;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String mount = transport.settings.messagesPath();
        if (!path.equals(mount) && !path.equals(mount + "/")) {
            return false;
        }
        if (!transport.allowed(request, response, callback)) {
            return true;
        }
        if (request.getMethod().equals("OPTIONS")) {
            response.getHeaders().put(HttpHeader.ALLOW, "POST");
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, "POST");
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type, Accept, Authorization");
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_MAX_AGE, 600);
            Sse.write(response, callback, 204, new byte[0]);
            return true;
        }
        if (!request.getMethod().equals("POST")) {
            response.getHeaders().put(HttpHeader.ALLOW, "POST");
            Sse.error(response, callback, 405, Sse.SERVER_ERROR, "Method not allowed; use POST");
            return true;
        }
        String sessionId;
        try {
            Fields query = Request.extractQueryParameters(request);
            sessionId = query.getValue(Sse.SESSION_ID);
        } catch (RuntimeException badQuery) {
            sessionId = null;
        }
        if (sessionId == null || sessionId.isEmpty()) {
            Sse.error(response, callback, 400, Sse.SERVER_ERROR,
                    "Bad Request: the sessionId query parameter is required");
            return true;
        }
        SseStream stream = transport.find(sessionId);
        if (stream == null) {
            Sse.error(response, callback, 404, Sse.SESSION_NOT_FOUND, "Session not found");
            return true;
        }
        if (!Sse.isJson(request.getHeaders().get(HttpHeader.CONTENT_TYPE))) {
            Sse.error(response, callback, 415, Sse.SERVER_ERROR,
                    "Unsupported Media Type: Content-Type must be application/json");
            return true;
        }
        long limit = transport.settings.maxBodyBytes();
        BodyReader.read(request, limit, new BodyReader.Listener() {
            @Override
            public void body(byte[] body) {
                try {
                    frame(stream, body, response, callback);
                } catch (RuntimeException e) {
                    LOG.warn("POST {} failed", request.getHttpURI().getPath(), e);
                    if (!response.isCommitted()) {
                        Sse.error(response, callback, 500, Sse.INTERNAL_ERROR, "Internal error");
                    } else {
                        callback.failed(e);
                    }
                }
            }

            @Override
            public void tooLarge() {
                Sse.error(response, callback, 413, Sse.INVALID_REQUEST,
                        "Payload Too Large: the body exceeds " + limit + " bytes");
            }

            @Override
            public void failed(Throwable cause) {
                if (cause instanceof BadMessageException || cause instanceof TimeoutException) {
                    Sse.error(response, callback, 400, Sse.PARSE_ERROR, "Unreadable request body");
                } else {
                    callback.failed(cause);
                }
            }
        });
        return true;
    }

    private void frame(SseStream stream, byte[] body, Response response, Callback callback) {
        ServerSession session = stream.session();
        Inbound inbound = transport.endpoint.parse(body);
        Optional<byte[]> parseError = inbound.errorResponse();
        if (parseError.isPresent()) {
            Sse.write(response, callback, 400, parseError.get());
            return;
        }
        if (session.isClosed() || !stream.isOpen()) {
            Sse.error(response, callback, 404, Sse.SESSION_NOT_FOUND, "Session not found");
            return;
        }
        // Accepted at once: whatever the session answers goes down the SSE stream.
        Sse.write(response, callback, 202, new byte[0]);
        try {
            session.receive(inbound, stream).whenComplete((v, failure) -> {
                if (failure != null) {
                    LOG.warn("Session {}: a frame failed", session.id(), failure);
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("Session {}: a frame failed", session.id(), e);
        }
    }
}
