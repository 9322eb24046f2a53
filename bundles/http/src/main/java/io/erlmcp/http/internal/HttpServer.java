// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.http.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.erlmcp.health.HealthService;
import io.erlmcp.http.HttpWhiteboard;

/**
 * Owns the node's Jetty 12 server (the {@code default} listener): serves {@code /health} and mounts every
 * {@link Handler} service that carries {@link HttpWhiteboard#PATH}, live. With a keystore configured, a second
 * connector serves the same paths over TLS 1.3 (HTTPS and WSS, port 8443 by default).
 */
@Component(service = {}, configurationPid = HttpServer.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true) // no service: the component exists to run the server
@Designate(ocd = HttpServer.Config.class)
public final class HttpServer {

    static final String PID = "io.erlmcp.http";

    /**
     * Configuration PID {@code io.erlmcp.http}; optional, so the node serves with these defaults. A change
     * re-activates the component (a new server on the new address); mounted handlers move over.
     */
    @ObjectClassDefinition(name = "erlmcp HTTP server", description = "The node's HTTP listener")
    public @interface Config {
        String DEFAULT_HOST = "127.0.0.1";
        int DEFAULT_PORT = 8080;
        long DEFAULT_IDLE_TIMEOUT_MILLIS = 30_000;
        int DEFAULT_MAX_THREADS = 200;
        int DEFAULT_MIN_THREADS = 8;
        int DEFAULT_REQUEST_HEADER_SIZE = 16_384;
        int DEFAULT_ACCEPT_QUEUE_SIZE = 1024;
        long DEFAULT_STOP_TIMEOUT_MILLIS = 2_000;

        @AttributeDefinition(name = "Host", description = "Address to bind; 127.0.0.1 keeps the node local, "
                + "0.0.0.0 listens on every interface")
        String host() default DEFAULT_HOST;

        @AttributeDefinition(name = "Port", description = "TCP port; 0 picks a free one. Without any configuration "
                + "the framework property erlmcp.http.port (ERLMCP_HTTP_PORT) applies")
        int port() default DEFAULT_PORT;

        @AttributeDefinition(name = "Idle timeout", description = "Milliseconds an idle connection is kept open")
        long idle_timeout_millis() default DEFAULT_IDLE_TIMEOUT_MILLIS;

        @AttributeDefinition(name = "Maximum threads", description = "Upper bound of the request thread pool")
        int max_threads() default DEFAULT_MAX_THREADS;

        @AttributeDefinition(name = "Minimum threads", description = "Threads kept even when idle")
        int min_threads() default DEFAULT_MIN_THREADS;

        @AttributeDefinition(name = "Request header limit", description = "Bytes of request line and headers; "
                + "a larger request gets 431")
        int request_header_size() default DEFAULT_REQUEST_HEADER_SIZE;

        @AttributeDefinition(name = "Accept queue", description = "Backlog of connections not yet accepted")
        int accept_queue_size() default DEFAULT_ACCEPT_QUEUE_SIZE;

        @AttributeDefinition(name = "Stop grace", description = "Milliseconds requests in flight get to finish "
                + "when the server stops; 0 stops at once")
        long stop_timeout_millis() default DEFAULT_STOP_TIMEOUT_MILLIS;

        @AttributeDefinition(name = "HTTPS port", description = "Port of the second listener, TLS 1.3 only, serving "
                + "the same paths; 0 picks a free one. It listens only when a keystore is configured")
        int tls_port() default DEFAULT_TLS_PORT;

        @AttributeDefinition(name = "HTTPS keystore", description = "Path of the keystore holding the server's key "
                + "and certificate chain; empty: no HTTPS listener")
        String tls_keystore() default "";

        @AttributeDefinition(name = "HTTPS keystore password", type = AttributeType.PASSWORD,
                description = "Password of the keystore and of the key in it")
        String tls_keystore_password() default "";

        @AttributeDefinition(name = "HTTPS keystore type", description = "PKCS12 or JKS")
        String tls_keystore_type() default "PKCS12";
    }

    /** The HTTPS listener's port when nothing else is configured (ERLMCP_HTTPS_PORT). */
    static final int DEFAULT_TLS_PORT = 8443;

    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

    /** Framework property (set by the launcher from ERLMCP_HTTP_PORT): the port when there is no configuration. */
    static final String PORT_PROPERTY = "erlmcp.http.port";

    private final Server server;
    private final ServerConnector connector;
    private final ServerConnector tlsConnector;
    private final Router router = new Router();
    private final HealthEndpoint health = new HealthEndpoint(new ObjectMapper());
    private final Object lock = new Object();
    private volatile Mounts mounts = Mounts.EMPTY;
    private volatile HealthService healthService;

    /**
     * Starts the server. Without a configuration {@code io.erlmcp.http} the port comes from the framework property
     * {@value #PORT_PROPERTY} when it is set (the runtime's {@code etc/io.erlmcp.http.cfg} says the same).
     */
    @Activate
    public HttpServer(Config config, Map<String, Object> properties, BundleContext context) throws Exception {
        this(config, properties.containsKey(Constants.SERVICE_PID) ? config.port()
                : portFrom(context.getProperty(PORT_PROPERTY), config.port()));
    }

    HttpServer(Config config, int port) throws Exception {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(PID + " port must be 0..65535, not " + port);
        }
        if (config.max_threads() < 4 || config.min_threads() < 1 || config.min_threads() > config.max_threads()) {
            throw new IllegalArgumentException(PID + " needs 1 <= min.threads <= max.threads and max.threads >= 4, not "
                    + config.min_threads() + ".." + config.max_threads());
        }
        QueuedThreadPool threads = new QueuedThreadPool(config.max_threads(), config.min_threads());
        threads.setName("erlmcp-http");
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(config.request_header_size());
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(port);
        connector.setIdleTimeout(config.idle_timeout_millis());
        connector.setAcceptQueueSize(config.accept_queue_size());
        server.addConnector(connector);
        tlsConnector = config.tls_keystore().isBlank() ? null : tlsConnector(config, http);
        if (tlsConnector != null) {
            server.addConnector(tlsConnector);
        }
        server.setHandler(router);
        server.setStopTimeout(config.stop_timeout_millis());
        try {
            server.start();
        } catch (Exception e) {
            // A port in use fails here; stop what did start (the thread pool) before SCR reports the failure.
            stopQuietly();
            throw new IllegalStateException("HTTP server could not listen on " + config.host() + ":" + port
                    + (tlsConnector == null ? "" : " and " + config.tls_port() + " (HTTPS)") + ": " + e, e);
        }
        LOG.info("HTTP listening on {}:{}", config.host(), connector.getLocalPort());
        if (tlsConnector != null) {
            LOG.info("HTTPS (TLS 1.3) listening on {}:{}", config.host(), tlsConnector.getLocalPort());
        }
    }

    /** TLS 1.3 only, HTTP/1.1 inside; the keystore is checked here so that a bad path says so plainly. */
    private ServerConnector tlsConnector(Config config, HttpConfiguration http) {
        int port = config.tls_port();
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(PID + " tls.port must be 0..65535, not " + port);
        }
        Path keystore = Path.of(config.tls_keystore().trim());
        if (!Files.isReadable(keystore)) {
            throw new IllegalArgumentException(PID + " tls.keystore " + keystore.toAbsolutePath()
                    + " is not a readable file; create one (README: HTTPS) or clear tls.keystore to turn HTTPS off");
        }
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(keystore.toAbsolutePath().toString());
        tls.setKeyStorePassword(config.tls_keystore_password());
        tls.setKeyStoreType(config.tls_keystore_type().isBlank() ? "PKCS12" : config.tls_keystore_type().trim());
        tls.setIncludeProtocols("TLSv1.3");
        HttpConfiguration https = new HttpConfiguration(http);
        https.addCustomizer(new SecureRequestCustomizer());
        ServerConnector tlsConnector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"),
                new HttpConnectionFactory(https));
        tlsConnector.setHost(config.host());
        tlsConnector.setPort(port);
        tlsConnector.setIdleTimeout(config.idle_timeout_millis());
        tlsConnector.setAcceptQueueSize(config.accept_queue_size());
        return tlsConnector;
    }

    static int portFrom(String property, int fallback) {
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
    void deactivate() {
        synchronized (lock) {
            stopQuietly();
        }
        LOG.info("HTTP stopped listening on {}", connector.getHost() + ":" + connector.getPort()
                + (tlsConnector == null ? "" : " and " + tlsConnector.getPort() + " (HTTPS)"));
    }

    private void stopQuietly() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("HTTP server did not stop cleanly", e);
        }
    }

    /** @return the port actually bound (differs from the configuration when it asked for 0) */
    int port() {
        return connector.getLocalPort();
    }

    /** @return the HTTPS port actually bound, or -1 when there is no HTTPS listener */
    int tlsPort() {
        return tlsConnector == null ? -1 : tlsConnector.getLocalPort();
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

    /** Mounts a whiteboard handler and starts it as a managed bean of the router, so it stops with the server. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            target = "(" + HttpWhiteboard.PATH + "=*)", updated = "updatedHandler")
    void addHandler(Handler handler, Map<String, Object> properties) {
        String path = mountPath(handler, properties);
        if (path == null) {
            return;
        }
        synchronized (lock) {
            if (mounts.contains(handler)) {
                return;
            }
            if (mounts.at(path) != null) {
                LOG.warn("Two handlers at {}: {} answers, {} waits until it goes", path,
                        mounts.at(path).getClass().getName(), handler.getClass().getName());
            }
            try {
                if (handler.getServer() != server && !handler.isRunning()) {
                    handler.setServer(server);
                }
                router.addManaged(handler); // a managed bean of the running router: started now, stopped with it
            } catch (RuntimeException e) {
                router.removeBean(handler);
                LOG.warn("Not mounting {} at {}: it failed to start", handler, path, e);
                return;
            }
            mounts = mounts.with(path, handler);
        }
        LOG.info("Mounted {} at {}", handler.getClass().getName(), path);
    }

    /** A handler whose path changed moves to the new path without being restarted. */
    void updatedHandler(Handler handler, Map<String, Object> properties) {
        String path = mountPath(handler, properties);
        synchronized (lock) {
            if (!mounts.contains(handler)) {
                if (path != null) {
                    addHandler(handler, properties);
                }
                return;
            }
            if (path == null) {
                removeHandler(handler);
                return;
            }
            mounts = mounts.without(handler).with(path, handler);
        }
        LOG.info("Moved {} to {}", handler.getClass().getName(), path);
    }

    void removeHandler(Handler handler) {
        synchronized (lock) {
            if (!mounts.contains(handler)) {
                return;
            }
            mounts = mounts.without(handler);
            router.removeBean(handler);
            try {
                handler.stop();
            } catch (Exception e) {
                LOG.warn("Unmounted handler {} failed to stop", handler, e);
            }
        }
        LOG.info("Unmounted {}", handler.getClass().getName());
    }

    /** @return where the handler goes on this listener, or null when it is for another listener or unusable */
    private static String mountPath(Handler handler, Map<String, Object> properties) {
        Object listener = properties.getOrDefault(HttpWhiteboard.LISTENER, HttpWhiteboard.DEFAULT_LISTENER);
        if (!HttpWhiteboard.DEFAULT_LISTENER.equals(listener)) {
            return null;
        }
        String path = Mounts.normalize(properties.get(HttpWhiteboard.PATH));
        if (path == null) {
            LOG.warn("Not mounting {}: {} must be a path starting with /, not {}", handler, HttpWhiteboard.PATH,
                    properties.get(HttpWhiteboard.PATH));
        }
        return path;
    }

    private static final byte[] NOT_FOUND = "{\"error\":\"not found\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NOT_ALLOWED = "{\"error\":\"method not allowed\"}".getBytes(StandardCharsets.UTF_8);

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
            write(response, callback, HttpStatus.NOT_FOUND_404, NOT_FOUND);
            return true;
        }

        private boolean health(Request request, Response response, Callback callback, String path) throws Exception {
            String method = request.getMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
                write(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, NOT_ALLOWED);
                return true;
            }
            HealthEndpoint.Answer answer = path.length() <= "/health/".length()
                    ? health.all(healthService)
                    : health.one(healthService, path.substring("/health/".length()));
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            // For HEAD, Jetty sends the headers (Content-Length included) and drops the body.
            write(response, callback, answer.status(), answer.body());
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
