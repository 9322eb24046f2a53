// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.sse.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.erlmcp.http.HttpWhiteboard;
import io.erlmcp.transport.McpServerEndpoint;
import io.erlmcp.transport.ServerSession;
import io.erlmcp.transport.TransportInfo;
import io.erlmcp.http.support.OriginPolicy;

/**
 * The legacy HTTP+SSE transport of MCP 2024-11-05 ("Transports", "HTTP with SSE"). This component is the
 * {@code GET /sse} handler, mounted through the {@link HttpWhiteboard}; it registers the {@code POST /messages}
 * handler ({@link MessagesHandler}) as a second {@code Handler} service. Each SSE stream is one session: it
 * opens with an {@code endpoint} event naming {@code /messages?sessionId=<id>}, carries every server message as
 * a {@code message} event, and closes the session when the stream ends.
 */
@Component(service = Handler.class, configurationPid = SseTransport.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = SseTransport.Config.class)
public final class SseTransport extends Handler.Abstract {

    static final String PID = "io.erlmcp.mcp.sse";

    @ObjectClassDefinition(name = "erlmcp MCP HTTP+SSE (2024-11-05)", description = "The /sse and /messages endpoints")
    public @interface Config {
        @AttributeDefinition(name = "SSE path", description = "Mount path of the event stream ("
                + HttpWhiteboard.PATH + ")")
        String erlmcp_http_path() default "/sse";

        @AttributeDefinition(name = "Messages path", description = "Mount path that takes the client's POSTs")
        String messages_path() default "/messages";

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

        @AttributeDefinition(name = "SSE queue: bytes",
                description = "Bytes queued for a slow client before its stream (and session) ends")
        long sse_queue_max_bytes() default 4L << 20;

        @AttributeDefinition(name = "SSE queue: events",
                description = "Events queued for a slow client before its stream (and session) ends")
        int sse_queue_max_events() default 1_000;
    }

    private static final Logger LOG = LoggerFactory.getLogger(SseTransport.class);

    final McpServerEndpoint endpoint;
    final Settings settings;
    final OriginPolicy origins;
    private final Map<String, SseStream> streams = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    final MessagesHandler messages;
    private final AtomicReference<ServiceRegistration<Handler>> registration = new AtomicReference<>();

    @Activate
    public SseTransport(@Reference McpServerEndpoint endpoint, Config config, BundleContext context) {
        this(endpoint, Settings.from(config));
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(HttpWhiteboard.PATH, settings.messagesPath());
        registration.set(context.registerService(Handler.class, messages, props));
    }

    SseTransport(McpServerEndpoint endpoint, Settings settings) {
        this.endpoint = endpoint;
        this.settings = settings;
        this.origins = new OriginPolicy(settings.allowedHosts(), settings.allowedOrigins());
        this.messages = new MessagesHandler(this);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "erlmcp-mcp-sse");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::tick, settings.keepAliveMillis(), settings.keepAliveMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() {
        ServiceRegistration<Handler> r = registration.getAndSet(null);
        if (r != null) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping
            }
        }
        timer.shutdownNow();
        // A session lives as long as its stream: stopping the transport ends both.
        for (SseStream s : streams.values()) {
            s.end();
            ServerSession session = s.session();
            if (session != null) {
                session.close();
            }
        }
        streams.clear();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (!path.equals(settings.ssePath()) && !path.equals(settings.ssePath() + "/")) {
            return false;
        }
        if (!allowed(request, response, callback)) {
            return true;
        }
        if (!request.getMethod().equals("GET")) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET");
            Sse.error(response, callback, 405, Sse.SERVER_ERROR, "Method not allowed; use GET");
            return true;
        }
        // RFC 9110 12.5.1: no Accept header means anything goes (EventSource sends text/event-stream).
        if (request.getHeaders().contains(HttpHeader.ACCEPT) && !Sse.accepts(request, Sse.TEXT_EVENT_STREAM)) {
            Sse.error(response, callback, 406, Sse.SERVER_ERROR,
                    "Not Acceptable: Accept must admit text/event-stream");
            return true;
        }
        String remote = Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
        AtomicReference<SseStream> self = new AtomicReference<>();
        SseStream stream = new SseStream(request, response, callback, settings, () -> ended(self.get()));
        self.set(stream);
        ServerSession session;
        try {
            session = endpoint.open(new TransportInfo("sse", remote, null), stream);
        } catch (RuntimeException e) {
            LOG.warn("Could not open an SSE session for {}", remote, e);
            Sse.error(response, callback, 500, Sse.INTERNAL_ERROR, "Internal error");
            return true;
        }
        streams.put(session.id(), stream);
        stream.start(session, settings.messagesPath() + "?" + Sse.SESSION_ID + "="
                + URLEncoder.encode(session.id(), StandardCharsets.UTF_8));
        if (!stream.isOpen()) {
            ended(stream); // the client went away while the session was opening
        }
        LOG.debug("Opened SSE session {} for {}", session.id(), remote);
        return true;
    }

    /** Checks {@code Host} and {@code Origin}; answers 403 and returns false when refused. */
    boolean allowed(Request request, Response response, Callback callback) {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        String refused = origins.check(request.getHeaders().get(HttpHeader.HOST), origin);
        if (refused != null) {
            LOG.debug("Refused {} {}: {}", request.getMethod(), request.getHttpURI().getPath(), refused);
            Sse.error(response, callback, 403, Sse.SERVER_ERROR, "Forbidden: " + refused);
            return false;
        }
        if (origin != null) {
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            response.getHeaders().add(HttpHeader.VARY, "Origin");
        }
        return true;
    }

    /** @return the live stream of session {@code id}, or null */
    SseStream find(String id) {
        SseStream s = streams.get(id);
        if (s == null) {
            return null;
        }
        ServerSession session = s.session();
        if (session == null || session.isClosed() || !s.isOpen()) {
            return null;
        }
        return s;
    }

    /** A stream ended (client gone, too slow, or ended by us): its session ends too, off the caller's thread. */
    private void ended(SseStream stream) {
        ServerSession session = stream == null ? null : stream.session();
        if (session == null) {
            return; // open() failed or is still running; handle() sees the closed stream
        }
        streams.remove(session.id(), stream);
        try {
            timer.execute(() -> close(session));
        } catch (RejectedExecutionException stopping) {
            close(session);
        }
    }

    private static void close(ServerSession session) {
        try {
            session.close();
            LOG.debug("SSE stream of session {} ended; session closed", session.id());
        } catch (RuntimeException e) {
            LOG.warn("Closing session {} failed", session.id(), e);
        }
    }

    /** Keep-alive comments on every stream; ends the streams of sessions the engine has closed. */
    private void tick() {
        try {
            streams.forEach((id, s) -> {
                ServerSession session = s.session();
                if (session != null && session.isClosed()) {
                    streams.remove(id, s);
                    s.end();
                } else {
                    s.keepAlive();
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("Keep-alive round failed", e);
        }
    }
}
