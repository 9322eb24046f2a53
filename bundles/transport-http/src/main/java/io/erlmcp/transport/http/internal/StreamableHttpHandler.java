// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.transport.http.internal;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;

import io.erlmcp.transport.Inbound;
import io.erlmcp.transport.McpServerEndpoint;
import io.erlmcp.transport.MessageChannel;
import io.erlmcp.transport.MessageKind;
import io.erlmcp.transport.ServerSession;
import io.erlmcp.transport.TransportInfo;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MCP Streamable HTTP endpoint (spec 2025-11-25, Basic / Transports) as a Jetty core handler. It answers
 * requests whose path is exactly the configured path (or that path plus {@code /}) and declines the rest.
 *
 * <ul>
 * <li>Every method: Host and Origin checked against the allow-lists (403).</li>
 * <li>POST: Accept must admit application/json and text/event-stream (406); Content-Type application/json
 * (415); body at most {@code max.body.bytes} (413); unparseable body: the engine's JSON-RPC error, 400. An
 * {@code initialize} without Mcp-Session-Id opens a session and the response carries its id; any other message
 * without the header: 400; an unknown or ended session: 404; an unsupported MCP-Protocol-Version: 400. Only
 * notifications/responses: 202, no body. Requests: plain JSON when the first emitted message is the final
 * response of a single request, otherwise an SSE stream until the session has answered everything.</li>
 * <li>GET: the standalone SSE stream for messages that belong to no request (406 when text/event-stream is not
 * accepted, 409 when the session already has one).</li>
 * <li>DELETE: ends the session, 200.</li>
 * <li>OPTIONS: 204, with CORS preflight answers for an allowed Origin (answers to allowed origins also carry
 * {@code Access-Control-Allow-Origin} and expose Mcp-Session-Id).</li>
 * <li>Other methods: 405 with {@code Allow: GET, POST, DELETE, OPTIONS}.</li>
 * </ul>
 * Error bodies are JSON-RPC error responses with {@code "id": null}. Thread-safe.
 */
final class StreamableHttpHandler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(StreamableHttpHandler.class);

    private final McpServerEndpoint endpoint;
    private final Settings settings;
    /** The GET stream of each session that has one. */
    private final ConcurrentMap<String, SseStream> standalone = new ConcurrentHashMap<>();
    /** Every open SSE stream, so that {@link #closeStreams()} can end them. */
    private final Set<SseStream> live = ConcurrentHashMap.newKeySet();

    StreamableHttpHandler(McpServerEndpoint endpoint, Settings settings) {
        this.endpoint = endpoint;
        this.settings = settings;
    }

    Settings settings() {
        return settings;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (!path.equals(settings.path()) && !path.equals(settings.path() + "/")) {
            return false;
        }
        HttpURI uri = request.getHttpURI();
        if (!settings.policy().hostAllowed(uri.getHost(), uri.getPort())) {
            LOG.warn("Refused a request for Host {} (not in allowed.hosts)", uri.getAuthority());
            sendError(response, callback, HttpStatus.FORBIDDEN_403, McpHttp.SERVER_ERROR,
                    "Forbidden: Host header not allowed: " + uri.getAuthority());
            return true;
        }
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (!settings.policy().originAllowed(origin)) {
            LOG.warn("Refused a request from Origin {} (not in allowed.origins)", origin);
            sendError(response, callback, HttpStatus.FORBIDDEN_403, McpHttp.SERVER_ERROR,
                    "Forbidden: Origin not allowed: " + origin);
            return true;
        }
        if (origin != null) {
            // A browser client on an allowed origin may read our answers and the session header.
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            response.getHeaders().add(HttpHeader.VARY, "Origin");
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_EXPOSE_HEADERS,
                    McpHttp.SESSION_ID + ", " + McpHttp.PROTOCOL_VERSION);
        }
        String method = request.getMethod();
        if (HttpMethod.OPTIONS.is(method)) {
            // CORS preflight (or a plain OPTIONS): what a browser may send here.
            response.getHeaders().put(HttpHeader.ALLOW, "GET, POST, DELETE, OPTIONS");
            if (origin != null) {
                response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, DELETE");
                response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type, Accept, "
                        + McpHttp.SESSION_ID + ", " + McpHttp.PROTOCOL_VERSION + ", " + McpHttp.LAST_EVENT_ID
                        + ", Authorization");
                response.getHeaders().put(HttpHeader.ACCESS_CONTROL_MAX_AGE, "600");
            }
            response.setStatus(HttpStatus.NO_CONTENT_204);
            callback.succeeded();
        } else if (HttpMethod.POST.is(method)) {
            post(request, response, callback);
        } else if (HttpMethod.GET.is(method)) {
            get(request, response, callback);
        } else if (HttpMethod.DELETE.is(method)) {
            delete(request, response, callback);
        } else {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, POST, DELETE, OPTIONS");
            sendError(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, McpHttp.SERVER_ERROR,
                    "Method not allowed: " + method);
        }
        return true;
    }

    // --- POST ------------------------------------------------------------------------------------------------

    private void post(Request request, Response response, Callback callback) {
        String accept = acceptHeader(request);
        if (!MediaTypes.accepts(accept, McpHttp.APPLICATION_JSON, settings.strictAccept())
                || !MediaTypes.accepts(accept, McpHttp.TEXT_EVENT_STREAM, settings.strictAccept())) {
            sendError(response, callback, HttpStatus.NOT_ACCEPTABLE_406, McpHttp.SERVER_ERROR,
                    "Not Acceptable: the client must accept both application/json and text/event-stream");
            return;
        }
        if (!MediaTypes.isType(request.getHeaders().get(HttpHeader.CONTENT_TYPE), McpHttp.APPLICATION_JSON)) {
            sendError(response, callback, HttpStatus.UNSUPPORTED_MEDIA_TYPE_415, McpHttp.SERVER_ERROR,
                    "Unsupported Media Type: Content-Type must be application/json");
            return;
        }
        long length = request.getLength();
        if (length > settings.maxBodyBytes()) {
            tooLarge(response, callback);
            return;
        }
        // A request that names a session is checked before its body is read.
        String sessionId = request.getHeaders().get(McpHttp.SESSION_ID);
        ServerSession session = null;
        if (sessionId != null) {
            Optional<ServerSession> found = findSession(sessionId);
            if (found.isEmpty()) {
                sessionNotFound(response, callback);
                return;
            }
            if (!protocolVersionOk(request, response, callback)) {
                return;
            }
            session = found.get();
        }
        ServerSession named = session;
        BodyReader.read(request, (int) settings.maxBodyBytes(), new BodyReader.Sink() {
            @Override
            public void body(byte[] body) {
                try {
                    dispatch(request, response, callback, named, body);
                } catch (RuntimeException e) {
                    LOG.warn("POST {} failed", settings.path(), e);
                    sendError(response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, McpHttp.INTERNAL_ERROR,
                            "Internal error");
                }
            }

            @Override
            public void tooLarge() {
                StreamableHttpHandler.this.tooLarge(response, callback);
            }

            @Override
            public void failed(Throwable cause) {
                callback.failed(cause);
            }
        });
    }

    private void dispatch(Request request, Response response, Callback callback, ServerSession named, byte[] body) {
        Inbound frame = endpoint.parse(body);
        Optional<byte[]> parseError = frame.errorResponse();
        if (parseError.isPresent()) {
            send(response, callback, HttpStatus.BAD_REQUEST_400, parseError.get());
            return;
        }
        ServerSession session = named;
        if (session != null && session.isClosed()) {
            sessionNotFound(response, callback); // ended while the body was read
            return;
        }
        if (session == null) {
            if (!frame.isInitialize()) {
                sendError(response, callback, HttpStatus.BAD_REQUEST_400, McpHttp.SERVER_ERROR,
                        "Bad Request: Mcp-Session-Id header is required");
                return;
            }
            if (frame.isBatch()) {
                sendError(response, callback, HttpStatus.BAD_REQUEST_400, McpHttp.INVALID_REQUEST,
                        "Invalid Request: initialize must not be part of a batch");
                return;
            }
            session = endpoint.open(new TransportInfo("http", remote(request),
                    request.getHeaders().get(McpHttp.PROTOCOL_VERSION)), null);
            response.getHeaders().put(McpHttp.SESSION_ID, session.id());
            LOG.debug("Opened session {} for {}", session.id(), remote(request));
        }
        if (!frame.hasRequests()) {
            session.receive(frame, NoStream.INSTANCE);
            response.setStatus(HttpStatus.ACCEPTED_202);
            callback.succeeded();
            return;
        }
        ServerSession s = session;
        String name = "session " + s.id() + " POST";
        PostExchange exchange = new PostExchange(name, response, callback, frame.isBatch(),
                () -> newStream(name, request, response, callback, s, stream -> live.remove(stream)));
        request.addFailureListener(exchange::failed);
        request.addIdleTimeoutListener(timeout -> exchange.idleTimeoutIsFailure());
        CompletionStage<Void> stage;
        try {
            stage = s.receive(frame, exchange);
        } catch (RuntimeException e) {
            exchange.complete(e);
            return;
        }
        stage.whenComplete((ignored, failure) -> exchange.complete(failure));
    }

    private void tooLarge(Response response, Callback callback) {
        sendError(response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413, McpHttp.SERVER_ERROR,
                "Payload Too Large: the body exceeds " + settings.maxBodyBytes() + " bytes");
    }

    // --- GET -------------------------------------------------------------------------------------------------

    private void get(Request request, Response response, Callback callback) {
        if (!MediaTypes.accepts(acceptHeader(request), McpHttp.TEXT_EVENT_STREAM, settings.strictAccept())) {
            sendError(response, callback, HttpStatus.NOT_ACCEPTABLE_406, McpHttp.SERVER_ERROR,
                    "Not Acceptable: the client must accept text/event-stream");
            return;
        }
        ServerSession session = requireSession(request, response, callback);
        if (session == null) {
            return;
        }
        String sessionId = session.id();
        SseStream stream = newStream("session " + sessionId + " GET", request, response, callback, session, s -> {
            live.remove(s);
            standalone.remove(sessionId, s);
            session.detachStandalone(s);
        });
        if (standalone.putIfAbsent(sessionId, stream) != null) {
            live.remove(stream);
            sendError(response, callback, HttpStatus.CONFLICT_409, McpHttp.SERVER_ERROR,
                    "Conflict: only one SSE stream is allowed per session");
            return;
        }
        request.addFailureListener(stream::fail);
        request.addIdleTimeoutListener(timeout -> !stream.isOpen());
        SseStream.prepare(response);
        stream.start(true);
        session.attachStandalone(stream);
        if (session.isClosed()) {
            stream.end(); // DELETE raced with us
        }
    }

    // --- DELETE ----------------------------------------------------------------------------------------------

    private void delete(Request request, Response response, Callback callback) {
        ServerSession session = requireSession(request, response, callback);
        if (session == null) {
            return;
        }
        session.close();
        SseStream stream = standalone.remove(session.id());
        if (stream != null) {
            stream.end();
        }
        LOG.debug("Session {} ended by DELETE", session.id());
        response.setStatus(HttpStatus.OK_200);
        callback.succeeded();
    }

    // --- shared ----------------------------------------------------------------------------------------------

    /** @return the live session the request names, or null after answering 400, 404 or 400 (version) */
    private ServerSession requireSession(Request request, Response response, Callback callback) {
        String sessionId = request.getHeaders().get(McpHttp.SESSION_ID);
        if (sessionId == null) {
            sendError(response, callback, HttpStatus.BAD_REQUEST_400, McpHttp.SERVER_ERROR,
                    "Bad Request: Mcp-Session-Id header is required");
            return null;
        }
        Optional<ServerSession> session = findSession(sessionId);
        if (session.isEmpty()) {
            sessionNotFound(response, callback);
            return null;
        }
        return protocolVersionOk(request, response, callback) ? session.get() : null;
    }

    private Optional<ServerSession> findSession(String sessionId) {
        return endpoint.find(sessionId).filter(s -> !s.isClosed());
    }

    private static void sessionNotFound(Response response, Callback callback) {
        sendError(response, callback, HttpStatus.NOT_FOUND_404, McpHttp.SESSION_NOT_FOUND,
                "Session not found: it ended or never existed; initialize a new one");
    }

    private boolean protocolVersionOk(Request request, Response response, Callback callback) {
        String version = request.getHeaders().get(McpHttp.PROTOCOL_VERSION);
        // Absent: the spec says assume 2025-03-26; the session knows what it negotiated either way.
        if (version == null || settings.protocolVersions().contains(version)) {
            return true;
        }
        sendError(response, callback, HttpStatus.BAD_REQUEST_400, McpHttp.SERVER_ERROR,
                "Bad Request: unsupported MCP-Protocol-Version: " + version + " (supported: "
                        + String.join(", ", settings.protocolVersions().stream().sorted().toList()) + ")");
        return false;
    }

    private SseStream newStream(String name, Request request, Response response, Callback callback,
            ServerSession session, Consumer<SseStream> onClose) {
        SseStream stream = new SseStream(name, response, callback, request.getComponents().getScheduler(), settings,
                () -> !session.isClosed(), onClose);
        live.add(stream);
        return stream;
    }

    private static String acceptHeader(Request request) {
        // Several Accept fields are one list (RFC 9110 5.3).
        return request.getHeaders().getValuesList(HttpHeader.ACCEPT).stream()
                .reduce((a, b) -> a + "," + b).orElse(null);
    }

    private static String remote(Request request) {
        return Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
    }

    /** Ends every open SSE stream (the component is going away); sessions stay with the engine. */
    void closeStreams() {
        for (SseStream stream : live) {
            stream.end();
        }
    }

    static void sendError(Response response, Callback callback, int status, int code, String message) {
        send(response, callback, status, McpHttp.error(code, message));
    }

    static void send(Response response, Callback callback, int status, byte[] json) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, McpHttp.APPLICATION_JSON);
        response.write(true, ByteBuffer.wrap(json), callback);
    }

    /** The {@code related} channel of a POST without requests: nothing is owed, and there is no stream. */
    private enum NoStream implements MessageChannel {
        INSTANCE;

        @Override
        public void send(byte[] json, MessageKind kind) {
            LOG.debug("Dropped a {} related to a POST of notifications/responses (no stream)", kind);
        }

        @Override
        public boolean isOpen() {
            return false;
        }
    }
}
