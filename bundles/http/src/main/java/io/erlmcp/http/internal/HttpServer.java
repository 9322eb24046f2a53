// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.http.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.erlmcp.health.HealthService;
import io.erlmcp.http.HttpWhiteboard;

/**
 * Owns the node's Jetty 12 server (the {@code default} listener): serves {@code /health} and mounts every
 * {@link Handler} service that carries {@link HttpWhiteboard#PATH}, live.
 */
@Component(service = {}, configurationPid = HttpServer.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true) // no service: the component exists to run the server
@Designate(ocd = HttpServer.Config.class)
public final class HttpServer {

    static final String PID = "io.erlmcp.http";

    @ObjectClassDefinition(name = "erlmcp HTTP server", description = "The node's HTTP listener")
    public @interface Config {
        String DEFAULT_HOST = "127.0.0.1";
        int DEFAULT_PORT = 8080;

        @AttributeDefinition(name = "Host", description = "Address to bind; 127.0.0.1 keeps the node local")
        String host() default DEFAULT_HOST;

        @AttributeDefinition(name = "Port", description = "TCP port; 0 picks a free one")
        int port() default DEFAULT_PORT;

        @AttributeDefinition(name = "Idle timeout", description = "Milliseconds an idle connection is kept")
        long idle_timeout_millis() default 30_000;

        @AttributeDefinition(name = "Maximum threads")
        int max_threads() default 200;

        @AttributeDefinition(name = "Minimum threads")
        int min_threads() default 8;

        @AttributeDefinition(name = "Request header limit", description = "Bytes of request line and headers")
        int request_header_size() default 16_384;

        @AttributeDefinition(name = "Accept queue", description = "Backlog of connections not yet accepted")
        int accept_queue_size() default 1024;
    }

    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

    private final Server server;
    private final ServerConnector connector;
    private final HealthEndpoint health = new HealthEndpoint(new ObjectMapper());
    private final Object lock = new Object();
    private volatile Mounts mounts = Mounts.EMPTY;
    private volatile HealthService healthService;

    /** Framework property (set by the launcher from ERLMCP_HTTP_PORT): the port when the configuration has none. */
    static final String PORT_PROPERTY = "erlmcp.http.port";

    @Activate
    public HttpServer(Config config, Map<String, Object> properties, BundleContext context) throws Exception {
        this(config, properties.containsKey("port") ? config.port() : portFrom(context.getProperty(PORT_PROPERTY),
                config.port()));
    }

    HttpServer(Config config, int port) throws Exception {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("io.erlmcp.http port must be 0..65535, not " + port);
        }
        QueuedThreadPool threads = new QueuedThreadPool(config.max_threads(), config.min_threads());
        threads.setName("erlmcp-http");
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(config.request_header_size());
        http.setSendServerVersion(false);
        connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(port);
        connector.setIdleTimeout(config.idle_timeout_millis());
        connector.setAcceptQueueSize(config.accept_queue_size());
        server.addConnector(connector);
        server.setHandler(new Router());
        synchronized (lock) {
            server.start();
            for (Mounts.Mount mount : mounts.all()) {
                startHandler(mount.handler());
            }
        }
        LOG.info("HTTP listening on {}:{}", config.host(), connector.getLocalPort());
    }

    private static int portFrom(String property, int fallback) {
        if (property == null || property.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(property.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PORT_PROPERTY + " must be a port number, not '" + property + "'");
        }
    }

    @Deactivate
    void deactivate() throws Exception {
        synchronized (lock) {
            server.stop();
        }
    }

    /** @return the port actually bound (differs from the configuration when it asked for 0) */
    int port() {
        return connector.getLocalPort();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setHealthService(HealthService service) {
        healthService = service;
    }

    void unsetHealthService(HealthService service) {
        if (healthService == service) {
            healthService = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            target = "(" + HttpWhiteboard.PATH + "=*)")
    void addHandler(Handler handler, Map<String, Object> properties) {
        Object listener = properties.getOrDefault(HttpWhiteboard.LISTENER, HttpWhiteboard.DEFAULT_LISTENER);
        if (!HttpWhiteboard.DEFAULT_LISTENER.equals(listener)) {
            return;
        }
        String path = Mounts.normalize(properties.get(HttpWhiteboard.PATH));
        if (path == null) {
            LOG.warn("Not mounting {}: {} must be a path starting with /, not {}", handler, HttpWhiteboard.PATH,
                    properties.get(HttpWhiteboard.PATH));
            return;
        }
        synchronized (lock) {
            // Before activation the server does not exist yet: activation starts what is mounted by then.
            if (server != null && server.isStarted()) {
                startHandler(handler);
            }
            mounts = mounts.with(path, handler);
        }
        LOG.info("Mounted {} at {}", handler.getClass().getName(), path);
    }

    void removeHandler(Handler handler) {
        synchronized (lock) {
            Mounts before = mounts;
            mounts = before.without(handler);
            if (before.all().size() != mounts.all().size()) {
                stopHandler(handler);
            }
        }
    }

    private void startHandler(Handler handler) {
        try {
            handler.setServer(server);
            handler.start();
        } catch (Exception e) {
            LOG.warn("Mounted handler {} failed to start", handler, e);
        }
    }

    private static void stopHandler(Handler handler) {
        try {
            handler.stop();
        } catch (Exception e) {
            LOG.warn("Unmounted handler {} failed to stop", handler, e);
        }
    }

    /** Dispatches a request to /health, to a mounted handler, or answers 404. */
    final class Router extends Handler.Abstract {

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = Request.getPathInContext(request);
            if (path.equals("/health") || path.startsWith("/health/")) {
                return health(request, response, callback, path);
            }
            Handler mounted = mounts.find(path);
            if (mounted != null && mounted.handle(request, response, callback)) {
                return true;
            }
            write(response, callback, 404, "{\"error\":\"not found\"}".getBytes(StandardCharsets.UTF_8));
            return true;
        }

        private boolean health(Request request, Response response, Callback callback, String path) throws Exception {
            String method = request.getMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
                write(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405,
                        "{\"error\":\"method not allowed\"}".getBytes(StandardCharsets.UTF_8));
                return true;
            }
            HealthEndpoint.Answer answer = path.length() <= "/health/".length()
                    ? health.all(healthService)
                    : health.one(healthService, path.substring("/health/".length()));
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            write(response, callback, answer.status(), "HEAD".equals(method) ? new byte[0] : answer.body());
            return true;
        }
    }

    static void write(Response response, Callback callback, int status, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(Objects.requireNonNull(body)), callback);
    }
}
