// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.http.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.erlmcp.http.HttpWhiteboard;
import io.erlmcp.transport.Inbound;
import io.erlmcp.transport.McpServerEndpoint;
import io.erlmcp.transport.ServerSession;
import io.erlmcp.transport.TransportInfo;
import io.erlmcp.transport.events.EventStore;
import io.erlmcp.http.support.OriginPolicy;
import io.erlmcp.http.support.BodyReader;
import io.erlmcp.http.support.HttpAnswers;

/**
 * The MCP Streamable HTTP endpoint (spec 2025-11-25, "Transports"), mounted on the node's Jetty server at
 * {@code /mcp} through the {@link HttpWhiteboard}. POST carries client messages and answers with JSON or SSE;
 * GET opens the standalone SSE stream or resumes a stream with {@code Last-Event-ID}; DELETE ends the session.
 */
@Component(service = Handler.class, configurationPid = McpHttpHandler.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = McpHttpHandler.Config.class)
public final class McpHttpHandler extends Handler.Abstract {

    static final String PID = "io.erlmcp.mcp.http";

    @ObjectClassDefinition(name = "erlmcp MCP Streamable HTTP", description = "The /mcp endpoint")
    public @interface Config {
        @AttributeDefinition(name = "Path", description = "Mount path on the node's HTTP server ("
                + HttpWhiteboard.PATH + ")")
        String erlmcp_http_path() default "/mcp";

        @AttributeDefinition(name = "Body limit", description = "Largest POST body in bytes (413 above)")
        long max_body_bytes() default 4L << 20;

        @AttributeDefinition(name = "Allowed hosts", description = "Host header names accepted (any port); * for all")
        String[] allowed_hosts() default {"localhost", "127.0.0.1", "[::1]"};

        @AttributeDefinition(name = "Allowed origins",
                description = "Origin values accepted; scheme://host matches any port; * for all")
        String[] allowed_origins() default {"http://localhost", "https://localhost", "http://127.0.0.1",
            "https://127.0.0.1", "http://[::1]", "https://[::1]"};

        @AttributeDefinition(name = "Keep-alive", description = "Seconds between SSE keep-alive comments")
        long keep_alive_seconds() default 15;

        @AttributeDefinition(name = "SSE retry", description = "Reconnection delay sent in priming events (ms)")
        long sse_retry_millis() default 1_000;

        @AttributeDefinition(name = "SSE queue", description = "Bytes queued for a slow client before its stream ends")
        long sse_queue_max_bytes() default 4L << 20;
    }

    private static final Logger LOG = LoggerFactory.getLogger(McpHttpHandler.class);
    private static final String ALLOW = "GET, POST, DELETE";
    private static final String SUPPORTED = String.join(", ", McpHttp.SUPPORTED_VERSIONS.stream().sorted().toList());

    private final McpServerEndpoint endpoint;
    private final Settings settings;
    private final OriginPolicy origins;
    private final Map<String, HttpSession> sessions = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private final Context context;
    /** Appended to the stream ids of sessions an earlier instance served: {@code .<activation time, base 36>}. */
    private final String adoptedSuffix = "." + Long.toString(System.currentTimeMillis(), 36);

    /**
     * Where SSE events are kept for {@code Last-Event-ID}: the highest-ranked {@link EventStore} service, which
     * lives outside this bundle, so a client resumes its stream across a reload of this transport. Greedy and
     * dynamic: a better-ranked store deployed later is used from then on (events in the previous one are not
     * replayed any more).
     */
    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventStore events;

    @Activate
    public McpHttpHandler(@Reference McpServerEndpoint endpoint, Config config) {
        this(endpoint, Settings.from(config), null);
    }

    /** @param events the event store, or {@code null} when DS injects it */
    McpHttpHandler(McpServerEndpoint endpoint, Settings settings, EventStore events) {
        this.endpoint = endpoint;
        this.settings = settings;
        this.events = events;
        this.origins = new OriginPolicy(settings.allowedHosts(), settings.allowedOrigins());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "erlmcp-mcp-http-keepalive");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::tick, settings.keepAliveMillis(), settings.keepAliveMillis(),
                TimeUnit.MILLISECONDS);
        this.context = new Context(settings, () -> this.events, timer);
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
        // The engine keeps the sessions, the event store their events: a new instance of this handler picks them
        // up again (hot reload).
        for (HttpSession s : sessions.values()) {
            s.shutdown(503, "Service Unavailable: the MCP HTTP endpoint is stopping");
        }
        sessions.clear();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (!path.equals(settings.path()) && !path.equals(settings.path() + "/")) {
            return false; // below the mount path: not ours, the server answers 404
        }
        Exchange exchange = new Exchange(request, response, callback);
        String refused = origins.check(request.getHeaders().get(HttpHeader.HOST),
                request.getHeaders().get(HttpHeader.ORIGIN));
        if (refused != null) {
            LOG.debug("Refused {} {}: {}", request.getMethod(), request.getHttpURI().getPath(), refused);
            exchange.json(403, McpHttp.error(McpHttp.SERVER_ERROR, "Forbidden: " + refused));
            return true;
        }
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin != null) {
            // An allowed Origin (checked above) may read the answer and the session id from a browser.
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_EXPOSE_HEADERS,
                    McpHttp.SESSION_ID + ", " + McpHttp.PROTOCOL_VERSION);
            response.getHeaders().add(HttpHeader.VARY, "Origin");
        }
        try {
            switch (request.getMethod()) {
                case "OPTIONS" -> preflight(exchange);
                case "POST" -> post(exchange);
                case "GET" -> get(exchange);
                case "DELETE" -> delete(exchange);
                default -> {
                    response.getHeaders().put(HttpHeader.ALLOW, ALLOW);
                    exchange.json(405, McpHttp.error(McpHttp.SERVER_ERROR, "Method not allowed; use " + ALLOW));
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("{} {} failed", request.getMethod(), request.getHttpURI().getPath(), e);
            if (!response.isCommitted()) {
                exchange.json(500, McpHttp.error(McpHttp.INTERNAL_ERROR, "Internal error"));
            } else {
                callback.failed(e);
            }
        }
        return true;
    }

    /** CORS preflight for an allowed origin: 204 with the methods and headers the transport uses. */
    private static void preflight(Exchange exchange) {
        Response response = exchange.response;
        response.getHeaders().put(HttpHeader.ALLOW, ALLOW);
        response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, ALLOW);
        response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type, Accept, Authorization, "
                + McpHttp.SESSION_ID + ", " + McpHttp.PROTOCOL_VERSION + ", " + McpHttp.LAST_EVENT_ID);
        response.getHeaders().put(HttpHeader.ACCESS_CONTROL_MAX_AGE, 600);
        exchange.json(204, new byte[0]);
    }

    private void post(Exchange exchange) {
        Request request = exchange.request;
        if (!accepts(request, McpHttp.APPLICATION_JSON) || !accepts(request, McpHttp.TEXT_EVENT_STREAM)) {
            exchange.json(406, McpHttp.error(McpHttp.SERVER_ERROR,
                    "Not Acceptable: Accept must list application/json and text/event-stream"));
            return;
        }
        if (!isJson(request.getHeaders().get(HttpHeader.CONTENT_TYPE))) {
            exchange.json(415, McpHttp.error(McpHttp.SERVER_ERROR,
                    "Unsupported Media Type: Content-Type must be application/json"));
            return;
        }
        BodyReader.read(request, settings.maxBodyBytes(), new BodyReader.Listener() {
            @Override
            public void body(byte[] body) {
                try {
                    frame(exchange, body);
                } catch (RuntimeException e) {
                    LOG.warn("POST {} failed", request.getHttpURI().getPath(), e);
                    if (!exchange.response.isCommitted()) {
                        exchange.json(500, McpHttp.error(McpHttp.INTERNAL_ERROR, "Internal error"));
                    }
                }
            }

            @Override
            public void tooLarge() {
                exchange.json(413, McpHttp.error(McpHttp.INVALID_REQUEST,
                        "Payload Too Large: the body exceeds " + settings.maxBodyBytes() + " bytes"));
            }

            @Override
            public void failed(Throwable cause) {
                if (cause instanceof BadMessageException || cause instanceof TimeoutException) {
                    exchange.json(400, McpHttp.error(McpHttp.PARSE_ERROR, "Unreadable request body"));
                } else {
                    exchange.callback.failed(cause);
                }
            }
        });
    }

    private void frame(Exchange exchange, byte[] body) {
        Request request = exchange.request;
        Inbound inbound = endpoint.parse(body);
        Optional<byte[]> parseError = inbound.errorResponse();
        if (parseError.isPresent()) {
            exchange.json(400, parseError.get());
            return;
        }
        String sessionId = request.getHeaders().get(McpHttp.SESSION_ID);
        String version = request.getHeaders().get(McpHttp.PROTOCOL_VERSION);
        HttpSession session;
        if (sessionId == null) {
            if (!inbound.isInitialize()) {
                exchange.json(400, McpHttp.error(McpHttp.SERVER_ERROR,
                        "Bad Request: Mcp-Session-Id header is required"));
                return;
            }
            String remote = Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
            ServerSession opened = endpoint.open(new TransportInfo("http", remote, version), null);
            session = new HttpSession(opened, context, "");
            sessions.put(opened.id(), session);
            exchange.response.getHeaders().put(McpHttp.SESSION_ID, opened.id());
            LOG.debug("Opened session {} for {}", opened.id(), remote);
        } else {
            session = find(sessionId);
            if (session == null) {
                exchange.json(404, McpHttp.error(McpHttp.SESSION_NOT_FOUND, "Session not found"));
                return;
            }
            if (!inbound.isInitialize() && !versionOk(exchange, version)) {
                return;
            }
        }
        if (!inbound.hasRequests()) {
            // Accepted before it is handled (as mcp-sse does): handling an answer to a server request runs what it
            // unblocks on this thread (a tool's continuation, writing its result), which the client must not wait for.
            exchange.json(202, new byte[0]);
            session.session.receive(inbound, session.unrelated());
            return;
        }
        Stream stream = session.post(inbound.isBatch(), exchange);
        CompletionStage<Void> done;
        try {
            done = session.session.receive(inbound, stream);
        } catch (RuntimeException e) {
            stream.complete(e);
            return;
        }
        done.whenComplete((v, failure) -> stream.complete(failure));
    }

    private void get(Exchange exchange) {
        Request request = exchange.request;
        if (!accepts(request, McpHttp.TEXT_EVENT_STREAM)) {
            exchange.json(406, McpHttp.error(McpHttp.SERVER_ERROR,
                    "Not Acceptable: Accept must list text/event-stream"));
            return;
        }
        HttpSession session = sessionOf(exchange);
        if (session == null || !versionOk(exchange, request.getHeaders().get(McpHttp.PROTOCOL_VERSION))) {
            return;
        }
        String lastEventId = request.getHeaders().get(McpHttp.LAST_EVENT_ID);
        HttpSession.Outcome outcome = lastEventId == null
                ? session.openStandalone(exchange)
                : session.resume(lastEventId.trim(), exchange);
        switch (outcome) {
            case CONFLICT -> exchange.json(409, McpHttp.error(McpHttp.SERVER_ERROR,
                    "Conflict: this session already has an open SSE stream"));
            case UNKNOWN_EVENT -> exchange.json(400, McpHttp.error(McpHttp.SERVER_ERROR,
                    "Bad Request: unknown Last-Event-ID"));
            case STREAMING -> {
            }
        }
    }

    private void delete(Exchange exchange) {
        HttpSession session = sessionOf(exchange);
        if (session == null
                || !versionOk(exchange, exchange.request.getHeaders().get(McpHttp.PROTOCOL_VERSION))) {
            return;
        }
        sessions.remove(session.session.id(), session);
        session.session.close();
        session.shutdown(404, "Session closed");
        session.forget();
        LOG.debug("Client ended session {}", session.session.id());
        exchange.json(200, new byte[0]);
    }

    /** @return the request's session, or null once 400 or 404 has been answered */
    private HttpSession sessionOf(Exchange exchange) {
        String sessionId = exchange.request.getHeaders().get(McpHttp.SESSION_ID);
        if (sessionId == null) {
            exchange.json(400, McpHttp.error(McpHttp.SERVER_ERROR, "Bad Request: Mcp-Session-Id header is required"));
            return null;
        }
        HttpSession session = find(sessionId);
        if (session == null) {
            exchange.json(404, McpHttp.error(McpHttp.SESSION_NOT_FOUND, "Session not found"));
        }
        return session;
    }

    /** @return the live session, adopting one the engine knows (opened before this handler was reloaded) */
    private HttpSession find(String sessionId) {
        HttpSession known = sessions.get(sessionId);
        if (known != null) {
            if (!known.session.isClosed()) {
                return known;
            }
            sessions.remove(sessionId, known);
            known.shutdown(404, "Session closed");
            known.forget();
            return null;
        }
        Optional<ServerSession> engine = endpoint.find(sessionId);
        if (engine.isEmpty() || engine.get().isClosed()) {
            return null;
        }
        // Served by an earlier instance of this handler (reload): its stream ids get this instance's suffix.
        return sessions.computeIfAbsent(sessionId, id -> new HttpSession(engine.get(), context, adoptedSuffix));
    }

    private static boolean versionOk(Exchange exchange, String version) {
        if (version == null || McpHttp.SUPPORTED_VERSIONS.contains(version.trim())) {
            return true;
        }
        exchange.json(400, McpHttp.error(McpHttp.SERVER_ERROR, "Bad Request: unsupported MCP-Protocol-Version "
                + version + "; supported: " + SUPPORTED));
        return false;
    }

    /** Keep-alive comments on every live stream; forgets sessions the engine has ended. */
    private void tick() {
        try {
            List<String> gone = new ArrayList<>();
            sessions.forEach((id, s) -> {
                if (s.session.isClosed()) {
                    gone.add(id);
                } else {
                    s.keepAlive();
                }
            });
            for (String id : gone) {
                HttpSession s = sessions.remove(id);
                if (s != null) {
                    s.shutdown(404, "Session closed");
                    s.forget();
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Keep-alive round failed", e);
        }
    }

    /**
     * Whether {@code Accept} admits {@code type}. Wildcards count ({@code *}{@code /*}, {@code text/*}): a client
     * that takes anything can take either answer (RFC 9110, 12.5.1). A missing header does not: the spec requires
     * clients to list both types, and answering 406 tells a hand-written client what is missing.
     */
    static boolean accepts(Request request, String type) {
        return HttpAnswers.accepts(request, type);
    }

    static boolean isJson(String contentType) {
        return HttpAnswers.isJson(contentType);
    }
}
